"""Tests of boilerstrip.align: training labels from a page's gold text."""

from __future__ import annotations

import pytest

from boilerstrip.align import BODY_COVERAGE, align_labels, find_title, tokens
from boilerstrip.segment import segment
from boilerstrip.types import Label

B, T, N = Label.BODY, Label.TITLE, Label.NOISE

PARAGRAPH = "The river rose by two metres overnight and flooded the lower town."
SECOND = "Residents were moved to the school hall until the water went down."


def labels(text: str, gold: str, **kwargs: object) -> list[Label]:
    return align_labels(segment(text), gold, **kwargs)  # type: ignore[arg-type]


def test_body_and_noise() -> None:
    text = f"Menu\n{PARAGRAPH}\n{SECOND}\nShare this"
    assert labels(text, f"{PARAGRAPH}\n{SECOND}") == [N, B, B, N]


def test_one_word_heading_is_covered_through_the_next_block() -> None:
    """'Flooding' alone has no trigram; 'flooding the river' spans two blocks."""
    text = f"Menu\nFlooding\n{PARAGRAPH}\nShare"
    assert labels(text, f"Flooding\n\n{PARAGRAPH}") == [N, B, B, N]


def test_menu_word_that_also_occurs_in_the_gold_is_not_covered() -> None:
    """'News' is in the gold, but not before this paragraph."""
    text = f"News\n{PARAGRAPH}"
    gold = f"{PARAGRAPH} News of the flood spread quickly."
    assert labels(text, gold) == [N, B]


def test_case_and_punctuation_do_not_matter() -> None:
    text = f"Menu\n{PARAGRAPH.upper()}"
    gold = PARAGRAPH.replace(" ", "  ").replace(".", "!")
    assert labels(text, gold) == [N, B]


def test_without_snippets_force_noise() -> None:
    appeal = "Subscribe now to read the river report every morning."
    text = f"{PARAGRAPH}\n{appeal}"
    gold = f"{PARAGRAPH}\n{appeal}"
    assert labels(text, gold) == [B, B]
    assert labels(text, gold, without=["SUBSCRIBE NOW"]) == [B, N]


def test_blank_without_snippets_are_ignored() -> None:
    assert labels(PARAGRAPH, PARAGRAPH, without=["", "  "]) == [B]


def test_half_covered_block_is_body() -> None:
    gold = "alpha beta gamma delta"
    assert BODY_COVERAGE == 0.5
    assert labels("alpha beta gamma delta w1 w2 w3 w4", gold) == [B]
    assert labels("alpha beta gamma delta w1 w2 w3 w4 w5", gold) == [N]


def test_title_found_in_the_top_half() -> None:
    text = f"Menu\nRiver floods lower town\n{PARAGRAPH}\n{SECOND}\nShare"
    gold = f"River floods lower town\n\n{PARAGRAPH}\n\n{SECOND}"
    assert labels(text, gold, title="River floods lower town") == [N, T, B, B, N]


def test_title_only_in_the_bottom_half_is_not_taken() -> None:
    text = f"{PARAGRAPH}\n{SECOND}\nMenu\nRiver floods lower town"
    gold = f"{PARAGRAPH}\n{SECOND}"
    assert labels(text, gold, title="River floods lower town") == [B, B, N, N]


def test_title_similarity_threshold() -> None:
    """The title block must share most of its words with the gold title."""
    text = f"River floods the lower town again\n{PARAGRAPH}\n{SECOND}\nShare"
    gold = f"{PARAGRAPH}\n{SECOND}"
    # Jaccard 4/6 < 0.8: not the title (its words 'the lower town' make it body).
    assert labels(text, gold, title="River floods lower town")[0] is B
    assert labels(text, gold, title="River floods the lower town again!")[0] is T


def test_find_title() -> None:
    blocks = [["menu"], ["river", "floods"], ["a", "b"], ["c"], ["river", "floods"]]
    assert find_title(blocks, ["river", "floods"]) == 1
    assert find_title(blocks, ["c"]) is None  # index 3 of 5: below the top half
    body = [False, False, False, False, True]
    assert find_title(blocks, ["c"], body=body) == 3  # the article starts further down
    assert find_title(blocks, ["river", "floods"], body=[False, False, True]) == 1
    assert find_title(blocks, ["river", "floods"], body=[True]) == 1  # none before: the first
    # The last copy before the article wins; copies that are body do not start it.
    assert find_title(blocks, ["river", "floods"], body=[False, True, False, False, True]) == 1
    assert find_title(blocks, ["river", "floods"], body=[False, True, True]) == 1
    assert find_title(blocks, []) is None
    assert find_title([[], ["x"]], ["x"]) is None  # limit is one block: only the empty one
    assert find_title([["x"]], ["x"]) == 0


