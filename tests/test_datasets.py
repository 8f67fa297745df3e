"""Tests for boilerstrip.datasets on small hand-written fixtures in each layout."""

from __future__ import annotations

import dataclasses
import gzip
import shutil
from pathlib import Path

import pytest

from boilerstrip.datasets import (
    EVAL_ONLY_DATASETS,
    DatasetError,
    DatasetFormatError,
    Format,
    Gold,
    GoldBlock,
    Page,
    PageError,
    annotated_blocks,
    cleaneval_gold_blocks,
    detect_format,
    dragnet_splits,
    iter_pages,
    split_main_and_comments,
)

DATA = Path(__file__).parent / "data" / "datasets"
WCXB = DATA / "wcxb"
READABILITY = DATA / "readability"
DRAGNET = DATA / "dragnet"
CLEANEVAL = DATA / "cleaneval"
L3S = DATA / "l3s"
ZYTE = DATA / "zyte"
TEXTDIR = DATA / "textdir"
JSONL = DATA / "jsonl" / "pages.jsonl"
L3S_PAGE = "aaaa1111-0000-0000-0000-000000000001"


def _by_id(path: Path, **options: object) -> dict[str, Page | PageError]:
    records = list(iter_pages(path, **options))  # type: ignore[arg-type]
    return {record.id: record for record in records}


def _page(record: Page | PageError) -> Page:
    assert isinstance(record, Page), record
    return record


def _error(record: Page | PageError) -> PageError:
    assert isinstance(record, PageError), record
    return record


# --- detection -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (WCXB, Format.WCXB),
        (WCXB / "dev", Format.WCXB),
        (READABILITY, Format.READABILITY),
        (READABILITY / "test-pages", Format.READABILITY),
        (DRAGNET, Format.DRAGNET),
        (CLEANEVAL, Format.CLEANEVAL),
        (CLEANEVAL / "cleaneval-dev", Format.CLEANEVAL),
        (L3S, Format.L3S),
        (ZYTE, Format.ZYTE),
        (TEXTDIR, Format.TEXTDIR),
        (JSONL, Format.JSONL),
    ],
)
def test_detect_format(path: Path, expected: Format) -> None:
    assert detect_format(path) is expected
    assert detect_format(str(path)) is expected


def test_detect_format_names_the_folder_when_nothing_matches(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("hello")
    with pytest.raises(DatasetFormatError, match=str(tmp_path)):
        detect_format(tmp_path)


def test_detect_format_on_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DatasetFormatError, match="does not exist"):
        detect_format(tmp_path / "absent")


def test_explicit_format_must_match_the_layout() -> None:
    with pytest.raises(DatasetFormatError, match="'readability'"):
        iter_pages(WCXB, format=Format.READABILITY)


def test_eval_only_datasets() -> None:
    assert frozenset({"dragnet", "cleaneval", "l3s"}) == EVAL_ONLY_DATASETS


# --- WCXB --------------------------------------------------------------------


def test_wcxb_yields_every_file_in_sorted_order() -> None:
    records = list(iter_pages(WCXB))
    assert [r.id for r in records] == ["0001", "0002", "0003", "0004", "0005", "0006", "0007"]
    assert [type(r).__name__ for r in records] == [
        "Page", "Page", "PageError", "PageError", "PageError", "PageError", "PageError",
    ]  # fmt: skip
    assert {r.dataset for r in records} == {"wcxb"}


def test_wcxb_page() -> None:
    page = _page(_by_id(WCXB)["0001"])
    assert page.url == "https://www.example.org/news/rain"
    assert page.site == "example.org"
    assert page.text is None
    assert page.html is not None and "<h1>Rain expected</h1>" in page.html
    assert page.gold == Gold(
        text="Rain expected\nIt will rain tomorrow in the valley.\nBring an umbrella.",
        title="Rain expected",
        with_snippets=("It will rain",),
        without_snippets=("Subscribe now", "Home"),
        blocks=(),
        page_type="article",
    )


def test_wcxb_plain_html_non_utf8_and_metadata_page_type() -> None:
    page = _page(_by_id(WCXB)["0002"])
    assert page.html is not None and "<p>Première réponse.</p>" in page.html
    assert page.gold.text == "Première réponse."
    assert page.gold.title is None
    assert page.gold.page_type == "forum"
    assert page.site == "forum.example.net"


