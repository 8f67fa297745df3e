"""Tests of boilerstrip.train: a tiny end-to-end training on hand-written fixtures.

The data folder is built in a temporary directory from the reader fixtures of
``tests/data/datasets/`` and the pages of ``tests/data/train_fixture/``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from conftest import benchmark_module

from boilerstrip import train
from boilerstrip.core import classify, clean
from boilerstrip.features import DENSE_NAMES, extract
from boilerstrip.model import MODEL_FILENAME, Model
from boilerstrip.segment import segment
from boilerstrip.smooth import BODY_THRESHOLD, KIND_VOTE
from boilerstrip.types import Document, Kind, Label

DATA = Path(__file__).parent / "data"
DATASETS = DATA / "datasets"
FIXTURE = DATA / "train_fixture"
KINDS = FIXTURE / "noise-kinds.tsv"
KIND_SAMPLE = FIXTURE / "noise-sample.tsv"
APPEALS = FIXTURE / "appeals.tsv"
FUNCTION_WORDS = FIXTURE / "function-words.tsv"
SHIPPED_FUNCTION_WORDS = Path(__file__).parents[1] / "models" / "vocabulary" / "function-words.tsv"
SHIPPED_KINDS_DIR = Path(__file__).parents[1] / "models" / "kinds"
N = Label.NOISE
SEED = (DATA / "independent-nato-turkey.txt").read_text(encoding="utf-8")
SAMPLES = [
    SEED,
    "Home | News\nThe council agreed on Monday to repair the old bridge next spring.\nShare",
    "Startseite\nIm Westpark sollen bis zum Frühjahr neue Bäume gepflanzt werden.\nImpressum",
]
pytestmark = pytest.mark.filterwarnings(
    # The fixture has fewer blocks than the context network's batch size.
    "ignore:Got `batch_size` less than 1 or larger than sample size:UserWarning"
)

KINDS_HEADER = "kind\ttext\tdataset\tpage_id\tconverter\treviewed\n"


def build_data_dir(root: Path) -> Path:
    """A data folder with the two TRAIN sets: reader fixtures plus the training pages."""
    data = root / "data"
    wcxb = data / "wcxb-dev"
    shutil.copytree(DATASETS / "wcxb", wcxb)
    shutil.copytree(FIXTURE / "wcxb-dev" / "dev", wcxb / "dev", dirs_exist_ok=True)
    metadata = json.loads((wcxb / "metadata.json").read_text(encoding="utf-8"))
    extra = json.loads((FIXTURE / "wcxb-dev" / "metadata.json").read_text(encoding="utf-8"))
    metadata["files"].update(extra["files"])
    (wcxb / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    readability = data / "mozilla-readability"
    shutil.copytree(DATASETS / "readability", readability)
    shutil.copytree(FIXTURE / "mozilla-readability", readability, dirs_exist_ok=True)
    return data


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("train"))


def run_training(data: Path, out: Path, *, seed: int = 0) -> Path:
    argv = [
        "--data",
        str(data),
        "--out",
        str(out),
        "--kinds",
        str(KINDS),
        "--kind-sample",
        str(KIND_SAMPLE),
        "--appeals",
        str(APPEALS),
        "--function-words",
        str(FUNCTION_WORDS),
        "--converters",
        "lxml",
        "--folds",
        "2",
        "--seed",
        str(seed),
    ]
    assert train.main(argv) == 0
    return out


@pytest.fixture(scope="module")
def trained(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two trainings with the same seed, in two folders."""
    first = run_training(data_dir, tmp_path_factory.mktemp("first"))
    second = run_training(data_dir, tmp_path_factory.mktemp("second"))
    return first, second


def quiet(_msg: str) -> None:
    """A progress callback that drops the messages."""


# --------------------------------------------------------------------------- end to end


def test_training_writes_a_loadable_model(trained: tuple[Path, Path]) -> None:
    out, _ = trained
    model = Model.load(out / MODEL_FILENAME)
    assert model.labels == (Label.BODY, Label.TITLE, Label.NOISE)
    assert set(model.kind_labels) == {
        Kind.DONATION,  # from the appeals fixture
        Kind.NAVIGATION,
        Kind.SHARE,
        Kind.NEWSLETTER,
        Kind.COMMENTS,
        Kind.LEGAL,
        Kind.RELATED,  # from the random-draw fixture only
    }
    for text in SAMPLES:
        decisions = classify(text, model=model)
        assert [d.text for d in decisions] == [b.text for b in segment(text).blocks]
        body = clean(text, model=model)
        assert isinstance(body, str)
        kept = [d.text for d in decisions if d.label is Label.BODY]
        assert body == segment(text).separator.join(kept)


def test_model_card_names_the_library_versions(trained: tuple[Path, Path]) -> None:
    import sklearn

    out, _ = trained
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert f"scikit-learn {sklearn.__version__}" in card
    assert f"numpy {np.__version__}" in card
    assert "seed 0" in card
    assert "function-word lists of `models/vocabulary/function-words.tsv` for de, pt;" in card
    assert "--converters lxml" in card