@pytest.mark.parametrize("gold", ["", "   ", "\n\n"])
def test_empty_gold_gives_all_noise(gold: str) -> None:
    text = f"Menu\n{PARAGRAPH}\n{SECOND}"
    assert labels(text, gold) == [N, N, N]
    assert labels(text, gold, title="") == [N, N, N]


def test_gold_shorter_than_a_trigram() -> None:
    assert labels("Première réponse.", "Première réponse.") == [B]


@pytest.mark.parametrize("gold", ["Première réponse.", "Thanks!", "河水上涨了两米，淹没了下城区。"])
def test_short_gold_is_found_among_other_blocks(gold: str) -> None:
    """A gold of one or two tokens (a forum reply, a product name, a CJK sentence
    of two clauses) that is a whole block of the page is body."""
    assert labels(f"Menu\n{gold}\nShare", gold) == [N, B, N]


def test_empty_document() -> None:
    assert labels("", PARAGRAPH) == []


def test_non_latin_scripts() -> None:
    ru = "Река поднялась за ночь на два метра и затопила нижний город."
    zh = "河水一夜之间上涨了两米，淹没了下城区，居民被转移到学校。"
    assert labels(f"Главная\n{ru}", ru) == [N, B]
    assert labels(f"首页\n{zh}", zh) == [N, B]


def test_tokens_are_lower_cased_words() -> None:
    assert tokens("The River, rose: 2 metres!") == ["the", "river", "rose", "2", "metres"]
    assert tokens("Река ПОДНЯЛАСЬ") == ["река", "поднялась"]


def test_tokens_keep_combining_marks_inside_words() -> None:
    """Devanagari vowel signs and decomposed accents are parts of words."""
    assert tokens("हिन्दी भाषा") == ["हिन्दी", "भाषा"]
    assert tokens("e\u0301cole") == ["e\u0301cole"]


def test_tokens_end_at_sentence_punctuation_of_every_script() -> None:
    """The danda ends Hindi, Bengali and other sentences; it is not part of a word."""
    assert tokens("लोग घरों से निकले। फिर") == ["लोग", "घरों", "से", "निकले", "फिर"]
    assert tokens("শেষ।") == ["শেষ"]


HEADLINE = "Storm waters reach the old market"


def test_the_headline_copy_nearest_the_article_is_the_title() -> None:
    """A breadcrumb repeats the headline above the real one."""
    text = f"Home\n{HEADLINE}\nNews\n{HEADLINE}\n{PARAGRAPH}\n{SECOND}"
    gold = f"{PARAGRAPH}\n{SECOND}"
    assert labels(text, gold, title=HEADLINE) == [N, N, N, T, B, B]


def test_h1_headings_are_tried_when_the_gold_title_matches_nothing() -> None:
    text = f"Menu\n{HEADLINE}\n{PARAGRAPH}"
    got = labels(text, PARAGRAPH, title="Flood news", headings=["", HEADLINE])
    assert got == [N, T, B]


def test_a_standfirst_under_the_title_is_title() -> None:
    standfirst = "Residents moved to the school hall as the water kept rising"
    text = f"{HEADLINE}\n{standfirst}\n{PARAGRAPH}"
    gold = f"{standfirst}\n{PARAGRAPH}"
    assert labels(text, gold, title=HEADLINE) == [T, T, B]


@pytest.mark.parametrize(
    "first", [SECOND, 'The mayor said: "The water went down."', "Residents were moved"]
)
def test_a_first_paragraph_that_ends_a_sentence_or_is_noise_stays_as_it_is(first: str) -> None:
    text = f"{HEADLINE}\n{first}\n{PARAGRAPH}"
    gold = f"{first}\n{PARAGRAPH}" if first != "Residents were moved" else PARAGRAPH
    expected = B if first != "Residents were moved" else N
    assert labels(text, gold, title=HEADLINE) == [T, expected, B]