@pytest.mark.parametrize(
    ("page_id", "reason", "file"),
    [
        ("0003", "no html", "dev/ground-truth/0003.json"),
        ("0004", "no gold", "dev/html/0004.html"),
        ("0005", "malformed gold: JSONDecodeError: ", "dev/ground-truth/0005.json"),
        ("0006", "no gold: main_content missing", "dev/ground-truth/0006.json"),
        ("0007", "unreadable html: BadGzipFile: ", "dev/html/0007.html.gz"),
    ],
)
def test_wcxb_errors(page_id: str, reason: str, file: str) -> None:
    error = _error(_by_id(WCXB)[page_id])
    assert error.reason.startswith(reason)
    assert error.category == reason.split(":")[0]
    assert error.path == str(WCXB / file)
    assert error.dataset == "wcxb"


def test_wcxb_split_folder_reads_metadata_from_its_parent() -> None:
    assert _by_id(WCXB / "dev") == _by_id(WCXB)


def test_wcxb_several_splits_prefix_ids(tmp_path: Path) -> None:
    shutil.copytree(WCXB / "dev", tmp_path / "dev")
    shutil.copytree(WCXB / "dev", tmp_path / "test")
    ids = [r.id for r in iter_pages(tmp_path)]
    assert ids[:2] == ["dev/0001", "dev/0002"]
    assert ids[7:9] == ["test/0001", "test/0002"]
    assert len(ids) == 14


def test_limit_counts_pages_and_errors() -> None:
    assert [r.id for r in iter_pages(WCXB, limit=3)] == ["0001", "0002", "0003"]
    assert list(iter_pages(WCXB, limit=0)) == []
    with pytest.raises(ValueError, match="limit"):
        iter_pages(WCXB, limit=-1)


# --- Readability -------------------------------------------------------------


def test_readability_pages() -> None:
    records = _by_id(READABILITY)
    assert list(records) == ["alpha", "beta", "gamma"]
    alpha = _page(records["alpha"])
    assert alpha.dataset == "readability"
    assert alpha.url == "https://www.news.example.com/story"
    assert alpha.site == "news.example.com"
    assert alpha.gold == Gold(
        text="Alpha story\nFirst paragraph.\nSecond paragraph.", title="Alpha story"
    )
    assert alpha.html is not None and "Menu" in alpha.html


def test_readability_without_metadata_or_real_url_uses_the_folder_name() -> None:
    beta = _page(_by_id(READABILITY)["beta"])
    assert beta.url is None
    assert beta.site == "beta"
    assert beta.gold == Gold(text="One\nTwo\nBeta body.")


def test_readability_missing_expected_output_is_an_error() -> None:
    gamma = _error(_by_id(READABILITY)["gamma"])
    assert gamma.reason == "no gold"
    assert gamma.path == str(READABILITY / "test-pages" / "gamma")


def test_readability_malformed_metadata(tmp_path: Path) -> None:
    shutil.copytree(READABILITY / "test-pages" / "alpha", tmp_path / "alpha")
    (tmp_path / "alpha" / "expected-metadata.json").write_text("{not json")
    error = _error(next(iter(iter_pages(tmp_path))))
    assert error.reason.startswith("malformed gold: JSONDecodeError")
    assert error.path == str(tmp_path / "alpha" / "expected-metadata.json")


def test_order_is_deterministic() -> None:
    assert list(iter_pages(READABILITY)) == list(iter_pages(READABILITY))


# --- Dragnet -----------------------------------------------------------------


def test_dragnet_pages_and_errors() -> None:
    records = list(iter_pages(DRAGNET))
    assert [(r.id, type(r).__name__) for r in records] == [
        ("2", "Page"), ("10", "PageError"), ("R1", "Page"), ("T3", "PageError"),
    ]  # fmt: skip
    assert {r.dataset for r in records} == {"dragnet"}
    assert _error(records[1]).reason == "no gold"
    assert _error(records[3]).reason == "no html"
    assert _error(records[3]).path == str(DRAGNET / "Corrected" / "T3.html.corrected.txt")


def test_dragnet_gold_stops_at_the_comments_separator() -> None:
    records = _by_id(DRAGNET)
    first = _page(records["R1"])
    assert first.gold == Gold(text="Body one.\nBody two.")
    assert first.url == "http://www.blog.example.com/post/1"
    assert first.site == "blog.example.com"
    # Non-UTF-8 gold and HTML, and a separator typed without its "!".
    second = _page(records["2"])
    assert second.gold.text == "Café crème."
    assert second.html == "<html><body><p>Café crème.</p></body></html>\n"
    assert second.url is None and second.site is None