def test_model_card_scores_each_context_network_alone(trained: tuple[Path, Path]) -> None:
    out, _ = trained
    report = json.loads((out / "training-report.json").read_text(encoding="utf-8"))
    members = report["cv"]["member_page_f1"]
    assert len(members) == train.CONTEXT_NETS
    assert all(set(member) == {"lxml:f1"} for member in members)
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    scores = "; ".join(f"lxml {member['lxml:f1']}" for member in members)
    assert f"committee alone (seeds 0 to {train.CONTEXT_NETS - 1}; " in card
    assert f"their mean's): {scores}." in card


def test_model_card_scores_each_body_threshold(trained: tuple[Path, Path]) -> None:
    out, _ = trained
    report = json.loads((out / "training-report.json").read_text(encoding="utf-8"))
    by_threshold = report["cv"]["page_f1_by_body_threshold"]
    order = ["argmax", *(f"{t:g}" for t in train.BODY_THRESHOLDS_COMPARED)]
    assert sorted(by_threshold) == sorted(order)
    assert all(set(scores) == {"lxml:f1"} for scores in by_threshold.values())
    # The report's page scores are those of the threshold clean uses.
    assert BODY_THRESHOLD is not None
    used = f"{BODY_THRESHOLD:g}"
    assert by_threshold[used]["lxml:f1"] == report["cv"]["page_scores"]["lxml:f1"]
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    scores = "; ".join(f"{k} lxml {by_threshold[k]['lxml:f1']}" for k in order)
    assert f"`clean` uses {used}: {scores}." in card


def test_training_report_lists_the_train_sets_only(trained: tuple[Path, Path]) -> None:
    out, _ = trained
    report = json.loads((out / "training-report.json").read_text(encoding="utf-8"))
    assert report["trained_on"] == ["wcxb-dev", "mozilla-readability"]
    assert report["converters"] == ["lxml"]
    assert report["seed"] == 0
    # 2 usable WCXB reader pages + 6 training pages; 2 Readability reader pages + 4.
    assert report["n_texts"] == 14
    assert Model.load(out / MODEL_FILENAME).info["n_texts"] == 14


def test_same_seed_gives_identical_models(trained: tuple[Path, Path]) -> None:
    first, second = (Model.load(out / MODEL_FILENAME) for out in trained)
    np.testing.assert_array_equal(first.blocks.dense_weights, second.blocks.dense_weights)
    np.testing.assert_array_equal(first.blocks.sparse_weights, second.blocks.sparse_weights)
    np.testing.assert_array_equal(first.kinds.sparse_weights, second.kinds.sparse_weights)
    assert len(first.context.members) == train.CONTEXT_NETS
    for net_a, net_b in zip(first.context.members, second.context.members, strict=True):
        for wa, wb in zip(net_a.weights, net_b.weights, strict=True):
            np.testing.assert_array_equal(wa, wb)
    for text in SAMPLES:
        assert classify(text, model=first) == classify(text, model=second)


# --------------------------------------------------------------------------- data loading


def test_load_examples_reads_only_train_pages(data_dir: Path) -> None:
    examples = train.load_examples(
        data_dir, converters=["lxml"], cache_dir=None, limit=None, progress=quiet
    )
    datasets = {ex.page_id.split("/")[0] for ex in examples}
    assert datasets == {"wcxb", "readability"}
    for ex in examples:
        assert len(ex.labels) == len(ex.doc.blocks)
        assert ex.source == "lxml"
    harbour = next(ex for ex in examples if ex.page_id == "wcxb/0101")
    labelled = dict(zip((b.text for b in harbour.doc.blocks), harbour.labels, strict=True))
    assert labelled["Harbour reopens after dredging"] is Label.TITLE
    assert labelled["Home"] is Label.NOISE
    assert labelled["Share on Facebook"] is Label.NOISE
    assert (
        labelled[
            "The port authority said a second round of dredging would take place in the autumn."
        ]
        is Label.BODY
    )


def test_missing_train_set_is_named(tmp_path: Path) -> None:
    data = build_data_dir(tmp_path)
    shutil.rmtree(data / "mozilla-readability")
    with pytest.raises(FileNotFoundError, match="'mozilla-readability' not found"):
        train.load_examples(data, converters=["lxml"], cache_dir=None, limit=None, progress=quiet)


def test_an_eval_only_set_in_a_train_folder_is_refused(tmp_path: Path) -> None:
    """The Dragnet layout put where wcxb-dev is expected must not reach training."""
    data = build_data_dir(tmp_path)
    shutil.rmtree(data / "wcxb-dev")
    shutil.copytree(DATASETS / "dragnet", data / "wcxb-dev")
    with pytest.raises(ValueError, match="dragnet"):
        train.load_examples(data, converters=["lxml"], cache_dir=None, limit=None, progress=quiet)


def test_cache_is_not_reused_for_other_data(tmp_path: Path) -> None:
    """A converted-text cache made from one data folder must not answer for another."""
    cache = tmp_path / "cache"
    first = build_data_dir(tmp_path / "a")
    second = build_data_dir(tmp_path / "b")
    shutil.rmtree(second / "mozilla-readability" / "test-pages" / "delta")

    def ids(data: Path) -> set[str]:
        examples = train.load_examples(
            data, converters=["lxml"], cache_dir=cache, limit=None, progress=quiet
        )
        return {ex.page_id for ex in examples}

    assert "readability/delta" in ids(first)
    assert "readability/delta" not in ids(second)


# --------------------------------------------------------------------------- kinds


