"""Title labels: the headline nearest the article, standfirsts in any script, copies."""

from __future__ import annotations

import pytest

from boilerstrip.align import align_labels
from boilerstrip.segment import segment
from boilerstrip.train import Example, _relabel, _units
from boilerstrip.types import Label

T, B, N = Label.TITLE, Label.BODY, Label.NOISE
PARAS = [
    "The council voted on Tuesday to close the old bridge for repairs after finding cracks.",
    "Work will start in May and last a year, the mayor told reporters at the town hall.",
]


def test_headline_that_shares_words_with_the_article_beats_the_breadcrumb_copy() -> None:
    title = "Council closes the old bridge"  # 'the old bridge' is in the first paragraph
    doc = segment("\n".join(["Home", title, "News", title, *PARAS]))
    assert align_labels(doc, "\n".join(PARAS), title=title) == [N, N, N, T, B, B]


@pytest.mark.parametrize("end", ["।", "؟", "۔"])
def test_a_first_paragraph_ending_a_sentence_in_another_script_is_not_a_standfirst(
    end: str,
) -> None:
    first = f"यह एक लंबा वाक्य है जो पहले अनुच्छेद में लिखा गया है{end}"
    doc = segment("\n".join(["Headline here", first, *PARAS]))
    gold = "\n".join([first, *PARAS])
    assert align_labels(doc, gold, title="Headline here") == [T, B, B, B]


def test_augmented_copies_keep_the_title_labels_of_the_original() -> None:
    title, stand = "Mayor shuts crossing", "A year of repairs for the busiest crossing"
    text = "\n".join(["Home", title, "News", title, stand, *PARAS])
    doc = segment(text)
    gold = "\n".join([stand, *PARAS])
    labels = align_labels(doc, gold, title=title)
    assert labels == [N, N, N, T, T, B, B]
    ex = Example("p", "s", "c", doc, tuple(labels), gold)
    copy = _relabel(ex, text, _units(ex), "+same")
    assert copy is not None
    assert list(copy.labels) == labels
