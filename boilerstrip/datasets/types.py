"""The records that dataset readers yield: pages with their gold, or errors."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "EVAL_ONLY_DATASETS",
    "DatasetError",
    "DatasetFormatError",
    "Format",
    "Gold",
    "GoldBlock",
    "Page",
    "PageError",
]


class Format(str, Enum):
    """A benchmark's file layout; each has one reader."""

    WCXB = "wcxb"
    ZYTE = "zyte"
    CLEANEVAL = "cleaneval"
    DRAGNET = "dragnet"
    L3S = "l3s"
    READABILITY = "readability"
    TEXTDIR = "textdir"
    JSONL = "jsonl"


# Datasets (``Page.dataset`` values) whose licence or terms allow evaluation
# only: they must never reach the shipped model's training data.
EVAL_ONLY_DATASETS: frozenset[str] = frozenset(
    {Format.DRAGNET.value, Format.CLEANEVAL.value, Format.L3S.value}
)


@dataclass(frozen=True, slots=True)
class GoldBlock:
    """One annotated text block of a page, in page order.

    ``label`` is ``"body"``, ``"title"``, ``"supplemental"``, ``"related"``,
    ``"comments"`` or ``"noise"``.
    """

    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Gold:
    """What a dataset says the main content of a page is.

    ``text`` is the main content as plain text, one block a line. Snippet lists
    and blocks are empty where the dataset has none.
    """

    text: str
    title: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    blocks: tuple[GoldBlock, ...] = ()
    page_type: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a dataset: its input (``html`` or ``text``) and its gold.

    ``site`` is the page's domain (without ``www.``) or, where no URL is known,
    another name for its source; it groups pages in cross-validation.
    """

    id: str
    dataset: str
    url: str | None
    html: str | None
    text: str | None
    gold: Gold
    site: str | None = None


@dataclass(frozen=True, slots=True)
class PageError:
    """A page that could not be read. ``reason`` starts with a fixed phrase
    (``"no gold"``, ``"no html"``, ``"unreadable html"``, ``"malformed gold"``,
    ...) optionally followed by ``": "`` and details."""

    id: str
    dataset: str
    path: str
    reason: str

    @property
    def category(self) -> str:
        """The fixed phrase at the start of ``reason``, for counting errors."""
        return self.reason.split(":", 1)[0]


class DatasetError(Exception):
    """A dataset cannot be read at all (as opposed to one bad page)."""


class DatasetFormatError(DatasetError, ValueError):
    """A path matches none of the known dataset layouts, or not the one asked for."""
