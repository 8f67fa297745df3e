"""Argument types shared by the command-line commands (``argparse`` ``type=``).

>>> non_negative("3"), positive("1")
(3, 1)
>>> positive("0")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: must be 1 or more, got 0
"""

from __future__ import annotations

import argparse


def non_negative(value: str) -> int:
    """``value`` as a whole number of 0 or more, or a usage error that says why."""
    return _at_least(value, 0)


def positive(value: str) -> int:
    """``value`` as a whole number of 1 or more, or a usage error that says why."""
    return _at_least(value, 1)


def _at_least(value: str, low: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < low:
        raise argparse.ArgumentTypeError(f"must be {low} or more, got {number}")
    return number
