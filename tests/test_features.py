"""Tests of boilerstrip.features: shapes, ranges, determinism and hashing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from boilerstrip.features import (
    DENSE_NAMES,
    HASH_BITS,
    PROSE_TOKENS,
    Features,
    Vocabulary,
    extract,
    extract_pages,
    word_hashes,
)
from boilerstrip.segment import cut, segment
from boilerstrip.types import Document, Spans

DATA = Path(__file__).parent / "data"
SEED = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parent.parent

TEXTS = {
    "seed": SEED,
    "one-block": "The council met on Monday and agreed to repair the old bridge.",
    "one-word": "Menu",
    "cjk": "首页 | 新闻 | 体育\n市议会周一开会，经过长时间辩论后同意明年春天修复旧桥。\n分享到微博",
    "emoji": "🏠 Home 🔥\nThe bridge 🌉 will reopen in May 🎉.\n👍👍👍",
    "astral": "𠀀𠀁𠀂 𝒜𝒷𝒸\n𝔗𝔥𝔢 𝔟𝔯𝔦𝔡𝔤𝔢",
    "rtl": "الرئيسية | أخبار\nقال رئيس البلدية إن المجلس وافق على إصلاح الجسر.",
    "punctuation-only": "...\n|||\n———",
    "long": " ".join(["The council met on Monday and agreed to repair the old bridge."] * 60),
}
"""Documents of every shape: one block, no words, other scripts, a long unit."""


def col(name: str) -> int:
    return DENSE_NAMES.index(name)


def check_features(doc: Document, feats: Features) -> None:
    n = len(doc.blocks)
    assert feats.n_blocks == n
    assert feats.dense.shape == (n, len(DENSE_NAMES))
    assert feats.dense.dtype == np.float64
    assert np.isfinite(feats.dense).all()
    assert feats.rows.shape == feats.cols.shape == feats.vals.shape
    assert feats.rows.dtype == np.int64
    assert feats.cols.dtype == np.int64
    if feats.rows.size:
        assert feats.rows.min() >= 0
        assert feats.rows.max() < n
        assert feats.cols.min() >= 0
        assert feats.cols.max() < 2**HASH_BITS
        assert np.isfinite(feats.vals).all()
        assert (feats.vals > 0).all()
        # Every block has at least its shape features.
        assert set(np.unique(feats.rows).tolist()) == set(range(n))


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_shapes_and_ranges(name: str) -> None:
    doc = segment(TEXTS[name])
    check_features(doc, extract(doc))
    vocabulary = Vocabulary(stopword_hashes=word_hashes(["the", "to", "и", "的"]))
    check_features(doc, extract(doc, vocabulary=vocabulary))


def test_dense_names_are_unique() -> None:
    assert len(set(DENSE_NAMES)) == len(DENSE_NAMES)


def test_empty_document() -> None:
    doc = segment("")
    feats = extract(doc)
    assert feats.n_blocks == 0
    assert feats.dense.shape == (0, len(DENSE_NAMES))
    assert feats.rows.size == feats.cols.size == feats.vals.size == 0


def test_one_block_document_has_no_neighbours() -> None:
    doc = segment(TEXTS["one-block"])
    dense = extract(doc).dense
    assert dense.shape == (1, len(DENSE_NAMES))
    for offset in ("-2", "-1", "+1", "+2"):
        assert dense[0, col(f"present@{offset}")] == 0.0
        assert dense[0, col(f"log_chars@{offset}")] == 0.0
    assert dense[0, col("is_first")] == dense[0, col("is_last")] == 1.0
    assert dense[0, col("ends_terminal")] == 1.0
    assert dense[0, col("log_tokens")] == pytest.approx(np.log1p(12))


def test_neighbour_columns_copy_the_neighbours() -> None:
    doc = segment("Home\nThe council met on Monday.\nShare this\nIt will reopen.")
    dense = extract(doc).dense
    assert dense[1, col("log_chars@-1")] == dense[0, col("log_chars")]
    assert dense[1, col("log_chars@+2")] == dense[3, col("log_chars")]
    assert dense[0, col("present@-1")] == 0.0
    assert dense[1, col("present@-1")] == 1.0
    assert dense[3, col("present@+1")] == 0.0


def test_features_are_deterministic_across_calls() -> None:
    for text in TEXTS.values():
        doc = segment(text)
        a, b = extract(doc), extract(doc)
        np.testing.assert_array_equal(a.dense, b.dense)
        np.testing.assert_array_equal(a.rows, b.rows)
        np.testing.assert_array_equal(a.cols, b.cols)
        np.testing.assert_array_equal(a.vals, b.vals)


def test_features_do_not_depend_on_neighbouring_documents() -> None:
    """A document's features are the same whatever was extracted before it."""
    doc = segment(TEXTS["seed"])
    before = extract(doc)
    extract(segment(TEXTS["cjk"]))
    after = extract(doc)
    np.testing.assert_array_equal(before.cols, after.cols)