@pytest.mark.parametrize(
    ("gold", "main", "comments"),
    [
        ("A\n!@#$%^&*()  COMMENTS\nB\n", "A\n", "B\n"),
        ("A\n!@ $%^&*()  COMMENTS\t\nB", "A\n", "B"),
        ("A\n!@#$%^&**() COMMENTS\r\nB", "A\n", "B"),
        ("A\nNo COMMENTS\nB", "A\nNo COMMENTS\nB", ""),
        ("A\n() COMMENTS\nB", "A\n() COMMENTS\nB", ""),
    ],
)
def test_split_main_and_comments(gold: str, main: str, comments: str) -> None:
    assert split_main_and_comments(gold) == (main, comments)


def test_dragnet_splits() -> None:
    assert dragnet_splits(DRAGNET) == {"R1": "train", "10": "train", "2": "test", "T3": "test"}


def test_dragnet_id_in_both_splits_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "training.txt").write_text("a\nb\n")
    (tmp_path / "test.txt").write_text("b\n")
    with pytest.raises(DatasetError, match="'b'"):
        dragnet_splits(tmp_path)


# --- CleanEval ---------------------------------------------------------------


def test_cleaneval_parent_folder_reads_both_subsets() -> None:
    records = list(iter_pages(CLEANEVAL))
    assert [r.id for r in records] == ["dev/1", "dev/2", "final/9", "final/10"]
    error = _error(records[3])
    assert error.reason == "no gold"
    assert error.path == str(CLEANEVAL / "cleaneval-final" / "input" / "10.html")


def test_cleaneval_page() -> None:
    page = _page(_by_id(CLEANEVAL)["dev/1"])
    assert page.dataset == "cleaneval"
    assert page.url == "http://www.news.example.org/a.htm"
    assert page.site == "news.example.org"
    assert page.html is not None
    assert page.html.startswith("<html><body><h1>Heading</h1>")
    assert "<text" not in page.html and "</text>" not in page.html
    assert page.gold == Gold(text="Heading\nFirst paragraph.\nitem one")


def test_cleaneval_markers_mid_line_and_blank_lines_split_blocks() -> None:
    page = _page(_by_id(CLEANEVAL / "cleaneval-dev")["2"])
    assert page.gold.text == "Tabular\nleft\nright"


def test_cleaneval_gold_blocks_without_url_line() -> None:
    assert cleaneval_gold_blocks("<p>a\n b <l> c") == (None, ["a b", "c"])


# --- L3S-GN1 -----------------------------------------------------------------


def test_l3s_blocks_labels_and_gold() -> None:
    records = _by_id(L3S)
    page = _page(records[L3S_PAGE])
    assert page.dataset == "l3s"
    assert page.url == "http://www.paper.example.com/story.html"
    assert page.site == "paper.example.com"
    assert page.html is not None and "<h1>Storm hits coast</h1>" in page.html
    assert page.gold.blocks == (
        GoldBlock("Home | World", "noise"),
        GoldBlock("Storm hits coast", "title"),
        GoldBlock("Winds of 100 km/h were measured.", "body"),
        GoldBlock("Photo: Agency", "supplemental"),
        GoldBlock("Read more: Other story", "related"),
        GoldBlock("Nice one, says a reader", "comments"),
        GoldBlock("Second paragraph", "body"),
        GoldBlock("Share", "noise"),
    )
    assert page.gold.text == "Winds of 100 km/h were measured.\nSecond paragraph"
    assert page.gold.title == "Storm hits coast"


def test_l3s_page_without_annotation_is_an_error() -> None:
    error = _error(_by_id(L3S)["bbbb2222-0000-0000-0000-000000000002"])
    assert error.reason == "no gold"


def test_annotated_blocks_unlabeled_text_is_noise() -> None:
    html = '<div>loose <span class="x-nc-sel2">kept</span></div><p>  </p>'
    assert annotated_blocks(html) == (GoldBlock("loose", "noise"), GoldBlock("kept", "body"))
    assert annotated_blocks("") == ()


# --- Zyte ----------------------------------------------------------------------


def test_zyte_pages_and_errors() -> None:
    records = _by_id(ZYTE)
    assert list(records) == ["a1", "b2", "c3", "d4"]
    page = _page(records["a1"])
    assert page.dataset == "zyte"
    assert page.gold == Gold(text="First line.\nSecond line.", title="A1 headline")
    assert page.site == "mag.example.com"
    assert _error(records["b2"]).reason == "no html"
    assert _error(records["c3"]).reason == "malformed gold: no articleBody"
    assert _error(records["d4"]).reason == "no gold"


