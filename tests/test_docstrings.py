"""The examples in the package's docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import boilerstrip

MODULES = [
    "boilerstrip",
    *sorted(
        info.name
        for info in pkgutil.walk_packages(boilerstrip.__path__, "boilerstrip.")
        if not info.name.endswith("__main__")  # importing it runs the command line
    ),
]

NEEDS = {"boilerstrip.peers.pick_stoplist": "justext"}
"""Docstrings whose examples need a package of an optional extra (here ``[bench]``)."""


def _runnable(test: doctest.DocTest) -> bool:
    package = NEEDS.get(test.name)
    return package is None or importlib.util.find_spec(package) is not None


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = [t for t in doctest.DocTestFinder().find(module) if t.examples and _runnable(t)]
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