def test_character_class_counts_of_a_block() -> None:
    # 20 characters: 10 letters (2 capitals), 2 digits, 2 punctuation marks
    # (',' and '!', a sentence end), 2 symbols ('|', a menu separator, and '©'),
    # 4 spaces; 3 tokens.
    dense = extract(segment("Hello, World 42! | ©")).dense[0]
    expected = {
        "frac_letter": 0.5,
        "frac_upper": 0.1,
        "frac_digit": 0.1,
        "frac_punct": 0.1,
        "frac_symbol": 0.1,
        "terminals_per_token": 1 / 3,
        "nav_separators_per_token": 1 / 3,
    }
    assert {name: dense[col(name)] for name in expected} == pytest.approx(expected)


def test_a_batch_of_pages_has_each_page_s_features() -> None:
    """extract_pages gives each page the rows extract gives it alone: page-level
    cues (repeats, position, cohesion, runs of short blocks, neighbours) stay
    within the page. Content-word slots carry the page number."""
    from boilerstrip.features import LEXICON_BITS

    texts = [TEXTS[name] for name in sorted(TEXTS)] + [TEXTS["seed"], "", "Menu"]
    docs = [cut(text) for text in texts]
    vocab = Vocabulary(stopword_hashes=word_hashes(["the", "and", "to", "of", "a"]))
    batch = extract_pages(docs, vocabulary=vocab)
    alone = [extract(doc, vocabulary=vocab) for doc in docs]
    np.testing.assert_array_equal(batch.dense, np.vstack([f.dense for f in alone]))
    first = np.cumsum([0] + [f.n_blocks for f in alone])

    def triples(f: Features, offset: int = 0) -> list[tuple[int, int, float]]:
        return sorted(
            zip((f.rows + offset).tolist(), f.cols.tolist(), f.vals.tolist(), strict=True)
        )

    expected = [t for f, lo in zip(alone, first[:-1], strict=True) for t in triples(f, int(lo))]
    assert triples(batch) == expected
    words = sorted(zip(batch.words.rows.tolist(), batch.words.slots.tolist(), strict=True))
    expected_words = sorted(
        (int(row + lo), int(slot + (page << LEXICON_BITS)))
        for page, (f, lo) in enumerate(zip(alone, first[:-1], strict=True))
        for row, slot in zip(f.words.rows, f.words.slots, strict=True)
    )
    assert words == expected_words


PROBE = """
import json, sys
from boilerstrip.features import extract, word_hashes
from boilerstrip.segment import segment
words = json.loads(sys.argv[1])
feats = extract(segment(sys.argv[2]))
print(json.dumps({
    "words": [int(h) for h in word_hashes(words)],
    "cols": [int(c) for c in feats.cols],
}))
"""

PROBE_WORDS = ["the", "The", "Zürich", "москва", "北京", "naïve"]


def probe(hash_seed: str) -> dict[str, list[int]]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(PROBE_WORDS), TEXTS["seed"]],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=ROOT,
    )
    data: dict[str, list[int]] = json.loads(result.stdout)
    return data


def test_hashes_are_the_same_in_every_process() -> None:
    """Hashes must not depend on Python's per-process string hash seed."""
    first, second = probe("1"), probe("2")
    assert first == second
    assert first["words"] == [int(h) for h in word_hashes(PROBE_WORDS)]
    assert first["cols"] == extract(segment(TEXTS["seed"])).cols.tolist()


def test_word_hashes_lower_case() -> None:
    pairs = [("The", "the"), ("THE", "the"), ("École", "école"), ("МОСКВА", "москва")]
    for upper, lower in pairs:
        assert word_hashes([upper]).tolist() == word_hashes([lower]).tolist()


def test_word_hashes_one_per_word_and_distinct() -> None:
    words = ["the", "cat", "sat", "हिन्दी", "naïve", "e\u0301cole", "한국어"]
    hashes = word_hashes(words)
    assert hashes.dtype == np.uint64
    assert hashes.shape == (len(words),)
    assert len(set(hashes.tolist())) == len(words)
    assert word_hashes([]).shape == (0,)


def test_each_ideograph_and_kana_is_a_word() -> None:
    """Chinese and Japanese are written without spaces: every character is a token."""
    assert word_hashes(["北京"]).tolist() == word_hashes(["北", "京"]).tolist()
    assert word_hashes(["ひらがな"]).shape == (4,)
    assert word_hashes(["ok北京ab"]).tolist() == word_hashes(["ok", "北", "京", "ab"]).tolist()


def test_a_chinese_sentence_counts_its_characters_as_tokens() -> None:
    sentence = "市议会周一开会，经过长时间辩论后同意明年春天修复旧桥。"
    dense = extract(segment(sentence)).dense
    assert dense[0, col("log_tokens")] == pytest.approx(np.log1p(25))
    assert dense[0, col("mean_token_len")] == pytest.approx(1.0)