def test_zyte_unreadable_ground_truth_raises(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth.json").write_text("[1, 2")
    with pytest.raises(DatasetError, match=r"ground-truth\.json"):
        list(iter_pages(tmp_path))


# --- TEXTDIR -------------------------------------------------------------------


def test_textdir() -> None:
    records = list(iter_pages(TEXTDIR))
    assert [r.id for r in records] == ["orphan", "page1", "page2", "page10"]
    first = _page(records[1])
    assert first.text == "Menu\nBody text here.\n\nFooter\n"
    assert first.html is None and first.url is None and first.site is None
    assert first.gold == Gold(text="Body text here.")
    assert _page(records[2]).text == "Café\n"
    assert _error(records[0]).reason == "no text"
    assert _error(records[3]).reason == "no gold"


# --- JSONL ---------------------------------------------------------------------


def test_jsonl_pages() -> None:
    records = list(iter_pages(JSONL))
    first, second = _page(records[0]), _page(records[1])
    assert first == Page(
        id="p1",
        dataset="jsonl",
        url="https://www.site.example.com/p1",
        html=None,
        text="Menu\nBody",
        gold=Gold(text="Body"),
        site="site.example.com",
    )
    assert second.id == "2"
    assert second.dataset == "dragnet"
    assert second.html == "<p>Body</p>"
    assert second.gold == Gold(
        text="Body",
        title="T",
        with_snippets=("Body",),
        without_snippets=("Menu",),
        blocks=(GoldBlock("Body", "body"),),
        page_type="article",
    )


def test_jsonl_bad_lines_become_errors_with_line_numbers() -> None:
    errors = [(r.id, r.path, r.reason) for r in iter_pages(JSONL) if isinstance(r, PageError)]
    assert errors == [
        ("p3", f"{JSONL}:4", "no gold"),
        ("p4", f"{JSONL}:5", 'no input: needs a "text" or "html" string'),
        ("p5", f"{JSONL}:6", 'malformed gold: expected a string or an object with "text"'),
        ("7", f"{JSONL}:7", "malformed record: JSONDecodeError: Expecting value: line 1 "
                            "column 1 (char 0)"),
        ("8", f"{JSONL}:8", "malformed record: not an object (list)"),
        ("p8", f"{JSONL}:9", 'malformed record: "text" must be a string'),
    ]  # fmt: skip


def test_jsonl_gzip_and_truncated_stream(tmp_path: Path) -> None:
    data = gzip.compress(JSONL.read_bytes())
    whole = tmp_path / "pages.jsonl.gz"
    whole.write_bytes(data)
    assert list(iter_pages(whole)) == [
        dataclasses.replace(r, path=r.path.replace(str(JSONL), str(whole)))
        if isinstance(r, PageError)
        else r
        for r in iter_pages(JSONL)
    ]
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    records = list(iter_pages(cut))
    last = _error(records[-1])
    assert last.reason.startswith("unreadable file: EOFError")
    assert last.path == f"{cut}:{last.id}"


def test_jsonl_detected_by_content(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_text('\n{"text": "a", "gold": "a"}\n')
    assert detect_format(path) is Format.JSONL
    assert [r.id for r in iter_pages(path)] == ["2"]


def test_accepts_plain_and_gzipped_files_alike(tmp_path: Path) -> None:
    for name in ("source.html", "expected.html"):
        source = READABILITY / "test-pages" / "beta" / (name + ".gz")
        (tmp_path / "beta").mkdir(exist_ok=True)
        (tmp_path / "beta" / name).write_bytes(gzip.decompress(source.read_bytes()))
    plain = _page(next(iter(iter_pages(tmp_path))))
    packed = _page(_by_id(READABILITY)["beta"])
    assert (plain.html, plain.gold) == (packed.html, packed.gold)


@pytest.mark.parametrize("path", [WCXB, READABILITY, DRAGNET, CLEANEVAL, L3S, ZYTE, TEXTDIR, JSONL])
def test_every_reader_yields_unique_ids_in_a_stable_order(path: Path) -> None:
    first = list(iter_pages(path))
    assert first == list(iter_pages(path))
    ids = [r.id for r in first]
    assert len(ids) == len(set(ids))
