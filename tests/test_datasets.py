"""Tests for boilerstrip.datasets on small hand-written fixtures in each layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from boilerstrip.datasets import (
    EVAL_ONLY_DATASETS,
    DatasetFormatError,
    Format,
    Gold,
    Page,
    PageError,
    detect_format,
    iter_pages,
)

DATA = Path(__file__).parent / "data" / "datasets"
WCXB = DATA / "wcxb"
READABILITY = DATA / "readability"


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