def test_stopwords_are_found_whatever_their_case() -> None:
    vocabulary = Vocabulary(stopword_hashes=word_hashes(["the", "of"]))
    doc = segment("The THE the cat\nOF mice and men")
    dense = extract(doc, vocabulary=vocabulary).dense
    assert dense[0, col("frac_stopwords")] == pytest.approx(3 / 4)
    assert dense[1, col("frac_stopwords")] == pytest.approx(1 / 4)


def test_without_vocabulary_there_are_no_stopwords() -> None:
    dense = extract(segment("The cat and the dog")).dense
    assert dense[0, col("frac_stopwords")] == 0.0
    assert Vocabulary.empty().stopword_hashes.size == 0


def test_hashed_words_ignore_case() -> None:
    """Blocks that differ only in case share their word and trigram buckets."""
    lower = extract(segment("the bridge will reopen in may")).cols
    upper = extract(segment("THE BRIDGE WILL REOPEN IN MAY")).cols
    shared = set(lower.tolist()) & set(upper.tolist())
    # Only the binned shape codes (capitalised share) may differ.
    assert len(set(lower.tolist()) - shared) <= 9
    assert len(shared) > 20


def test_words_of_prose_blocks_have_buckets_of_their_own() -> None:
    """A word means one thing in a button and another in a paragraph."""
    words = ["support", "our", "journalism", "today", "because", "the"]
    words += ["newsroom", "depends", "on", "its", "many", "readers"]
    assert len(words) == PROSE_TOKENS
    prose = set(extract(segment(" ".join(words))).cols.tolist())
    short = set(extract(segment(" ".join(words[:-1]))).cols.tolist())
    # The short block's 11 words and 10 bigrams all hash elsewhere in the prose
    # block; shape codes (9) and the last word may differ too.
    assert len(short - prose) >= 21
    # Character trigrams and the first word are shared.
    assert len(short & prose) > 40


def test_cjk_and_emoji_text() -> None:
    doc = segment(TEXTS["cjk"])
    dense = extract(doc).dense
    assert (dense[:, col("frac_letter")] > 0).all()
    assert dense[1, col("ends_terminal")] == 1.0  # the CJK full stop ends a sentence
    assert dense[0, col("nav_separators_per_token")] > 0
    emoji = extract(segment(TEXTS["emoji"])).dense
    assert emoji[2, col("log_tokens")] == 0.0  # emoji are symbols, not words
    assert emoji[2, col("frac_symbol")] == 1.0
    assert emoji[1, col("log_tokens")] == pytest.approx(np.log1p(6))


def test_shape_cues() -> None:
    doc = segment(
        "Home | News | Sport\n"
        "© 2024 Example News Ltd. All rights reserved.\n"
        "Contact us at desk@example.com\n"
        "Subscribe to your newsletter\n"
        "Our journalism is free.\n"
        "Read more:\n"
        "Read more:"
    )
    dense = extract(doc).dense
    assert dense[0, col("nav_separators_per_token")] == pytest.approx(2 / 3)
    assert dense[1, col("has_copyright")] == 1.0
    assert dense[2, col("has_url_or_email")] == 1.0
    assert dense[0, col("has_url_or_email")] == dense[0, col("has_copyright")] == 0.0
    assert dense[3, col("frac_second_person")] == pytest.approx(
        3 / 4
    )  # subscribe, your, newsletter
    assert dense[4, col("frac_first_plural")] == pytest.approx(1 / 4)
    assert dense[5, col("ends_colon")] == 1.0
    assert dense[5, col("repeats_in_doc")] == dense[6, col("repeats_in_doc")] == 1.0
    assert dense[0, col("repeats_in_doc")] == 0.0


def test_a_page_without_content_words_has_none() -> None:
    features = extract(segment("123 !!!\n...\nIt is"))
    assert features.n_blocks == 3
    assert features.words.rows.size == 0
    assert features.words.slots.size == 0


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_spans_and_their_document_give_the_same_features(name: str) -> None:
    blocks = cut(TEXTS[name])
    doc = segment(TEXTS[name])
    if not isinstance(blocks, Spans):
        assert name == "long"  # its one line is cut into sentences
        return
    vocabulary = Vocabulary(stopword_hashes=word_hashes(["the", "to", "on"]))
    a = extract(blocks, vocabulary=vocabulary)
    b = extract(doc, vocabulary=vocabulary)
    for field in ("dense", "rows", "cols", "vals"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert np.array_equal(a.words.rows, b.words.rows)
    assert np.array_equal(a.words.slots, b.words.slots)


def test_links_and_copyright_are_found_in_any_case_and_script() -> None:
    # "İ" lower-cases to two characters; the other letters must still be lowered.
    text = "İstanbul COPYRIGHT 2024\nVisit HTTP://EXAMPLE.ORG\nÖffnungszeiten: täglich\n© Ünal"
    feats = extract(segment(text))
    assert feats.dense[:, col("has_copyright")].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert feats.dense[:, col("has_url_or_email")].tolist() == [0.0, 1.0, 0.0, 0.0]
