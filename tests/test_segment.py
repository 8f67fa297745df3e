"""Tests of boilerstrip.segment: cutting text into blocks and joining kept blocks."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import boilerstrip.segment as segment_module
from boilerstrip.segment import LONG_UNIT_CHARS, as_document, assemble, cut, segment
from boilerstrip.types import Block, Document, Spans

DATA = Path(__file__).parent / "data"
CASES: list[dict[str, Any]] = json.loads((DATA / "segment_cases.json").read_text(encoding="utf-8"))


def check_invariants(text: str, doc: Document) -> None:
    """Everything segment() promises about any input."""
    assert doc.text == text
    assert doc.separator in ("\n", "\n\n", "\r\n", "\r\n\r\n", "\r", "\r\r")
    previous_end = 0
    previous_unit = -1
    for block in doc.blocks:
        assert type(block) is Block
        assert block == Block(block.text, block.start, block.end, block.unit)
        assert block.text == text[block.start : block.end]
        assert block.text
        assert block.text == block.text.strip()
        assert block.start >= previous_end
        assert len(block.text) <= LONG_UNIT_CHARS
        assert block.unit in (previous_unit, previous_unit + 1)
        if len(block.text.splitlines()) > 1:
            assert doc.separator in ("\n\n", "\r\n\r\n", "\r\r")
        previous_end = block.end
        previous_unit = block.unit
    if doc.blocks:
        assert doc.blocks[0].unit == 0
    # No visible character is lost between blocks.
    starts = [0, *(b.end for b in doc.blocks)]
    ends = [*(b.start for b in doc.blocks), len(text)]
    assert all(text[s:e].strip() == "" for s, e in zip(starts, ends, strict=True))


def unit_spans(doc: Document) -> list[str]:
    """The original text of every unit, from its first block to its last."""
    spans: dict[int, tuple[int, int]] = {}
    for block in doc.blocks:
        first = spans.get(block.unit, (block.start, block.end))[0]
        spans[block.unit] = (first, block.end)
    return [doc.text[s:e] for s, e in spans.values()]


# --- data-driven cases -------------------------------------------------------


def test_cases_file_covers_the_languages() -> None:
    names = {case["name"] for case in CASES}
    assert len(CASES) >= 20
    for language in ("german", "french", "russian", "greek", "turkish", "chinese", "arabic"):
        assert any(language in name for name in names), language


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_case(case: dict[str, Any]) -> None:
    doc = segment(case["text"])
    assert [b.text for b in doc.blocks] == case["blocks"]
    assert [b.unit for b in doc.blocks] == case["units"]
    assert doc.separator == case["separator"]
    check_invariants(case["text"], doc)


# --- the reference page ------------------------------------------------------


def test_seed_page_gives_the_expected_blocks() -> None:
    text = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")
    rows = (DATA / "expected-blocks.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "kind\ttext"
    expected = [row.split("\t", 1)[1] for row in rows[1:]]
    doc = segment(text)
    assert [b.text for b in doc.blocks] == expected
    assert doc.separator == "\n"
    check_invariants(text, doc)


def test_seed_line_7_is_split_into_two_units() -> None:
    text = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")
    doc = segment(text)
    first, second = doc.blocks[6], doc.blocks[7]
    assert first.text == "Your support makes all the difference."
    assert second.text.startswith("Nato is ready to defend Turkey - including ")
    assert (first.unit, second.unit) == (6, 7)
    assert second.start == first.end


# --- glue --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the end!Next one", ["the end!", "Next one"]),
        ("Ende der Durchsage.Österreich gewinnt.", ["Ende der Durchsage.", "Österreich gewinnt."]),
        ("конец статьи.Ёлка стоит.", ["конец статьи.", "Ёлка стоит."]),
        ("τέλος άρθρου.Ωραία μέρα.", ["τέλος άρθρου.", "Ωραία μέρα."]),
        ("e.g.The", ["e.g.The"]),
        ("i.e.Then", ["i.e.Then"]),
        ("J.R.R.Tolkien", ["J.R.R.Tolkien"]),
        ("Ph.D.Thesis", ["Ph.D.Thesis"]),
        ("3.14", ["3.14"]),
        ("example.com", ["example.com"]),
        ("www.Example.Org", ["www.Example.Org"]),
        ("see https://a.b/C.d", ["see https://a.b/C.d"]),
        ("path/to/file.Name", ["path/to/file.Name"]),
        ("mail jane.Doe@example.com", ["mail jane.Doe@example.com"]),
        ("node.Js", ["node.Js"]),
        ("readme.Md", ["readme.Md"]),
        ("v1.2.Beta", ["v1.2.Beta"]),
        ("ok.Go", ["ok.Go"]),
    ],
)
def test_glue_splits_and_non_splits(text: str, expected: list[str]) -> None:
    assert [b.text for b in segment(text).blocks] == expected


def test_glue_split_gives_two_units_sharing_the_boundary() -> None:
    doc = segment("Menu\nThanks for reading.The minister resigned.")
    assert [(b.text, b.start, b.end, b.unit) for b in doc.blocks] == [
        ("Menu", 0, 4, 0),
        ("Thanks for reading.", 5, 24, 1),
        ("The minister resigned.", 24, 46, 2),
    ]


# --- long units --------------------------------------------------------------


def test_long_token_without_spaces_is_cut_at_the_limit() -> None:
    doc = segment("x" * 3200)
    assert [len(b.text) for b in doc.blocks] == [LONG_UNIT_CHARS, LONG_UNIT_CHARS, 200]
    assert [b.unit for b in doc.blocks] == [0, 0, 0]
    assert [b.start for b in doc.blocks] == [0, LONG_UNIT_CHARS, 2 * LONG_UNIT_CHARS]


def test_long_line_without_punctuation_is_cut_at_spaces() -> None:
    text = " ".join(f"word{i:04d}" for i in range(400))  # 3599 characters
    doc = segment(text)
    assert len(doc.blocks) == 3
    assert all(len(b.text) <= LONG_UNIT_CHARS for b in doc.blocks)
    assert " ".join(b.text for b in doc.blocks) == text
    assert {b.unit for b in doc.blocks} == {0}
    check_invariants(text, doc)


def test_long_chinese_line_is_cut_after_full_stops() -> None:
    sentence = "这是一个很长的句子\uff0c用来测试没有空格的中文文本如何被切分成块。"
    doc = segment(sentence * 100)
    per_block = LONG_UNIT_CHARS // len(sentence)
    assert [b.text for b in doc.blocks] == [
        sentence * per_block,
        sentence * per_block,
        sentence * (100 - 2 * per_block),
    ]


def test_long_line_prefers_the_last_sentence_end_that_fits() -> None:
    short = "Short sentence."
    filler = " ".join(["filler"] * 300)  # 2099 characters, no sentence end
    text = f"{short} {filler} End."
    doc = segment(text)
    assert doc.blocks[0].text == short
    assert all(len(b.text) <= LONG_UNIT_CHARS for b in doc.blocks)
    assert " ".join(b.text for b in doc.blocks) == text


# --- assemble ----------------------------------------------------------------


def test_assemble_returns_whole_paragraphs_with_inner_breaks() -> None:
    p1 = "The council met on Monday evening and agreed, after a\r\nlong debate, to repair it."
    p2 = "Share this article with your friends and family today"
    p3 = "Work will begin in March and the road will be closed\r\nto traffic for six weeks."
    text = f"{p1}\r\n\r\n{p2}\r\n\r\n{p3}\r\n"
    doc = segment(text)
    assert doc.separator == "\r\n\r\n"  # the input's line breaks, as inside p1 and p3
    assert [b.text for b in doc.blocks] == [p1, p2, p3]
    assert assemble(doc, [True, False, True]) == f"{p1}\r\n\r\n{p3}"


def test_assemble_joins_kept_units_with_the_separator() -> None:
    doc = segment("Home\n\nFirst point.\n\nShare\n\nSecond point.")
    assert doc.separator == "\n\n"
    assert assemble(doc, [False, True, False, True]) == "First point.\n\nSecond point."
    doc = segment("Home\nFirst point.\nShare\nSecond point.")
    assert assemble(doc, [False, True, False, True]) == "First point.\nSecond point."


def test_assemble_long_unit_whole_or_in_part() -> None:
    sentence = "This sentence is one of many in a line that is far too long for a block."
    text = "Menu\n" + "  ".join([sentence] * 60)
    doc = segment(text)
    long_blocks = [i for i, b in enumerate(doc.blocks) if b.unit == 1]
    assert len(long_blocks) >= 3
    everything = [True] * len(doc.blocks)
    assert assemble(doc, everything) == text
    keep = [True] * len(doc.blocks)
    keep[0] = False
    assert assemble(doc, keep) == text[len("Menu\n") :]
    keep[long_blocks[1]] = False
    kept_texts = [doc.blocks[i].text for i in long_blocks if keep[i]]
    assert assemble(doc, keep) == " ".join(kept_texts)


def test_assemble_glued_units_come_out_on_their_own_lines() -> None:
    doc = segment("Your support makes all the difference.Nato is ready.")
    assert assemble(doc, [False, True]) == "Nato is ready."
    assert assemble(doc, [True, True]) == "Your support makes all the difference.\nNato is ready."


def test_assemble_empty() -> None:
    assert assemble(segment(""), []) == ""
    assert assemble(segment("  \n \n"), []) == ""
    doc = segment("One\nTwo")
    assert assemble(doc, [False, False]) == ""


def test_assemble_rejects_wrong_length() -> None:
    doc = segment("One\nTwo\nThree")
    with pytest.raises(ValueError, match=r"\b2\b.*\b3\b"):
        assemble(doc, [True, False])
    with pytest.raises(ValueError, match=r"\b0\b.*\b3\b"):
        assemble(doc, [])


# --- robustness --------------------------------------------------------------


@pytest.mark.parametrize("value", [b"bytes", None, 3, ["a list"]])
def test_non_str_raises_type_error_naming_the_type(value: object) -> None:
    with pytest.raises(TypeError, match=type(value).__name__):
        segment(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "\ud800",
        "a\udfffb\nc",
        "\x00\x01\x07 bell\x1b[0m\n\x7f",
        "\x1c\x1d\x1e\x1f\x85",
        "שלום עולם.\nمرحبا بالعالم.",
        "\u200b\u200e\u200f\ufeff",
        "\n" * 1000,
    ],
)
def test_odd_inputs_keep_the_invariants(text: str) -> None:
    check_invariants(text, segment(text))


CUT_INPUTS = {
    "lines": ("Menu\n  The vote was close.  \n\nShare", True),
    "paragraphs": ("The vote was close.\n\nIt will be counted again.", True),
    "hard-wrapped": (
        "The council met on Monday and agreed, after a\nlong debate, to repair the bridge.\n\n"
        "It will reopen in May, the mayor said, once the\nworks are done and checked.",
        True,
    ),
    "glued": ("The vote was close.Nato is ready to act.\nShare", True),
    "long-line": ("Menu\n" + "The vote was close. " * 200, False),
    "empty": ("", True),
}
"""Texts for :func:`cut`, and whether every unit of each is one block."""


@pytest.mark.parametrize("name", sorted(CUT_INPUTS))
def test_cut_gives_spans_exactly_when_each_unit_is_one_block(name: str) -> None:
    text, one_block_units = CUT_INPUTS[name]
    blocks = cut(text)
    doc = segment(text)
    assert isinstance(blocks, Spans) is one_block_units
    if isinstance(blocks, Spans):
        assert as_document(blocks) == doc
        assert list(blocks.texts) == [b.text for b in doc.blocks]
        assert list(blocks.starts) == [b.start for b in doc.blocks]
    else:
        assert blocks == doc
    assert (len({b.unit for b in doc.blocks}) == len(doc.blocks)) is one_block_units


def test_lone_surrogate_is_a_block() -> None:
    assert [b.text for b in segment(" \ud800 ").blocks] == ["\ud800"]


@pytest.mark.parametrize(
    "text",
    [
        "x" * 1_000_000,
        "word " * 200_000,
        "!" * 500_000,
        "." * 500_000,
        "ab.Cd" * 100_000,
        "ab.'" * 100_000,
        "a" + " " * 500_000 + "b",
        "\u3002" * 300_000,
    ],
    ids=["token", "words", "bangs", "dots", "glue-like", "quotes", "spaces", "cjk-stops"],
)
def test_megabyte_lines_finish(text: str) -> None:
    doc = segment(text)
    check_invariants(text, doc)
    assert assemble(doc, [True] * len(doc.blocks)) == text.strip()


def test_two_megabyte_page_finishes() -> None:
    page = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")
    text = "\n\n".join([page] * (2_000_000 // len(page) + 1))
    assert len(text) > 2_000_000
    doc = segment(text)
    check_invariants(text, doc)
    assert len(doc.blocks) == 24 * (2_000_000 // len(page) + 1)


TOKENS = [
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    " ",
    "\t",
    "\u2028",
    "\u2029",
    "\x0c",
    "\x85",
    "\u3000",
    ".",
    "!",
    "?",
    '"',
    "\u201d",
    "\u201c",
    "a",
    "B",
    "\u0130",
    "\u0131",
    "\u03a3",
    "\u0436",
    "\u0416",
    "\u4e2d",
    "\u3002",
    "\ud800",
    "end",
    "Next",
    "x.Y",
    "difference.Nato",
    "www.",
    "@",
    "/",
    "3.14",
    "The council met on Monday and agreed after a long",
    "x" * 700,
    "Sentence here. " * 40,
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_invariants_on_token_soup(text: str) -> None:
    doc = segment(text)
    check_invariants(text, doc)
    assert assemble(doc, [True] * len(doc.blocks)) == doc.separator.join(unit_spans(doc))
    assert assemble(doc, [False] * len(doc.blocks)) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=())))
def test_invariants_on_arbitrary_text(text: str) -> None:
    doc = segment(text)
    check_invariants(text, doc)
    assert assemble(doc, [True] * len(doc.blocks)) == doc.separator.join(unit_spans(doc))


def test_docstring_examples() -> None:
    result = doctest.testmod(segment_module)
    assert result.attempted > 0
    assert result.failed == 0