def write_kinds(path: Path, rows: list[str]) -> Path:
    path.write_text(KINDS_HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def test_read_kinds_reads_the_fixture() -> None:
    rows = train.read_kinds(KINDS)
    assert len(rows) == 20
    assert rows[0] == (Kind.NAVIGATION, "Home | News | Sport", "fixture/p01")
    assert {kind for kind, _, _ in rows} == {
        Kind.NAVIGATION,
        Kind.SHARE,
        Kind.NEWSLETTER,
        Kind.COMMENTS,
        Kind.LEGAL,
    }


def test_read_kinds_rejects_an_unknown_kind_with_file_and_line(tmp_path: Path) -> None:
    path = write_kinds(
        tmp_path / "kinds.tsv",
        ["share\tShare this\td\tp1\tlxml\tyes", "banner\tBig banner\td\tp2\tlxml\tyes"],
    )
    with pytest.raises(ValueError, match=re.escape(f"{path}:3: unknown kind 'banner'")):
        train.read_kinds(path)


def test_read_kinds_rejects_body_and_title(tmp_path: Path) -> None:
    for line_kind in ("body", "title"):
        path = write_kinds(tmp_path / f"{line_kind}.tsv", [f"{line_kind}\tText\td\tp1\tlxml\tyes"])
        with pytest.raises(ValueError, match=re.escape(f"{path}:2: kind '{line_kind}'")):
            train.read_kinds(path)


@pytest.mark.parametrize("dataset", ["dragnet", "cleaneval", "l3s-gn1"])
def test_read_kinds_refuses_lines_from_eval_only_sets(tmp_path: Path, dataset: str) -> None:
    """Kind-labeled lines train the kind classifier and are inserted into training
    pages: a line taken from an EVAL-ONLY set must be refused."""
    path = write_kinds(
        tmp_path / "kinds.tsv",
        ["share\tShare this\twcxb-dev\t0001\tlxml\tyes", f"share\tTweet\t{dataset}\t7\tlxml\tyes"],
    )
    with pytest.raises(ValueError, match=re.escape(f"{path}:3:")) as info:
        train.read_kinds(path)
    assert dataset in str(info.value)


def test_read_kinds_names_the_file_when_a_column_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "short.tsv"
    path.write_text("kind\ttext\nshare\tShare this\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(str(path))):
        train.read_kinds(path)


def test_fit_kinds_scores_every_reviewed_line_by_a_classifier_without_its_page() -> None:
    from boilerstrip.features import Vocabulary

    layer, labels, report = train.fit_kinds(KINDS, Vocabulary.empty(), seed=0)
    assert report["n_rows"] == 20
    assert report["reviewed"]["n"] == 20  # each line its own page, each page in one fold
    assert report["sample"]["n"] == 0
    assert set(labels) == set(report["counts"])
    assert sum(report["counts"].values()) == 20
    assert sum(s["support"] for s in report["reviewed"]["per_kind"].values()) == 20
    assert layer.dense_weights.shape[0] == len(labels)


def test_read_kind_rows_skips_the_sample_s_body_rows_and_keeps_quotes() -> None:
    rows = train.read_kind_rows(KIND_SAMPLE, noise_only=False)
    assert [(r.kind, r.text) for r in rows] == [
        (Kind.NAVIGATION, "News"),
        (Kind.SHARE, "Share on Facebook"),
        (Kind.NAVIGATION, "Politik"),
        (Kind.RELATED, "Lire aussi"),
        (Kind.LEGAL, '"Copyright" 2024 – a page the training never read'),
    ]
    assert rows[0].source == ("wcxb/0101", "lxml")
    with pytest.raises(ValueError, match=re.escape(f"{KIND_SAMPLE}:6: kind 'body'")):
        train.read_kind_rows(KIND_SAMPLE)


def test_fit_kinds_gives_sampled_blocks_their_features_in_their_page(data_dir: Path) -> None:
    from boilerstrip.features import Vocabulary

    examples = train.load_examples(
        data_dir, converters=("lxml",), cache_dir=None, limit=None, progress=quiet
    )
    pages = train.page_texts(examples)
    _, labels, report = train.fit_kinds(
        KINDS, Vocabulary.empty(), seed=0, sample=KIND_SAMPLE, pages=pages
    )
    assert report["n_sample_rows"] == 5  # the body row is left out
    assert report["n_found_in_page"] == 4  # page 9999 is not a training page
    assert report["sample"]["n"] == 5
    assert report["n_rows"] == 25
    assert Kind.RELATED in labels  # a kind only the sample has


def test_fit_kinds_scores_found_blocks_with_their_noise_neighbours_votes(data_dir: Path) -> None:
    from boilerstrip.features import Vocabulary

    examples = train.load_examples(
        data_dir, converters=("lxml",), cache_dir=None, limit=None, progress=quiet
    )
    pages = train.page_texts(examples)
    asked: list[Document] = []

    def no_noise(doc: Document) -> npt.NDArray[np.bool_]:
        asked.append(doc)
        return np.zeros(len(doc.blocks), dtype=bool)

    _, _, report = train.fit_kinds(
        KINDS, Vocabulary.empty(), seed=0, sample=KIND_SAMPLE, pages=pages, noise_blocks=no_noise
    )
    # The pages of the labeled blocks found in them are classified, each once.
    lookup = train._PageFeatures(pages, Vocabulary.empty())
    rows = [*train.read_kind_rows(KINDS), *train.read_kind_rows(KIND_SAMPLE, noise_only=False)]
    found = {r.source for r in rows if lookup.locate(r) is not None}
    assert len(found) == 3  # the 4 sampled blocks found lie in 3 pages
    assert sorted(id(d) for d in asked) == sorted(id(pages[key]) for key in found)
    assert report["kind_vote"] == KIND_VOTE
    # With no noise neighbour a block keeps its own kind: the votes change nothing.
    assert report["sample"]["accuracy"] == report["alone"]["sample"]
    assert report["reviewed"]["accuracy"] == report["alone"]["reviewed"]


def test_the_shipped_kind_files_are_valid_and_from_train_pages_only() -> None:
    reviewed = train.read_kind_rows(SHIPPED_KINDS_DIR / "noise-kinds.tsv")
    drawn = train.read_kind_rows(SHIPPED_KINDS_DIR / "noise-sample.tsv", noise_only=False)
    assert len(reviewed) == 3406
    assert len(drawn) == 465  # 480 drawn, 15 of them body or title
    assert {r.dataset for r in (*reviewed, *drawn)} <= set(train.TRAIN_SETS)
    assert {r.converter for r in drawn} == set(train.DEFAULT_CONVERTERS)
    assert all(r.text and r.text == " ".join(r.text.split()) for r in drawn)


# --------------------------------------------------------------------------- pieces


def test_learned_stopwords_are_seen_by_the_features() -> None:
    """Stopwords learned from body text must be the tokens that extract() looks up,
    in every script (Devanagari words hold combining vowel signs)."""
    texts = {
        "en": "The river rose by two metres overnight in the valley.",
        "hi": "नदी का पानी रात में दो मीटर बढ़ गया और लोग घरों से निकले।",
    }
    for lang, text in texts.items():
        doc = segment(text)
        example = train.Example(
            page_id=f"t/{lang}",
            site="t",
            source="lxml",
            doc=doc,
            labels=(Label.BODY,),
            gold=text,
        )
        vocabulary = train.learn_vocabulary([example])
        features = extract(doc, vocabulary=vocabulary)
        stop = features.dense[0, DENSE_NAMES.index("frac_stopwords")]
        assert stop == 1.0, lang


def test_augment_and_insert_noise_are_deterministic(data_dir: Path) -> None:
    examples = train.load_examples(
        data_dir, converters=["lxml"], cache_dir=None, limit=None, progress=quiet
    )
    pool = train.noise_pool(train.read_kinds(KINDS), examples)
    appeals = train.read_appeals(APPEALS)
    for ex in examples:
        for make in (
            lambda e, s: train.augment(e, seed=s),
            lambda e, s: train.insert_noise(e, pool, seed=s),
            lambda e, s: train.insert_appeal(e, appeals, seed=s),
            lambda e, _s: train.body_only(e),
            lambda e, s: train.crop(e, seed=s),
            lambda e, s: train.miniature(e, seed=s),
            lambda e, s: train.cipher(e, seed=s),
        ):
            check_variant(ex, make)


def check_variant(
    example: train.Example, make: Callable[[train.Example, int], train.Example | None]
) -> None:
    a, b = make(example, 0), make(example, 0)
    assert a == b
    if a is not None:
        assert a.page_id == example.page_id
        assert len(a.labels) == len(a.doc.blocks)
        assert a.source.startswith(example.source + "+")


def test_insert_noise_adds_reviewed_lines_labelled_noise(data_dir: Path) -> None:
    examples = train.load_examples(
        data_dir, converters=["lxml"], cache_dir=None, limit=None, progress=quiet
    )
    pool = train.noise_pool(train.read_kinds(KINDS), examples)
    assert set(pool) == {"newsletter", "comments", "share"}  # the inserted kinds of the fixture
    pool_texts = {text for rows in pool.values() for text, _ in rows}
    inserted_any = False
    for ex in examples:
        variant = train.insert_noise(ex, pool, seed=1)
        if variant is None:
            continue
        original = [b.text for b in ex.doc.blocks]
        added = [
            (b.text, label)
            for b, label in zip(variant.doc.blocks, variant.labels, strict=True)
            if b.text in pool_texts and b.text not in original
        ]
        inserted_any = inserted_any or bool(added)
        assert all(label is Label.NOISE for _, label in added)
        # Every original block is still there, in order.
        texts = [b.text for b in variant.doc.blocks]
        position = 0
        for text in original:
            position = texts.index(text, position) + 1
    assert inserted_any


# --------------------------------------------------------------------------- appeals


def test_listed_function_words_are_stopwords_beside_the_learned_ones() -> None:
    english = "The river rose by two metres overnight in the valley."
    doc = segment(english)
    example = train.Example(
        page_id="t/en", site="t", source="lxml", doc=doc, labels=(Label.BODY,), gold=english
    )
    listed = train.read_function_words(FUNCTION_WORDS)
    vocabulary = train.learn_vocabulary(
        [example], function_words=[w for words in listed.values() for w in words]
    )
    column = DENSE_NAMES.index("frac_stopwords")
    # 'As', 'do' and 'de' are in the fixture's Portuguese list; the other seven
    # words of the sentence are not.
    portuguese = "As chuvas do litoral norte de São Paulo deixaram desalojados."
    assert extract(segment(portuguese), vocabulary=vocabulary).dense[0, column] == 3 / 10
    assert extract(segment(english), vocabulary=vocabulary).dense[0, column] == 1.0
    # Learned from the English body alone, the stopwords miss all three.
    alone = train.learn_vocabulary([example])
    assert extract(segment(portuguese), vocabulary=alone).dense[0, column] == 0.0


def test_the_shipped_function_word_lists_are_valid() -> None:
    listed = train.read_function_words(SHIPPED_FUNCTION_WORDS)
    assert len(listed) >= 20
    assert {"en", "de", "fr", "es", "pt", "it", "ru", "zh", "ja", "ar", "hi"} <= set(listed)
    # Common English content words stay out of the other languages' lists.
    others = {w for lang, words in listed.items() if lang != "en" for w in words}
    assert not others & {"war", "man", "men", "door", "son"}


def test_the_two_appeal_pools_are_valid_and_share_no_group_or_text() -> None:
    # The second pool is meant to be joined to the first (APPEALS.md): that only
    # works if both read cleanly and neither repeats a group name or a block.
    pools = [
        train.read_appeals(SHIPPED_KINDS_DIR / name)
        for name in ("appeals.tsv", "appeals-extra.tsv")
    ]
    names = [{g.group for g in pool} for pool in pools]
    texts = [[t for g in pool for t in g.texts] for pool in pools]
    assert len(pools[1]) == 246
    assert not names[0] & names[1]
    assert not set(texts[0]) & set(texts[1])
    assert len(set(texts[1])) == len(texts[1])
    assert {g.language for g in pools[1]} == {g.language for g in pools[0]}


def test_read_appeals_reads_the_groups_in_order() -> None:
    groups = train.read_appeals(APPEALS)
    assert [(g.kind, g.language, g.group, len(g.texts)) for g in groups] == [
        (Kind.DONATION, "en", "en-donation-01", 3),
        (Kind.NEWSLETTER, "de", "de-newsletter-01", 2),
        (Kind.BODY, "en", "en-body-01", 2),
    ]
    assert groups[0].texts[2] == "Give monthly"


APPEALS_HEADER = "kind\tlanguage\tgroup\ttext\n"
WORDS_HEADER = "language\twords\n"


@pytest.mark.parametrize(
    ("reader", "name", "content", "message"),
    [
        (
            train.read_appeals,
            "appeals.tsv",
            APPEALS_HEADER
            + "donation\ten\ta\tOne\nnewsletter\ten\tb\tTwo\ndonation\ten\ta\tThree\n",
            r"appeals\.tsv:4: rows of group 'a' are not contiguous",
        ),
        (
            train.read_appeals,
            "appeals.tsv",
            APPEALS_HEADER + "donation\ten\ta\tOne\nnewsletter\ten\ta\tTwo\n",
            r"appeals\.tsv:3: group 'a' mixes kinds",
        ),
        (
            train.read_appeals,
            "appeals.tsv",
            APPEALS_HEADER + "donatoin\ten\ta\tOne\n",
            r"appeals\.tsv:2: unknown kind 'donatoin'",
        ),
        (
            train.read_appeals,
            "appeals.tsv",
            APPEALS_HEADER + "title\ten\ta\tOne\n",
            r"appeals\.tsv:2: kind 'title' is neither body nor noise",
        ),
        (
            train.read_appeals,
            "appeals.tsv",
            APPEALS_HEADER + "donation\ten\ta\t \n",
            r"appeals\.tsv:2: group 'a' has a row without text",
        ),
        (
            train.read_appeals,
            "appeals.tsv",
            APPEALS_HEADER + "donation\ten\ta\n",
            r"appeals\.tsv:2: group 'a' has a row without text",
        ),
        (
            train.read_function_words,
            "function-words.tsv",
            "lang\twords\nde\tder\n",
            r"function-words\.tsv: the header must be",
        ),
        (
            train.read_function_words,
            "function-words.tsv",
            WORDS_HEADER + "de\n",
            r"function-words\.tsv:2: expected 2 tab-separated columns",
        ),
        (
            train.read_function_words,
            "function-words.tsv",
            WORDS_HEADER + "de\t \n",
            r"function-words\.tsv:2: empty language or word list",
        ),
        (
            train.read_function_words,
            "function-words.tsv",
            WORDS_HEADER + "de\tder\nde\tdie\n",
            r"function-words\.tsv:3: language 'de' listed twice",
        ),
        (
            train.read_function_words,
            "function-words.tsv",
            WORDS_HEADER + "fr\tde l'on\n",
            r"function-words\.tsv:2: \"l'on\" is not one token",
        ),
        (
            train.read_function_words,
            "function-words.tsv",
            WORDS_HEADER + "ja\tから\n",
            r"function-words\.tsv:2: 'から' is not one token",
        ),
    ],
)
def test_readers_name_file_and_line_of_a_bad_row(
    tmp_path: Path, reader: Callable[[Path], object], name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        reader(path)


def test_insert_appeal_labels_the_appeal_noise_and_the_hard_negative_body(data_dir: Path) -> None:
    examples = train.load_examples(
        data_dir, converters=["lxml"], cache_dir=None, limit=None, progress=quiet
    )
    groups = train.read_appeals(APPEALS)
    labels_of = {
        text: Label.BODY if g.kind is Kind.BODY else Label.NOISE for g in groups for text in g.texts
    }
    seen: set[Label] = set()
    for ex in examples:
        for seed in range(4):
            variant = train.insert_appeal(ex, groups, seed=seed)
            if variant is None:
                continue
            original = [b.text for b in ex.doc.blocks]
            for block, label in zip(variant.doc.blocks, variant.labels, strict=True):
                if block.text in labels_of and block.text not in original:
                    assert label is labels_of[block.text], block.text
                    seen.add(label)
    assert seen == {Label.BODY, Label.NOISE}


def test_body_only_copies_keep_title_and_body_blocks_only(data_dir: Path) -> None:
    examples = train.load_examples(
        data_dir, converters=["lxml"], cache_dir=None, limit=None, progress=quiet
    )
    made = 0
    for ex in examples:
        copy = train.body_only(ex)
        if copy is None:
            continue
        made += 1
        kept = [b.text for b, lab in zip(ex.doc.blocks, ex.labels, strict=True) if lab is not N]
        assert [b.text for b in copy.doc.blocks] == kept
        assert N not in copy.labels
    assert made > 0


# --------------------------------------------------------------------------- ciphered copies


def _example(text: str) -> train.Example:
    doc = segment(text)
    labels = tuple(Label.NOISE if len(b.text) < 20 else Label.BODY for b in doc.blocks)
    return train.Example("set/p1", "site", "lxml", doc, labels, gold="")


def _same_labels_copy(
    make: Callable[..., train.Example | None], example: train.Example, tag: str
) -> train.Example:
    """``make(example, seed=3)``, checked to exist, repeat itself, and keep the labels."""
    copy = make(example, seed=3)
    assert copy is not None
    assert copy == make(example, seed=3)
    assert copy.source == example.source + tag
    assert copy.labels == example.labels
    return copy


def test_cipher_permutes_letters_and_keeps_blocks_labels_links_and_shape() -> None:
    example = _example(
        "Home | News\nThe minister said on Monday that taxes will rise.\n"
        "See https://example.com/a for more. © 2024 Example"
    )
    copy = _same_labels_copy(train.cipher, example, "+cipher")
    assert [(b.start, b.end) for b in copy.doc.blocks] == [
        (b.start, b.end) for b in example.doc.blocks
    ]
    plain, coded = example.doc.text, copy.doc.text
    assert "minister" not in coded
    assert "https://example.com/a" in coded
    assert "©" in coded
    # Case, digits, punctuation and vowel/consonant classes are kept, character by character.
    for a, b in zip(plain, coded, strict=True):
        assert a.isupper() == b.isupper()
        assert (a.lower() in "aeiou") == (b.lower() in "aeiou")
        if not a.isalpha():
            assert a == b


IDEOGRAPHIC = re.compile(r"[\u3041-\u3096\u4e00-\u9fff]")


def test_ideograph_cipher_writes_words_as_ideographs_without_spaces() -> None:
    example = _example(
        "Home | News\nThe minister said on Monday that the taxes will rise, and soon.\n"
        "See https://example.com/a for more. © 2024 Example"
    )
    copy = _same_labels_copy(train.ideograph_cipher, example, "+ideograph")
    assert [b.unit for b in copy.doc.blocks] == [b.unit for b in example.doc.blocks]
    menu, sentence, links = (b.text for b in copy.doc.blocks)
    assert re.fullmatch(r"\S+ \| \S+", menu)  # separators and their spaces stay
    # No Latin letter and no space is left in the sentence; its punctuation is full-width.
    assert re.fullmatch(r"[\u3041-\u3096\u4e00-\u9fff\uff0c\u3002]+", sentence)
    assert sentence.count("\uff0c") == 1 and sentence.endswith("\u3002")
    # One to three characters a word (13 words, of 1 to 8 letters).
    assert 13 <= len(IDEOGRAPHIC.findall(sentence)) <= 13 * 3
    assert "https://example.com/a" in links and "© 2024" in links


def test_ideograph_cipher_codes_a_word_the_same_way_throughout_a_copy() -> None:
    example = _example("Tax tax tax.\nThe Tax.")
    copy = train.ideograph_cipher(example, seed=1)
    assert copy is not None
    first, second = (b.text for b in copy.doc.blocks)
    word = first[: len(first) // 3]
    assert first == word * 3 + "\u3002"
    assert second.endswith(word + "\u3002")


def test_split_appeals_gives_each_group_to_exactly_one_fold() -> None:
    groups = train.read_appeals(APPEALS)
    parts = train.split_appeals(groups, 4)
    assert len(parts) == 4
    assert sorted(g.group for part in parts for g in part) == sorted(g.group for g in groups)
    assert parts == train.split_appeals(groups, 4)


def test_split_pool_keeps_a_page_s_noise_in_its_site_s_fold(data_dir: Path) -> None:
    examples = train.load_examples(
        data_dir, converters=["lxml"], cache_dir=None, limit=None, progress=quiet
    )
    pool = train.noise_pool(train.read_kinds(KINDS), examples)
    fold_of_site = {
        ex.site: i % 2
        for i, ex in enumerate(sorted({e.site: e for e in examples}.values(), key=lambda e: e.site))
    }
    parts = train.split_pool(pool, examples, fold_of_site, 2)
    page_fold = {ex.page_id: fold_of_site[ex.site] for ex in examples}
    n_rows = 0
    for fold, part in enumerate(parts):
        for group, rows in part.items():
            for text, page_id in rows:
                n_rows += 1
                assert (text, page_id) in pool[group]
                if page_id in page_fold:
                    assert page_fold[page_id] == fold
    assert n_rows == sum(len(rows) for rows in pool.values())


def _copies_made(
    data_dir: Path, make: Callable[..., train.Example | None], n_seeds: int
) -> list[tuple[train.Example, train.Example]]:
    """(example, copy) for every fixture text and seed where ``make`` gives a copy."""
    examples = train.load_examples(
        data_dir, converters=["lxml"], cache_dir=None, limit=None, progress=quiet
    )
    pairs = []
    for ex in examples:
        for seed in range(n_seeds):
            copy = make(ex, seed=seed)
            if copy is not None:
                assert copy == make(ex, seed=seed)
                pairs.append((ex, copy))
    assert pairs
    return pairs


def _labelled(example: train.Example) -> list[tuple[str, Label]]:
    return [(b.text, lab) for b, lab in zip(example.doc.blocks, example.labels, strict=True)]


CLOSING_CASES = [
    # (last body paragraph, its closing sentence on a line of its own, or None)
    (
        "The council met on Monday. Mr. Hale spoke first. The vote, she said, "
        "is due in \u2018early spring\u2019.",
        "The vote, she said, is due in \u2018early spring\u2019.",
    ),
    (
        "Die Sitzung dauerte lange. \u201eWir sind bereit\u201c, sagte er.",
        "\u201eWir sind bereit\u201c, sagte er.",
    ),
    ("Die Sitzung dauerte lange. Er traf Dr. Weber.", "Er traf Dr. Weber."),
    (
        "It rained all day. \u201cWe stayed home,\u201d she said.",
        "\u201cWe stayed home,\u201d she said.",
    ),
    ("Prices rose by 3.5 per cent in the U.S. last year.", None),
    ("One sentence only, and a long one at that, which ends here.", None),
    (
        "It rained. Then it rained again and again for a long while.",
        "Then it rained again and again for a long while.",
    ),
    (
        "Short one first. Then a closing sentence that runs on for far too many words "
        "to count as a short closing line.",
        None,
    ),
]


@pytest.mark.parametrize(("paragraph", "closing"), CLOSING_CASES)
def test_split_closing_puts_a_short_last_sentence_of_the_body_on_its_own_line(
    paragraph: str, closing: str | None
) -> None:
    text = (
        f"Menu\nA headline\nThe first paragraph of the story is here.\n{paragraph}\nShare\nComments"
    )
    labels = (Label.NOISE, Label.TITLE, Label.BODY, Label.BODY, Label.NOISE, Label.NOISE)
    gold = f"The first paragraph of the story is here.\n{paragraph}"
    example = train.Example("set/p1", "site", "lxml", segment(text), labels, gold=gold)
    copy = train.split_closing(example, seed=0)
    if closing is None:
        assert copy is None
        return
    assert copy is not None
    assert copy.source == "lxml+closing"
    head = paragraph[: -len(closing)].rstrip()
    assert _labelled(copy) == [
        ("Menu", Label.NOISE),
        ("A headline", Label.TITLE),
        ("The first paragraph of the story is here.", Label.BODY),
        (head, Label.BODY),
        (closing, Label.BODY),
        ("Share", Label.NOISE),
        ("Comments", Label.NOISE),
    ]


def test_sentence_case_titles_lower_cases_the_headline_s_common_words_only() -> None:
    text = (
        "Home | News\n"
        "Leeds Council Approves New Cycle Lanes For The City Centre\n"
        "The council approves new cycle lanes for the city centre of Leeds.\n"
        "Share"
    )
    labels = (Label.NOISE, Label.TITLE, Label.BODY, Label.NOISE)
    example = train.Example("set/p1", "site", "lxml", segment(text), labels, gold="")
    copy = train.sentence_case_titles(example)
    assert copy is not None
    assert copy.source == "lxml+sentence"
    assert copy.labels == labels
    # The first word keeps its capital, and so does 'Leeds' (the page never writes it
    # in lower case); the other words are lower-cased as the body writes them.
    assert [b.text for b in copy.doc.blocks] == [
        "Home | News",
        "Leeds council approves new cycle lanes for the city centre",
        "The council approves new cycle lanes for the city centre of Leeds.",
        "Share",
    ]
    # A page whose headline is already a sentence gets no copy.
    assert train.sentence_case_titles(copy) is None


def test_crop_keeps_a_run_of_consecutive_blocks_with_a_body_block_and_their_labels(
    data_dir: Path,
) -> None:
    sizes = set()
    for ex, copy in _copies_made(data_dir, train.crop, 6):
        pairs = _labelled(ex)
        window = _labelled(copy)
        assert 1 <= len(window) <= train.MAX_CROP_UNITS
        assert len(window) < len(pairs)
        starts = [i for i in range(len(pairs)) if pairs[i : i + len(window)] == window]
        assert starts, window
        assert any(lab is Label.BODY for _, lab in window)
        sizes.add(len(window))
    assert len(sizes) > 1


def test_miniature_keeps_titles_a_body_run_and_some_noise_on_each_side_in_page_order(
    data_dir: Path,
) -> None:
    sizes = set()
    for ex, copy in _copies_made(data_dir, train.miniature, 6):
        assert copy.source == ex.source + "+mini"
        pairs = _labelled(ex)
        kept = _labelled(copy)
        # A subsequence of the page: every kept block, with its label, in page order.
        at = 0
        for pair in kept:
            at = pairs.index(pair, at) + 1
        body = [k for k, (_, lab) in enumerate(kept) if lab is Label.BODY]
        page_body = [pair for pair in pairs if pair[1] is Label.BODY]
        run = [kept[k] for k in range(body[0], body[-1] + 1)]
        assert run == [kept[k] for k in body], "the body blocks are one run"
        starts = [i for i in range(len(page_body)) if page_body[i : i + len(run)] == run]
        assert starts, "consecutive body blocks of the page"
        assert any(lab is Label.NOISE for _, lab in kept)
        assert [p for p in pairs if p[1] is Label.TITLE] == [p for p in kept if p[1] is Label.TITLE]
        noise_before = sum(1 for _, lab in kept[: body[0]] if lab is Label.NOISE)
        noise_after = sum(1 for _, lab in kept[body[-1] + 1 :] if lab is Label.NOISE)
        assert noise_before <= train.MINI_NOISE_UNITS * 4
        assert noise_after <= train.MINI_NOISE_UNITS * 4
        assert len(kept) < len(pairs)
        sizes.add(len(kept))
    assert len(sizes) > 1


# --------------------------------------------------------------------------- context sample


def test_context_sample_weighs_texts_not_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes = np.array([3] * 3 + [3000] * 3000 + [2] * 2)
    rows = train.context_sample(sizes, seed=1)
    assert rows.tolist() == sorted(set(rows.tolist()))
    assert rows.tolist() == train.context_sample(sizes, seed=1).tolist()
    # Every block of the short texts, and about CONTEXT_ROWS_PER_TEXT of the long one.
    assert {0, 1, 2, 3003, 3004} <= set(rows.tolist())
    long_rows = ((rows >= 3) & (rows < 3003)).sum()
    assert abs(long_rows - train.CONTEXT_ROWS_PER_TEXT) < 40
    monkeypatch.setattr(train, "CONTEXT_MAX_ROWS", 10)
    assert train.context_sample(sizes, seed=1).size == 10


# --------------------------------------------------------------------------- alignment check


def test_recheck_scores_judged_blocks_with_the_current_rule(data_dir: Path, tmp_path: Path) -> None:
    check = benchmark_module("alignment_sample")
    rows = check.sample(data_dir, seed=0, pages=4, blocks_per_page=3)
    assert len(rows) >= 4
    judged = tmp_path / "judged.tsv"
    check.write_tsv(rows, judged)
    lines = judged.read_text(encoding="utf-8").splitlines()
    # A reader agrees with every aligned label but the first.
    cells = [line.split("\t") for line in lines[1:]]
    flipped = {"body": "noise", "noise": "body", "title": "noise"}
    for i, row in enumerate(cells):
        row[6] = flipped[row[4]] if i == 0 else row[4]
    # The sample of an older rule, which aligned the last block otherwise.
    cells[-1][4] = flipped[cells[-1][4]]
    judged.write_text("\n".join([lines[0], *("\t".join(c) for c in cells)]) + "\n")

    rechecked = check.recheck(data_dir, judged)
    assert [(r.page_id, r.block_index) for r in rechecked] == [
        (r.page_id, r.block_index) for r in rows
    ]
    assert [r.now for r in rechecked] == [r.label.value for r in rows]
    assert [r.then == r.now for r in rechecked] == [True] * (len(rows) - 1) + [False]
    assert sum(r.now == r.judged for r in rechecked) == len(rows) - 1

    cells[1][5] = "a block the page never held"
    judged.write_text("\n".join([lines[0], *("\t".join(c) for c in cells)]) + "\n")
    with pytest.raises(ValueError, match="no longer holds 'a block the page never held'"):
        check.recheck(data_dir, judged)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--limit", "0"], "argument --limit: must be 1 or more, got 0"),
        (["--folds", "1"], "argument --folds: must be 2 or more, got 1"),
        (["--converters", "foo"], "argument --converters: invalid choice: 'foo'"),
        (["--out", "FILE"], "--out FILE: cannot write there: File exists"),
        (["--data", "MISSING"], "--data MISSING: no such folder"),
        (["--data", "EMPTY"], "--data EMPTY: no TRAIN set 'wcxb-dev' in it"),
    ],
)
def test_bad_arguments_stop_training_before_it_starts(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    names = {
        "FILE": tmp_path / "a-file",
        "MISSING": tmp_path / "missing",
        "EMPTY": tmp_path / "empty",
    }
    names["FILE"].write_text("")
    names["EMPTY"].mkdir()
    extra = [str(names.get(a, a)) for a in extra]
    for placeholder, path in names.items():
        message = message.replace(placeholder, str(path))
    argv = ["--data", str(data_dir), "--out", str(tmp_path / "out"), "--kinds", str(KINDS)]
    argv += ["--kind-sample", str(KIND_SAMPLE), "--appeals", str(APPEALS)]
    argv += ["--function-words", str(FUNCTION_WORDS), *extra]
    with pytest.raises(SystemExit) as stopped:
        train.main(argv)
    assert stopped.value.code == 2
    assert f"python -m boilerstrip.train: error: {message}" in capsys.readouterr().err
