"""Label the blocks of a page's text by aligning them to the page's gold text.

Benchmarks give the main content of a page as text, not as labeled blocks of
the text our users feed us, so training labels come from an alignment.

The rule: lower-case both texts and cut them into ``\\w+`` tokens. Read the
page's blocks as one token stream. A token is *covered* when one of the word
trigrams it belongs to in that stream (trigrams may span block boundaries, so a
one-word heading followed by its paragraph is covered when the gold has the same
heading before the same paragraph) occurs anywhere in the gold. A block is body
when at least :data:`BODY_COVERAGE` of its tokens are covered. A block holding
a gold ``without`` snippet (boilerplate a correct extraction must not contain)
is noise whatever its coverage.

The title: of the blocks before the first body block (or in the top half of the
page) whose tokens match the gold title, the last one, nearest the article
(menus and breadcrumbs repeat the headline above it); when none matches, the
same search with the page's ``<h1>`` headings. A standfirst right below the
title (a short body block that does not end a sentence) is title too.

Example:
    >>> from boilerstrip.segment import segment
    >>> doc = segment("Menu\\nThe river rose by two metres overnight.\\nShare this")
    >>> [label.value for label in align_labels(doc, "The river rose by two metres overnight.")]
    ['noise', 'body', 'noise']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from boilerstrip.features import CLOSERS, TERMINALS
from boilerstrip.types import Document, Label

TOKEN = re.compile(
    r"(?:(?![\u0964\u0965])"  # the danda ends Indic sentences: not part of a word
    r"[\w\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0670"
    r"\u0900-\u0dff\u0e00-\u0e7f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
"""Word characters plus combining marks (accents, Indic vowel signs, Thai), which
``\\w`` alone would cut words at."""

BODY_COVERAGE = 0.5
"""A block is body when at least half of its tokens are covered by the gold: a
paragraph with a changed sentence stays body, a menu sharing a word does not."""

NGRAM = 3
"""Word trigrams: long enough to be specific to a passage, short enough that a
two-word heading next to its paragraph still finds a match."""

TITLE_SIMILARITY = 0.8
"""Jaccard similarity of token sets above which a block is taken as the gold title."""

TITLE_ZONE = 0.5
"""The title is looked for in the first half of the page's blocks, or before the
first body block if that is further down."""

STANDFIRST_MAX_TOKENS = 40
"""A standfirst is a short summary line under the headline, not a paragraph."""

SENTENCE_ENDS = TERMINALS
"""Characters that end a sentence in any script; a standfirst usually stops without one."""

CLOSING_MARKS = CLOSERS + "）"
"""Closing quotes and brackets, looked past for the sentence end (``he said."``)."""


def tokens(text: str) -> list[str]:
    """Lower-cased ``\\w+`` tokens of ``text``."""
    return TOKEN.findall(text.lower())


def align_labels(
    doc: Document,
    gold: str,
    *,
    title: str | None = None,
    headings: Sequence[str] = (),
    without: Sequence[str] = (),
) -> list[Label]:
    """One label per block of ``doc``, from the gold main text (see module docs).

    ``title`` is the gold title; ``headings`` are the page's ``<h1>`` texts,
    tried in order when the gold title matches no block.
    """
    gold_tokens = tokens(gold)
    # A gold shorter than a trigram (a one-line reply, a product name) is matched whole.
    size = min(NGRAM, len(gold_tokens))
    gold_ngrams = (
        {tuple(gold_tokens[i : i + size]) for i in range(len(gold_tokens) - size + 1)}
        if size
        else set()
    )
    block_tokens = [tokens(b.text) for b in doc.blocks]
    stream = [t for toks in block_tokens for t in toks]
    covered = [False] * len(stream)
    if 0 < len(stream) < size:
        covered = [tuple(stream) == tuple(gold_tokens[: len(stream)])] * len(stream)
    elif size:
        for i in range(len(stream) - size + 1):
            if tuple(stream[i : i + size]) in gold_ngrams:
                for j in range(i, i + size):
                    covered[j] = True
    labels: list[Label] = []
    pos = 0
    lowered_without = [w.lower() for w in without if w.strip()]
    for block, toks in zip(doc.blocks, block_tokens, strict=True):
        n = len(toks)
        share = sum(covered[pos : pos + n]) / n if n else 0.0
        pos += n
        is_body = n > 0 and share >= BODY_COVERAGE
        if is_body and lowered_without:
            text = block.text.lower()
            is_body = not any(w in text for w in lowered_without)
        labels.append(Label.BODY if is_body else Label.NOISE)
    body = [lab is Label.BODY for lab in labels]
    for candidate in (title, *headings):
        if not candidate:
            continue
        want = tokens(candidate)
        index = find_title(block_tokens, want, body=body)
        if index is not None:
            labels[index] = Label.TITLE
            # Copies of the headline above it (menus, breadcrumbs) are not the article.
            for i in range(index):
                if labels[i] is Label.BODY and _similar(block_tokens[i], set(want)):
                    labels[i] = Label.NOISE
            after = index + 1
            if (
                after < len(labels)
                and labels[after] is Label.BODY
                and 0 < len(block_tokens[after]) <= STANDFIRST_MAX_TOKENS
                and doc.blocks[after].text.rstrip(CLOSING_MARKS)[-1:] not in SENTENCE_ENDS
            ):
                labels[after] = Label.TITLE
            break
    return labels


def find_title(
    block_tokens: Sequence[Sequence[str]],
    title_tokens: Sequence[str],
    *,
    body: Sequence[bool] = (),
) -> int | None:
    """Index of the block that matches the title, if any.

    ``body[i]`` says whether block ``i`` is body by coverage. The article
    starts at the first body block that does not itself match the title
    (a headline may share a phrase with the article, and so may its menu
    copies). Blocks are searched in the top :data:`TITLE_ZONE` of the page
    and up to that start; of the matches before it the last wins, else the
    first match.
    """
    if not title_tokens:
        return None
    want = set(title_tokens)

    def matches_title(toks: Sequence[str]) -> bool:
        return _similar(toks, want)

    start = next((i for i, b in enumerate(body) if b and not matches_title(block_tokens[i])), None)
    limit = max(1, int(len(block_tokens) * TITLE_ZONE), start or 0)
    matches = [i for i, toks in enumerate(block_tokens[:limit]) if matches_title(toks)]
    if not matches:
        return None
    before = [i for i in matches if start is not None and i < start]
    return before[-1] if before else matches[0]


def _similar(toks: Sequence[str], want: set[str]) -> bool:
    """Whether a block's tokens match a title's token set (Jaccard similarity)."""
    have = set(toks)
    return bool(have) and len(have & want) / len(have | want) >= TITLE_SIMILARITY
