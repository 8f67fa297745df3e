"""Record in clean_cases.json which cases the shipped model gets wrong, and how.

Run after a new model is committed::

    python tests/data/mark_clean_cases.py

To score another model file without touching the cases::

    python tests/data/mark_clean_cases.py --model path/to/boilerstrip.joblib

Each case whose ``clean()`` output differs from its expected body gets an
``xfail`` reason naming the blocks the model keeps or drops wrongly; a case it
gets right loses its ``xfail``. The expected bodies are never changed, and the
tests mark the listed cases as *strict* expected failures, so a case that a
later model gets right fails the suite until this script is run again.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from boilerstrip import clean
from boilerstrip.model import Model

CASES_FILE = Path(__file__).with_name("clean_cases.json")
SHOWN_CHARS = 37
"""Blocks are quoted up to this many characters in a reason."""


def _quote(line: str) -> str:
    return repr(line if len(line) <= SHOWN_CHARS else line[:SHOWN_CHARS] + "...")


def reason(expected: str, got: str) -> str | None:
    """Why ``got`` is not ``expected``, block by block; None when they are equal."""
    if got == expected:
        return None
    want, have = expected.split("\n"), got.split("\n")
    kept = [_quote(line) for line in have if line and line not in want]
    dropped = [_quote(line) for line in want if line and line not in have]
    parts = []
    if kept:
        parts.append("shipped model keeps " + "; ".join(kept))
    if dropped:
        parts.append("shipped model drops " + "; ".join(dropped))
    return ", and ".join(parts) or "shipped model joins or orders the blocks differently"


def dump(cases: list[dict[str, object]]) -> str:
    """The cases in the file's layout: one field a line, each value as one JSON line."""
    keys = ("name", "languages", "xfail", "text", "body")
    blocks = []
    for case in cases:
        fields = [
            f"  {json.dumps(k)}: {json.dumps(case[k], ensure_ascii=False)}"
            for k in keys
            if k in case
        ]
        blocks.append(" {\n" + ",\n".join(fields) + "\n }")
    return "[\n" + ",\n".join(blocks) + "\n]\n"


def tally(cases: list[dict[str, object]], outputs: list[str]) -> str:
    """Cases right, the expected body lines kept, and the lines kept that are not body."""
    right = kept = wanted = extra = 0
    for case, got in zip(cases, outputs, strict=True):
        want = [line for line in str(case["body"]).split("\n") if line]
        have = [line for line in got.split("\n") if line]
        right += got == case["body"]
        wanted += len(want)
        kept += sum(line in have for line in want)
        extra += sum(line not in want for line in have)
    return (
        f"{right} of {len(cases)} cases right; {kept} of {wanted} body lines kept; "
        f"{extra} lines kept that are not body"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the ``xfail`` field of every case from the shipped model's output,
    or, with ``--model``, only score that model file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="score this model file; the cases file is left as it is")
    args = parser.parse_args(argv)
    model = Model.load(args.model) if args.model else None
    cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    outputs = [clean(str(case["text"]), model=model) for case in cases]
    print(tally(cases, outputs))
    if model is not None:
        return 0
    for case, got in zip(cases, outputs, strict=True):
        why = reason(str(case["body"]), got)
        case.pop("xfail", None)
        if why is not None:
            case["xfail"] = why
    CASES_FILE.write_text(dump(cases), encoding="utf-8")
    print(f"{sum('xfail' in case for case in cases)} cases marked xfail")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
