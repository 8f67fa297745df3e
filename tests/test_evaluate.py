"""Metrics checked against small cases computed by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from boilerstrip.evaluate import (
    BlockKeptIndex,
    BlockOutcome,
    ClassKept,
    KindCount,
    LabelScore,
    ShingleCounts,
    SnippetCheck,
    WordScore,
    block_kept,
    block_score,
    check_snippets,
    count_removed,
    merge_removed,
    shingle_counts,
    shingle_score,
    shingles,
    sum_snippets,
    summarize_words,
    tokenize,
    word_score,
)
from boilerstrip.types import Block, Decision, Kind, Label

THIRD = 1 / 3


# --- tokens and shingles ---------------------------------------------------


def test_tokens_are_unicode_word_runs_with_case_kept() -> None:
    assert tokenize("Straße, über-all; 東京 2024! it's") == [
        "Straße",
        "über",
        "all",
        "東京",
        "2024",
        "it",
        "s",
    ]


def test_shingles_are_a_multiset_of_four_token_runs() -> None:
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }


def test_short_text_gives_one_short_shingle_and_empty_text_none() -> None:
    assert shingles("x, y z") == {("x", "y", "z"): 1}
    assert shingles("a b c d") == {("a", "b", "c", "d"): 1}
    assert shingles("") == {}
    assert shingles(" ... ") == {}


# --- Zyte shingle metric: one page -----------------------------------------


def test_identical_texts_score_one() -> None:
    counts = shingle_counts("one two three four five", "one two three four five")
    assert counts == ShingleCounts(tp=1.0, fp=0.0, fn=0.0)
    assert (counts.precision, counts.recall) == (1.0, 1.0)


def test_one_changed_token_at_the_end() -> None:
    # gold {abcd, bcde}, predicted {abcd, bcdx}: tp=1 fp=1 fn=1, normalised to thirds.
    counts = shingle_counts("a b c d e", "a b c d x")
    assert counts.tp == pytest.approx(THIRD)
    assert counts.fp == pytest.approx(THIRD)
    assert counts.fn == pytest.approx(THIRD)
    assert counts.precision == pytest.approx(0.5)
    assert counts.recall == pytest.approx(0.5)


def test_counts_are_normalised_per_page() -> None:
    # gold: 7 shingles, predicted the first 3 of them: tp=3 fp=0 fn=4 -> /7.
    counts = shingle_counts("a b c d e f g h i j", "a b c d e f")
    assert counts.tp == pytest.approx(3 / 7)
    assert counts.fp == 0.0
    assert counts.fn == pytest.approx(4 / 7)
    assert counts.precision == 1.0
    assert counts.recall == pytest.approx(3 / 7)


def test_empty_gold() -> None:
    counts = shingle_counts("", "a b c d e")
    assert counts == ShingleCounts(tp=0.0, fp=1.0, fn=0.0)
    assert counts.precision == 0.0
    assert counts.recall == 0.0
    assert counts.has_prediction and not counts.has_gold


def test_empty_prediction() -> None:
    counts = shingle_counts("a b c d e", "")
    assert counts == ShingleCounts(tp=0.0, fp=0.0, fn=1.0)
    assert counts.precision == 0.0
    assert counts.recall == 0.0
    assert counts.has_gold and not counts.has_prediction


def test_both_empty_is_perfect_but_counts_in_no_average() -> None:
    counts = shingle_counts("", "  \n ")
    assert counts == ShingleCounts(tp=0.0, fp=0.0, fn=0.0)
    assert (counts.precision, counts.recall) == (1.0, 1.0)
    assert not counts.has_gold and not counts.has_prediction


def test_texts_under_four_tokens() -> None:
    assert shingle_counts("hello world", "Hello, world!").precision == 0.0  # case kept
    same = shingle_counts("hello world", "hello... world")
    assert (same.precision, same.recall) == (1.0, 1.0)
    # The three-token shingle (a b c) is not the four-token shingle (a b c d).
    other = shingle_counts("a b c", "a b c d")
    assert other == ShingleCounts(tp=0.0, fp=0.5, fn=0.5)
    assert (other.precision, other.recall) == (0.0, 0.0)


def test_repeated_shingles_are_counted_as_a_multiset() -> None:
    # gold: abcd x2, bcda, cdab, dabc (5); predicted abcd once: tp=1 fp=0 fn=4.
    once = shingle_counts("a b c d a b c d", "a b c d")
    assert once.tp == pytest.approx(0.2)
    assert once.fn == pytest.approx(0.8)
    assert once.precision == 1.0
    assert once.recall == pytest.approx(0.2)
    # predicted: abcd x3, bcda x2, cdab x2, dabc x2 (9): tp=5 fp=4 fn=0.
    thrice = shingle_counts("a b c d a b c d", "a b c d a b c d a b c d")
    assert thrice.tp == pytest.approx(5 / 9)
    assert thrice.fp == pytest.approx(4 / 9)
    assert thrice.fn == 0.0
    assert thrice.precision == pytest.approx(5 / 9)
    assert thrice.recall == 1.0


# --- Zyte shingle metric: a set of pages -----------------------------------


def test_averages_skip_pages_without_prediction_or_gold() -> None:
    pages = [
        shingle_counts("a b c d e", "a b c d e"),  # P=1 R=1
        shingle_counts("", "a b c d e"),  # P=0, no gold: not in recall
        shingle_counts("a b c d e", ""),  # R=0, no prediction: not in precision
        shingle_counts("", ""),  # in neither average
    ]
    score = shingle_score(pages, resamples=0)
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(0.5)
    assert (score.pages, score.precision_pages, score.recall_pages) == (4, 2, 2)
    assert (score.precision_std, score.recall_std, score.f1_std) == (0.0, 0.0, 0.0)


def test_f1_is_the_harmonic_mean_of_the_averages() -> None:
    pages = [
        shingle_counts("a b c d e", "a b c d e"),  # P=1 R=1
        shingle_counts("a b c d a b c d", "a b c d"),  # P=1 R=0.2
    ]
    score = shingle_score(pages, resamples=0)
    assert score.precision == 1.0
    assert score.recall == pytest.approx(0.6)
    # 2 * 1 * 0.6 / 1.6, not the mean of the page F1s (1 and 1/3).
    assert score.f1 == pytest.approx(0.75)


def test_no_pages_gives_zeros() -> None:
    score = shingle_score([])
    assert (score.precision, score.recall, score.f1, score.f1_std, score.pages) == (
        0.0,
        0.0,
        0.0,
        0.0,
        0,
    )


def test_bootstrap_deviation_is_zero_when_every_page_agrees() -> None:
    page = shingle_counts("a b c d e", "a b c d")
    score = shingle_score([page] * 5)
    assert (score.precision_std, score.recall_std) == (0.0, 0.0)
    assert score.f1_std == pytest.approx(0.0, abs=1e-12)


def test_bootstrap_deviation_matches_theory_and_is_reproducible() -> None:
    # Two pages with precision 1 and 0: a resample's mean is 0, 0.5 or 1 with
    # chances 1/4, 1/2, 1/4, so the deviation is sqrt(1/8) = 0.354.
    pages = [shingle_counts("a b c d e", "a b c d e"), shingle_counts("x y z w", "a b c d")]
    score = shingle_score(pages)
    assert score.precision_std == pytest.approx(math.sqrt(1 / 8), abs=0.02)
    assert score.precision_std > 0.0
    assert shingle_score(pages) == score
    assert shingle_score(pages, seed=1) != score


def test_negative_resamples_are_refused() -> None:
    with pytest.raises(ValueError, match="resamples"):
        shingle_score([], resamples=-1)


# --- word bag of words -----------------------------------------------------


def test_word_score_counts_words_as_bags() -> None:
    # gold: the x2 cat sat on mat (6); predicted: the x2 cat dog (4); overlap 3.
    assert word_score("the cat sat on the mat", "the cat the dog") == WordScore(
        precision=0.75, recall=0.5, f1=0.6
    )


def test_word_score_edge_cases() -> None:
    assert word_score("", "") == WordScore(1.0, 1.0, 1.0)
    assert word_score("some words", "") == WordScore(0.0, 0.0, 0.0)
    assert word_score("", "some words") == WordScore(0.0, 0.0, 0.0)
    assert word_score("The end", "the end") == WordScore(0.5, 0.5, 0.5)


def test_word_summary_means_and_median() -> None:
    summary = summarize_words(
        [WordScore(1.0, 1.0, 1.0), WordScore(0.5, 0.0, 0.0), WordScore(0.0, 0.2, 0.1)]
    )
    assert summary.precision == pytest.approx(0.5)
    assert summary.recall == pytest.approx(0.4)
    assert summary.f1 == pytest.approx(1.1 / 3)
    assert summary.f1_median == pytest.approx(0.1)
    assert summary.pages == 3
    assert summarize_words([]).pages == 0


# --- snippets ----------------------------------------------------------------


def test_snippets_ignore_whitespace_and_case() -> None:
    check = check_snippets(
        "The Big\n\nStory  is here. Subscribe now",
        with_snippets=["big story is", "missing part", ""],
        without_snippets=["subscribe NOW", "Cookie policy"],
    )
    assert check == SnippetCheck(with_found=1, with_total=2, without_absent=1, without_total=2)
    assert (check.with_share, check.without_share) == (0.5, 0.5)


def test_snippet_shares_are_none_without_snippets_and_sum_over_pages() -> None:
    empty = check_snippets("text", with_snippets=[], without_snippets=[])
    assert (empty.with_share, empty.without_share) == (None, None)
    total = sum_snippets([SnippetCheck(1, 2, 0, 1), SnippetCheck(2, 2, 3, 3), empty])
    assert total == SnippetCheck(3, 4, 3, 4)
    assert (total.with_share, total.without_share) == (0.75, 0.75)


# --- blocks ------------------------------------------------------------------


def test_block_kept_by_shingle_coverage_or_consecutive_run() -> None:
    out = "x a b c d y. p q"
    assert block_kept("a b c d e", out)  # 1 of 2 shingles present
    assert not block_kept("a b c d e f", out)  # 1 of 3
    assert block_kept("y p", out)  # short block, consecutive tokens
    assert not block_kept("q p", out)
    assert not block_kept("A b", out)
    assert not block_kept("", out)
    index = BlockKeptIndex(out)
    assert [index.kept(b) for b in ("a b c d e", "a b c d e f", "y p", "")] == [
        True,
        False,
        True,
        False,
    ]


def test_block_score_accuracy_label_f1_and_classes() -> None:
    outcomes = [
        BlockOutcome("full-text", True, True),
        BlockOutcome("full-text", True, True),
        BlockOutcome("headline", True, False),
        BlockOutcome("comments", False, False),
        BlockOutcome("related", False, True),
    ]
    score = block_score(outcomes)
    assert score.blocks == 5
    assert score.accuracy == pytest.approx(0.6)
    content, noise = score.labels
    # content: tp=2 fp=1 fn=1; noise: tp=1 fp=1 fn=1
    assert (content.label, content.support) == ("content", 3)
    assert (content.precision, content.recall, content.f1) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert noise == LabelScore("noise", 0.5, 0.5, 0.5, 2)
    assert score.classes == (
        ClassKept("comments", 1, 0),
        ClassKept("full-text", 2, 2),
        ClassKept("headline", 1, 0),
        ClassKept("related", 1, 1),
    )
    assert block_score([]).accuracy == 0.0


# --- removed kinds -----------------------------------------------------------


def _decision(text: str, label: Label, kind: Kind) -> Decision:
    return Decision(Block(text, 0, len(text), 0), label, kind, 0.9)


def test_count_removed_counts_noise_blocks_and_chars_by_kind() -> None:
    decisions = [
        _decision("Headline", Label.TITLE, Kind.TITLE),
        _decision("Body text.", Label.BODY, Kind.BODY),
        _decision("Donate", Label.NOISE, Kind.DONATION),
        _decision("Share", Label.NOISE, Kind.SHARE),
        _decision("Tweet", Label.NOISE, Kind.SHARE),
    ]
    assert count_removed(decisions) == (
        KindCount(Kind.SHARE, 2, 10),
        KindCount(Kind.DONATION, 1, 6),
    )
    merged = merge_removed([count_removed(decisions), (KindCount(Kind.DONATION, 2, 4),)])
    assert merged == (KindCount(Kind.DONATION, 3, 10), KindCount(Kind.SHARE, 2, 10))


# --- running systems over pages ---------------------------------------------

from boilerstrip.convert import Converter  # noqa: E402
from boilerstrip.datasets import Gold, GoldBlock, Page, PageError  # noqa: E402
from boilerstrip.evaluate import PageFailure, evaluate_pages, report_to_dict  # noqa: E402
from boilerstrip.peers import AllText, C4Lines, Resiliparse, SystemName  # noqa: E402


def _page(page_id: str, text: str, gold: Gold, html: str | None = None) -> Page:
    return Page(page_id, "jsonl", None, html, text if html is None else None, gold, None)


class _FailsOn:
    """A text system that keeps everything but raises on one page."""

    def __init__(self, bad_text: str) -> None:
        self.bad_text = bad_text

    @property
    def name(self) -> SystemName:
        return SystemName.ALL_TEXT

    def extract(self, *, text: str, html: str | None) -> str:
        if text == self.bad_text:
            raise RuntimeError("cannot cope\nwith this page")
        return text


def test_every_record_is_scored_or_listed_as_an_error() -> None:
    records = [
        _page(
            "a",
            "Menu\nIt rained all day in the old city.",
            Gold("It rained all day in the old city."),
        ),
        PageError("b", "jsonl", "pages.jsonl:2", "malformed gold: not an object"),
        _page("c", "boom", Gold("boom")),
    ]
    seen: list[int] = []
    report = evaluate_pages(
        records,
        [C4Lines(), _FailsOn("boom"), Resiliparse()],
        dataset="mem",
        format="jsonl",
        converter=Converter.LXML,
        progress=seen.append,
    )
    assert seen == [1, 2, 3]
    assert report.converted_pages == 0
    c4, failing, resiliparse = report.systems
    assert (c4.pages_read, c4.pages_scored) == (3, 2)
    assert c4.errors == (PageFailure("b", "read", "malformed gold: not an object"),)
    # c4 drops "boom" (no terminal mark): an empty prediction against gold -> recall 0.
    assert (c4.shingles.precision, c4.shingles.recall) == (1.0, 0.5)
    assert failing.errors[1] == PageFailure("c", "extract", "RuntimeError: cannot cope")
    assert failing.pages_scored == 1
    assert resiliparse.pages_scored == 0
    missing = "MissingHtmlError: resiliparse reads HTML, and this page has none"
    assert [(e.id, e.stage, e.reason) for e in resiliparse.errors] == [
        ("a", "extract", missing),
        ("b", "read", "malformed gold: not an object"),
        ("c", "extract", missing),
    ]
    for system in report.systems:
        assert system.pages_scored + len(system.errors) == system.pages_read


def test_html_pages_are_converted_once_for_text_systems() -> None:
    html = "<html><body><nav>Home</nav><p>It rained all day in the old city.</p></body></html>"
    page = _page("h", "", Gold("It rained all day in the old city."), html=html)
    report = evaluate_pages(
        [page], [AllText(), C4Lines()], dataset="mem", format="wcxb", converter=Converter.LXML
    )
    assert report.converted_pages == 1
    assert report.converter == "lxml"
    all_text, c4 = report.systems
    # all-text: "Home It rained all" adds one shingle to the 5 gold ones -> P=5/6.
    assert all_text.shingles.precision == pytest.approx(5 / 6)
    assert c4.shingles.f1 == 1.0


def test_block_gold_is_scored_per_block() -> None:
    gold = Gold(
        "Storm hits the coast\nIt rained all day in the old city.",
        blocks=(
            GoldBlock("Storm hits the coast", "title"),
            GoldBlock("It rained all day in the old city.", "body"),
            GoldBlock("Read more", "related"),
            GoldBlock("Home", "noise"),
        ),
    )
    text = "Home\nStorm hits the coast\nIt rained all day in the old city.\nRead more"
    report = evaluate_pages(
        [_page("p", text, gold)], [C4Lines()], dataset="mem", format="l3s", converter=Converter.LXML
    )
    (c4,) = report.systems
    assert c4.blocks is not None
    # c4 keeps only the body sentence: title lost, related and noise removed.
    assert c4.blocks.accuracy == 0.75
    assert [(c.gold, c.blocks, c.kept) for c in c4.blocks.classes] == [
        ("body", 1, 1),
        ("noise", 1, 0),
        ("related", 1, 0),
        ("title", 1, 0),
    ]
    assert c4.pages[0].block_accuracy == 0.75
    data = report_to_dict(report)
    assert data["systems"][0]["blocks"]["labels"][0] == {
        "label": "content",
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3),
        "support": 2,
    }


def test_boilerstrip_explain_returns_what_clean_returns() -> None:
    import boilerstrip
    from boilerstrip.peers import Boilerstrip

    text = (Path(__file__).parent / "data" / "independent-nato-turkey.txt").read_text("utf-8")
    cleaned, decisions = Boilerstrip().explain(text=text)
    assert cleaned == boilerstrip.clean(text)
    assert decisions == boilerstrip.classify(text)
    assert Boilerstrip().extract(text=text, html=None) == cleaned


def test_resamples_without_a_gold_page_do_not_count_as_recall_zero() -> None:
    # A page whose gold is found whole and a page with no gold: recall is 1.0 on every
    # resample that has the gold page, so its spread is 0 (a quarter of the resamples
    # hold the no-gold page twice: they have no recall, not a recall of 0).
    pages = [shingle_counts("a b c d e", "a b c d e"), shingle_counts("", "x y z w")]
    score = shingle_score(pages, resamples=2000)
    assert (score.recall, score.recall_std) == (1.0, 0.0)
    assert score.precision_std > 0
