"""Record in clean_cases.json which cases the shipped model gets wrong, and how.

Run after a new model is committed::

    python tests/data/mark_clean_cases.py

Each case whose ``clean()`` output differs from its expected body gets an
``xfail`` reason naming the blocks the model keeps or drops wrongly; a case it
gets right loses its ``xfail``. The expected bodies are never changed, and the
tests mark the listed cases as *strict* expected failures, so a case that a
later model gets right fails the suite until this script is run again.
"""

from __future__ import annotations

import json
from pathlib import Path

from boilerstrip import clean

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


def main() -> int:
    """Rewrite the ``xfail`` field of every case from the shipped model's output."""
    cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    for case in cases:
        why = reason(case["body"], clean(case["text"]))
        case.pop("xfail", None)
        if why is not None:
            case["xfail"] = why
    CASES_FILE.write_text(dump(cases), encoding="utf-8")
    failing = sum("xfail" in case for case in cases)
    print(f"{len(cases) - failing} of {len(cases)} cases right; {failing} marked xfail")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
