"""Fuzzed inputs: cleaning never crashes, parallel_map and the readers never lose a record."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import boilerstrip
from boilerstrip.batch import parallel_map
from boilerstrip.io import read_jsonl

WORDS = st.sampled_from(
    [
        "Home", "News", "|", "Share", "on", "Facebook", "Subscribe", "newsletter",
        "The", "council", "met", "on", "Monday.", "Die", "Stadt", "baut.", "市议会", "周一",
        "开会。", "Москва", "заявила.", "©", "2024", "cookies", "Accept", "...", "»", "—",
        "http://example.com/a.js", "Mr.", "U.S.", "e.g.", "", " ", "\t",
    ]
)  # fmt: skip
LINE = st.lists(WORDS, max_size=40).map(" ".join)
SEPARATORS = st.sampled_from(["\n", "\n\n", "\r\n", "\r", "\u2028", "\x0b", "\x1c", "", " "])
PAGE_LIKE = st.lists(st.tuples(LINE, SEPARATORS), max_size=40).map(
    lambda parts: "".join(line + sep for line, sep in parts)
)
ANY_TEXT = st.one_of(st.text(), st.text(alphabet=st.characters(codec="utf-8")), PAGE_LIKE)


def _is_subsequence(part: str, whole: str) -> bool:
    remaining = iter(whole)
    return all(char in remaining for char in part)


def _check_clean(text: str) -> None:
    cleaned = boilerstrip.clean(text)
    assert isinstance(cleaned, str)
    # kept blocks come back as written and in order, joined by whitespace:
    # the output invents no character and reorders nothing
    assert _is_subsequence("".join(cleaned.split()), "".join(text.split()))
    titled = boilerstrip.clean(text, keep_title=True)
    assert _is_subsequence("".join(cleaned.split()), "".join(titled.split()))
    for decision in boilerstrip.classify(text):
        assert text[decision.start : decision.end] == decision.text
        assert 0.0 <= decision.probability <= 1.0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANY_TEXT)
def test_clean_never_crashes_on_arbitrary_text(text: str) -> None:
    _check_clean(text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, min_size=1, max_size=5), st.integers(min_value=1, max_value=40))
def test_clean_never_crashes_on_very_long_lines(lines: list[str], repeat: int) -> None:
    # one huge line (a flattened article or comment thread) is cut into blocks
    _check_clean(" ".join(lines) * repeat * 20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ANY_TEXT, max_size=12), st.booleans())
def test_clean_batch_is_clean_of_each_text(texts: list[str], keep_title: bool) -> None:
    # pages classified together give what each gives alone, whatever their shapes
    expected = [boilerstrip.clean(text, keep_title=keep_title) for text in texts]
    assert boilerstrip.clean_batch(texts, keep_title=keep_title) == expected


def fail_on_multiples_of_five(x: int) -> int:
    if x % 5 == 0:
        raise ValueError(str(x))
    return -x


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(), max_size=300), st.integers(min_value=1, max_value=50))
def test_parallel_map_never_loses_an_item_in_process(items: list[int], chunk: int) -> None:
    outcomes = list(parallel_map(fail_on_multiples_of_five, items, n_jobs=1, chunk_size=chunk))
    assert [o.index for o in outcomes] == list(range(len(items)))
    for item, outcome in zip(items, outcomes, strict=True):
        if item % 5 == 0:
            assert (outcome.ok, outcome.error) == (False, f"ValueError: {item}")
        else:
            assert (outcome.ok, outcome.value) == (True, -item)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(), max_size=400), st.integers(min_value=1, max_value=30))
def test_parallel_map_never_loses_an_item_in_workers(items: list[int], chunk: int) -> None:
    outcomes = list(parallel_map(fail_on_multiples_of_five, items, n_jobs=2, chunk_size=chunk))
    assert [o.index for o in outcomes] == list(range(len(items)))
    assert [o.value for o in outcomes] == [None if x % 5 == 0 else -x for x in items]
    assert [o.ok for o in outcomes] == [x % 5 != 0 for x in items]


JSONISH = st.lists(
    st.one_of(
        st.binary(max_size=60),
        st.sampled_from(
            [b'{"text": "ok"}', b'{"text": 1}', b"{}", b"[]", b'{"text": "\xff"}', b"\xef\xbb\xbf"]
        ),
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(JSONISH, st.integers(min_value=0, max_value=80))
@example([b"\xef\xbb\xbf"], 0)
@example([b"\xef\xbb\xbf\r", b'{"text": "ok"}'], 2)
def test_jsonl_reader_gives_one_record_per_non_blank_line(lines: list[bytes], limit: int) -> None:
    data = b"\n".join(lines)
    records = list(read_jsonl(io.BytesIO(data), name="fuzz.jsonl", max_bytes=limit))
    pieces = data.split(b"\n")
    bom = b"\xef\xbb\xbf"  # skipped before the first line

    def content(n: int, piece: bytes) -> bytes:
        return piece[len(bom) :] if n == 1 and piece.startswith(bom) else piece

    expected = [
        n
        for n, piece in enumerate(pieces, 1)
        if content(n, piece).strip() or (limit and len(piece) > limit)
    ]
    assert [r.position for r in records] == expected
    for record in records:
        assert (record.text is None) == (record.error is not None)
