"""Shared test helpers: a tiny hand-built model, a loader for the benchmark
scripts, and the ``slow`` marker.

The toy model needs no model file: it judges a block by its length and whether
it ends a sentence (see :func:`toy_model`), so tests of the pipeline's plumbing
(types, offsets, odd input) run even where the shipped model is not there.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from boilerstrip.features import DENSE_NAMES, Vocabulary
from boilerstrip.model import Committee, Linear, Model, Network, default_model_path
from boilerstrip.smooth import FIRST_STAGE_CLASSES, ODDS_PER_BLOCK, WINDOW, context_width
from boilerstrip.types import Kind

TOY_SPARSE_WIDTH = 1 << 8
"""A small power of two: the toy model's hashed weights are all zero anyway."""


BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def benchmark_module(script: str) -> Any:
    """The benchmark script ``benchmarks/<script>.py`` imported as a module."""
    name = f"benchmarks_{script}"
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{script}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes several seconds")


def toy_model() -> Model:
    """A model whose body score is ``2 * log(1 + words) + 3 * ends_terminal - 7.35``.

    Against a noise score of 0, its body probability reaches 0.45 (the floor of
    a page's core, :data:`~boilerstrip.smooth.CORE_FLOOR`) from seven words
    ending in a stop on, or 33 words without one: such blocks make the core.
    Inside the core ``clean`` keeps a block from 0.25 on (three words and a
    stop, or 17 words); the toy's body probability stays under 0.66, so it
    keeps nothing outside the core (that takes 0.8).

    The block stage never predicts prose noise (its score is -30). The context
    network passes the first stage's body and title log-odds of the block
    itself through unchanged.
    """
    n_dense = len(DENSE_NAMES)
    block_w = np.zeros((len(FIRST_STAGE_CLASSES), n_dense))
    block_w[0, DENSE_NAMES.index("log_tokens")] = 2.0
    block_w[0, DENSE_NAMES.index("ends_terminal")] = 3.0
    blocks = Linear(
        mean=np.zeros(n_dense),
        scale=np.ones(n_dense),
        dense_weights=block_w,
        sparse_weights=np.zeros((len(FIRST_STAGE_CLASSES), TOY_SPARSE_WIDTH), dtype=np.float32),
        intercept=np.array([-7.35, -8.0, 0.0, -30.0]),
    )
    n_inputs = context_width()
    own = ODDS_PER_BLOCK * WINDOW  # the block's own body log-odds; title is the next column
    hidden = np.zeros((n_inputs, 4))
    hidden[own, 0], hidden[own, 1] = 1.0, -1.0
    hidden[own + 1, 2], hidden[own + 1, 3] = 1.0, -1.0
    out = np.zeros((4, 3))
    out[0, 0], out[1, 0], out[2, 1], out[3, 1] = 1.0, -1.0, 1.0, -1.0
    context = Committee(
        (
            Network(
                mean=np.zeros(n_inputs),
                scale=np.ones(n_inputs),
                weights=(hidden, out),
                biases=(np.zeros(4), np.zeros(3)),
            ),
        )
    )
    kind_labels = (Kind.NAVIGATION, Kind.SHARE, Kind.OTHER)
    kind_w = np.zeros((3, n_dense))
    kind_w[0, DENSE_NAMES.index("nav_separators_per_token")] = 5.0
    kinds = Linear(
        mean=np.zeros(n_dense),
        scale=np.ones(n_dense),
        dense_weights=kind_w,
        sparse_weights=np.zeros((3, TOY_SPARSE_WIDTH), dtype=np.float32),
        intercept=np.array([-1.0, -2.0, 0.0]),
    )
    return Model(
        vocabulary=Vocabulary.empty(),
        blocks=blocks,
        context=context,
        kinds=kinds,
        kind_labels=kind_labels,
    )


@pytest.fixture(scope="session")
def toy() -> Model:
    """The toy model (see :func:`toy_model`)."""
    return toy_model()


HAS_DEFAULT_MODEL = default_model_path().is_file()
needs_default_model = pytest.mark.skipif(
    not HAS_DEFAULT_MODEL,
    reason=f"the shipped model {default_model_path()} does not exist yet (it is trained "
    "and committed separately)",
)
"""Skip marker for tests of the shipped model's decisions."""
