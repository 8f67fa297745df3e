"""Metrics that compare an extracted text with the gold main content of a page.

Every metric works on plain strings, so any system (boilerstrip, a peer, a
baseline) can be scored the same way. Tokens are the matches of the Unicode
regular expression ``\\w+`` with case kept, for every metric here.

- :func:`shingle_counts` and :func:`shingle_score`: the 4-shingle precision,
  recall and F1 of the Zyte article-extraction benchmark, with a bootstrap
  standard deviation over pages.
- :func:`word_score` and :func:`summarize_words`: bag-of-words precision,
  recall and F1 per page, averaged over pages (as WCXB reports it), with the
  median F1.
- :func:`check_snippets` and :func:`sum_snippets`: the share of "must contain"
  snippets found and of "must not contain" snippets absent.
- :func:`block_kept` and :func:`block_score`: block-level accuracy and
  per-label F1 where the gold labels blocks of the page (L3S-GN1).
- :func:`count_removed`: how many blocks of each kind of noise were removed.

>>> counts = shingle_counts("one two three four five", "one two three four")
>>> counts.precision, round(counts.recall, 2)
(1.0, 0.5)
>>> score = shingle_score([counts])
>>> round(score.f1, 3)
0.667
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, is_dataclass
from dataclasses import fields as dataclass_fields
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np

from boilerstrip.datasets.types import Page, PageError
from boilerstrip.types import Decision, Kind, Label

if TYPE_CHECKING:
    from boilerstrip.convert import Converter
    from boilerstrip.peers import System

TOKEN_RE = re.compile(r"\w+")
"""A token: a run of Unicode word characters (letters, digits, underscore, marks)."""

SHINGLE_SIZE = 4
"""Tokens per shingle, as in the Zyte article-extraction benchmark."""

BOOTSTRAP_RESAMPLES = 1000
"""Resamples of pages for the standard deviation; enough for two stable digits."""

BOOTSTRAP_SEED = 0
"""Fixed so that two runs on the same pages print the same deviations."""

BLOCK_KEPT_COVERAGE = 0.5
"""A gold block counts as kept when at least half of its shingles are in the output."""

_SPACE_RE = re.compile(r"\s+")


def tokenize(text: str) -> list[str]:
    """Return the tokens of ``text``: every match of ``\\w+``, case kept.

    >>> tokenize("Ça va? Oui, très_bien 42!")
    ['Ça', 'va', 'Oui', 'très_bien', '42']
    """
    return TOKEN_RE.findall(text)


def _shingles_of_tokens(tokens: Sequence[str], size: int) -> list[tuple[str, ...]]:
    if not tokens:
        return []
    if len(tokens) < size:
        return [tuple(tokens)]
    return [tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]


def shingles(text: str, *, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Count the runs of ``size`` consecutive tokens of ``text``.

    A text with fewer than ``size`` tokens gives one shorter shingle; an
    empty text gives none.

    >>> sorted(shingles("a b c d e").items())
    [(('a', 'b', 'c', 'd'), 1), (('b', 'c', 'd', 'e'), 1)]
    >>> shingles("a b")
    Counter({('a', 'b'): 1})
    >>> shingles("  ")
    Counter()
    """
    if size < 1:
        raise ValueError(f"shingle size must be at least 1, got {size}")
    return Counter(_shingles_of_tokens(tokenize(text), size))


# ---------------------------------------------------------------------------
# Zyte 4-shingle precision / recall / F1


@dataclass(frozen=True, slots=True)
class ShingleCounts:
    """One page's shingle matches, divided by their sum so every page weighs the same.

    ``tp + fp + fn`` is 1.0, or 0.0 when both texts are empty.
    """

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        """``tp / (tp + fp)``; 1.0 when ``fp == fn == 0``; 0.0 when ``tp + fp == 0``."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        denominator = self.tp + self.fp
        return self.tp / denominator if denominator > 0 else 0.0

    @property
    def recall(self) -> float:
        """``tp / (tp + fn)``; 1.0 when ``fp == fn == 0``; 0.0 when ``tp + fn == 0``."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        denominator = self.tp + self.fn
        return self.tp / denominator if denominator > 0 else 0.0

    @property
    def has_prediction(self) -> bool:
        """True when the page counts towards the average precision (``tp + fp > 0``)."""
        return self.tp + self.fp > 0

    @property
    def has_gold(self) -> bool:
        """True when the page counts towards the average recall (``tp + fn > 0``)."""
        return self.tp + self.fn > 0


def shingle_counts(gold: str, predicted: str, *, size: int = SHINGLE_SIZE) -> ShingleCounts:
    """Match the shingles of ``predicted`` against those of ``gold``, as multisets.

    ``tp`` is the sum over shingles of the smaller of the two counts, ``fp``
    and ``fn`` the excess on the predicted and on the gold side; the three are
    then divided by their sum.

    >>> shingle_counts("a b c d e", "a b c d x")
    ShingleCounts(tp=0.3333333333333333, fp=0.3333333333333333, fn=0.3333333333333333)
    >>> shingle_counts("", "")
    ShingleCounts(tp=0.0, fp=0.0, fn=0.0)
    """
    gold_counts = shingles(gold, size=size)
    predicted_counts = shingles(predicted, size=size)
    tp = fp = fn = 0
    for shingle in gold_counts.keys() | predicted_counts.keys():
        in_gold = gold_counts[shingle]
        in_predicted = predicted_counts[shingle]
        tp += min(in_gold, in_predicted)
        fp += max(0, in_predicted - in_gold)
        fn += max(0, in_gold - in_predicted)
    total = tp + fp + fn
    if total == 0:
        return ShingleCounts(tp=0.0, fp=0.0, fn=0.0)
    return ShingleCounts(tp=tp / total, fp=fp / total, fn=fn / total)


@dataclass(frozen=True, slots=True)
class ShingleScore:
    """Shingle precision, recall and F1 over a set of pages, with bootstrap deviations.

    ``precision`` is the mean page precision over the ``precision_pages``
    pages that have a prediction (``tp + fp > 0``), ``recall`` the mean page
    recall over the ``recall_pages`` pages that have gold (``tp + fn > 0``),
    and ``f1`` the harmonic mean of those two averages. An average over no
    page is 0.0. The ``*_std`` fields are the standard deviations of the same
    three numbers over bootstrap resamples of the pages.
    """

    precision: float
    recall: float
    f1: float
    precision_std: float
    recall_std: float
    f1_std: float
    pages: int
    precision_pages: int
    recall_pages: int


def _harmonic_mean(a: float, b: float) -> float:
    return 2 * a * b / (a + b) if a + b > 0 else 0.0


def shingle_score(
    counts: Sequence[ShingleCounts],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> ShingleScore:
    """Average page scores into a set score, and bootstrap its standard deviation.

    Each of the ``resamples`` resamples draws ``len(counts)`` pages with
    replacement (numpy's default generator seeded with ``seed``) and computes
    precision, recall and F1 as above; the deviations are the population
    standard deviations of those values. With no page, or ``resamples=0``,
    the deviations are 0.0.

    >>> perfect = shingle_counts("a b c d", "a b c d")
    >>> half = shingle_counts("a b c d e", "a b c d")
    >>> score = shingle_score([perfect, half], resamples=0)
    >>> score.precision, score.recall, round(score.f1, 4)
    (1.0, 0.75, 0.8571)
    """
    if resamples < 0:
        raise ValueError(f"resamples must be 0 or more, got {resamples}")
    n = len(counts)
    precision = np.array([c.precision for c in counts], dtype=np.float64)
    recall = np.array([c.recall for c in counts], dtype=np.float64)
    has_prediction = np.array([c.has_prediction for c in counts], dtype=bool)
    has_gold = np.array([c.has_gold for c in counts], dtype=bool)

    mean_p = float(precision[has_prediction].mean()) if has_prediction.any() else 0.0
    mean_r = float(recall[has_gold].mean()) if has_gold.any() else 0.0
    f1 = _harmonic_mean(mean_p, mean_r)

    std_p = std_r = std_f = 0.0
    if n > 0 and resamples > 0:
        rng = np.random.default_rng(seed)
        picks = rng.integers(0, n, size=(resamples, n))
        boot_p = _masked_means(precision[picks], has_prediction[picks])
        boot_r = _masked_means(recall[picks], has_gold[picks])
        total = boot_p + boot_r
        boot_f = np.divide(2 * boot_p * boot_r, total, out=np.zeros_like(total), where=total > 0)
        boot_f[np.isnan(total)] = np.nan
        std_p, std_r, std_f = _spread(boot_p), _spread(boot_r), _spread(boot_f)

    return ShingleScore(
        precision=mean_p,
        recall=mean_r,
        f1=f1,
        precision_std=std_p,
        recall_std=std_r,
        f1_std=std_f,
        pages=n,
        precision_pages=int(has_prediction.sum()),
        recall_pages=int(has_gold.sum()),
    )


def _masked_means(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Row means of ``values`` over the cells where ``mask`` is true; NaN for empty
    rows (a resample without a page that has gold has no recall, not a recall of 0)."""
    sums = np.where(mask, values, 0.0).sum(axis=1)
    sizes = mask.sum(axis=1)
    means: np.ndarray = np.divide(sums, sizes, out=np.full_like(sums, np.nan), where=sizes > 0)
    return means


def _spread(values: np.ndarray) -> float:
    """Standard deviation of the defined (not NaN) ``values``; 0.0 if none is."""
    defined = values[~np.isnan(values)]
    return float(defined.std()) if defined.size else 0.0


# ---------------------------------------------------------------------------
# Word-level bag of words


@dataclass(frozen=True, slots=True)
class WordScore:
    """One page's bag-of-words precision, recall and F1.

    Tokens are matched as multisets. When the prediction is empty its
    precision is 1.0 if the gold is empty too and 0.0 otherwise; recall is
    treated the same way for an empty gold. F1 is their harmonic mean (0.0
    when both are 0.0).
    """

    precision: float
    recall: float
    f1: float


def _share(part: int, whole: int, *, empty: float) -> float:
    return part / whole if whole else empty


def word_score(gold: str, predicted: str) -> WordScore:
    """Score the tokens of ``predicted`` against the tokens of ``gold`` as bags.

    >>> word_score("the cat sat on the mat", "the cat the dog")
    WordScore(precision=0.75, recall=0.5, f1=0.6)
    >>> word_score("", "")
    WordScore(precision=1.0, recall=1.0, f1=1.0)
    """
    gold_bag = Counter(tokenize(gold))
    predicted_bag = Counter(tokenize(predicted))
    gold_size = sum(gold_bag.values())
    predicted_size = sum(predicted_bag.values())
    overlap = sum((gold_bag & predicted_bag).values())
    precision = _share(overlap, predicted_size, empty=1.0 if gold_size == 0 else 0.0)
    recall = _share(overlap, gold_size, empty=1.0 if predicted_size == 0 else 0.0)
    return WordScore(precision=precision, recall=recall, f1=_harmonic_mean(precision, recall))


@dataclass(frozen=True, slots=True)
class WordSummary:
    """Word-level scores over a set: means of the page scores, and the median page F1.

    Every number is 0.0 for an empty set.
    """

    precision: float
    recall: float
    f1: float
    f1_median: float
    pages: int


def summarize_words(scores: Sequence[WordScore]) -> WordSummary:
    """Average page word scores, every page weighing the same.

    >>> summarize_words([WordScore(1.0, 1.0, 1.0), WordScore(0.5, 0.0, 0.0),
    ...                  WordScore(0.5, 0.5, 0.5)])
    WordSummary(precision=0.6666666666666666, recall=0.5, f1=0.5, f1_median=0.5, pages=3)
    """
    if not scores:
        return WordSummary(precision=0.0, recall=0.0, f1=0.0, f1_median=0.0, pages=0)
    return WordSummary(
        precision=statistics.fmean(s.precision for s in scores),
        recall=statistics.fmean(s.recall for s in scores),
        f1=statistics.fmean(s.f1 for s in scores),
        f1_median=float(statistics.median(s.f1 for s in scores)),
        pages=len(scores),
    )


# ---------------------------------------------------------------------------
# Snippet checks


@dataclass(frozen=True, slots=True)
class SnippetCheck:
    """How many "with" snippets were found and how many "without" snippets were absent."""

    with_found: int
    with_total: int
    without_absent: int
    without_total: int

    @property
    def with_share(self) -> float | None:
        """Share of "with" snippets found, or None when there were none to look for."""
        return self.with_found / self.with_total if self.with_total else None

    @property
    def without_share(self) -> float | None:
        """Share of "without" snippets absent, or None when there were none."""
        return self.without_absent / self.without_total if self.without_total else None


def _normalize_for_snippets(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip().casefold()


def check_snippets(
    predicted: str, *, with_snippets: Sequence[str], without_snippets: Sequence[str]
) -> SnippetCheck:
    """Look for each snippet in ``predicted``.

    Both sides are compared with runs of whitespace collapsed to one space
    and case folded, so a converter's line breaks or a heading's capitals do
    not decide the check. Empty snippets are skipped.

    >>> check_snippets("Hello  big\\nWorld", with_snippets=["big world", "gone"],
    ...                without_snippets=["Subscribe"])
    SnippetCheck(with_found=1, with_total=2, without_absent=1, without_total=1)
    """
    haystack = _normalize_for_snippets(predicted)
    wanted = [s for s in map(_normalize_for_snippets, with_snippets) if s]
    unwanted = [s for s in map(_normalize_for_snippets, without_snippets) if s]
    return SnippetCheck(
        with_found=sum(1 for s in wanted if s in haystack),
        with_total=len(wanted),
        without_absent=sum(1 for s in unwanted if s not in haystack),
        without_total=len(unwanted),
    )


def sum_snippets(checks: Iterable[SnippetCheck]) -> SnippetCheck:
    """Add page checks into a set check (shares are then over all snippets of the set).

    >>> sum_snippets([SnippetCheck(1, 2, 0, 1), SnippetCheck(2, 2, 3, 3)]).with_share
    0.75
    """
    with_found = with_total = without_absent = without_total = 0
    for check in checks:
        with_found += check.with_found
        with_total += check.with_total
        without_absent += check.without_absent
        without_total += check.without_total
    return SnippetCheck(with_found, with_total, without_absent, without_total)


# ---------------------------------------------------------------------------
# Block-level scores


def block_kept(block_text: str, predicted: str, *, coverage: float = BLOCK_KEPT_COVERAGE) -> bool:
    """Decide whether a gold block of the page survives in ``predicted``.

    A block of at least :data:`SHINGLE_SIZE` tokens is kept when at least
    ``coverage`` of its distinct shingles occur in the prediction; a shorter
    block when its tokens occur in the prediction as a consecutive run. A
    block without tokens is never kept. Systems that return text have no
    block labels of their own, so this is how their output is mapped onto the
    gold blocks. Use :class:`BlockKeptIndex` to check many blocks of a page.

    >>> block_kept("a b c d e f", "x a b c d y")
    False
    >>> block_kept("a b c d e", "x a b c d y")
    True
    >>> block_kept("brown fox", "quick brown fox")
    True
    >>> block_kept("Brown fox", "quick brown fox")
    False
    """
    return BlockKeptIndex(predicted, coverage=coverage).kept(block_text)


class BlockKeptIndex:
    """The prediction of one page, prepared for many :func:`block_kept`-style checks.

    >>> index = BlockKeptIndex("The quick brown fox jumps over")
    >>> index.kept("quick brown fox jumps over"), index.kept("lazy dog")
    (True, False)
    """

    __slots__ = ("_coverage", "_joined", "_shingles")

    def __init__(self, predicted: str, *, coverage: float = BLOCK_KEPT_COVERAGE) -> None:
        tokens = tokenize(predicted)
        self._joined = " " + " ".join(tokens) + " "
        self._shingles = set(_shingles_of_tokens(tokens, SHINGLE_SIZE))
        self._coverage = coverage

    def kept(self, block_text: str) -> bool:
        """Same answer as ``block_kept(block_text, predicted)``."""
        tokens = tokenize(block_text)
        if not tokens:
            return False
        if len(tokens) < SHINGLE_SIZE:
            return " " + " ".join(tokens) + " " in self._joined
        wanted = set(_shingles_of_tokens(tokens, SHINGLE_SIZE))
        return len(wanted & self._shingles) >= self._coverage * len(wanted)


@dataclass(frozen=True, slots=True)
class BlockOutcome:
    """One gold block: its gold class, whether gold counts it as content, and the verdict."""

    gold: str
    is_content: bool
    kept: bool


@dataclass(frozen=True, slots=True)
class LabelScore:
    """Precision, recall and F1 of one predicted label over blocks."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class ClassKept:
    """How many blocks of one gold class there were, and how many were kept."""

    gold: str
    blocks: int
    kept: int


@dataclass(frozen=True, slots=True)
class BlockScore:
    """Block-level scores over a set of pages.

    A block is predicted "content" when kept and "noise" when removed;
    ``accuracy`` is the share of blocks where that agrees with gold, and
    ``labels`` holds the F1 of each of the two predicted labels. ``classes``
    shows, for every gold class, how many of its blocks were kept.
    """

    blocks: int
    accuracy: float
    labels: tuple[LabelScore, ...]
    classes: tuple[ClassKept, ...]


CONTENT_LABEL = "content"
NOISE_LABEL = "noise"


def _label_score(label: str, tp: int, fp: int, fn: int) -> LabelScore:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return LabelScore(label, precision, recall, _harmonic_mean(precision, recall), tp + fn)


def block_score(outcomes: Iterable[BlockOutcome]) -> BlockScore:
    """Score block verdicts, every block weighing the same.

    >>> score = block_score([BlockOutcome("full-text", True, True),
    ...                      BlockOutcome("full-text", True, False),
    ...                      BlockOutcome("comments", False, False),
    ...                      BlockOutcome("related", False, True)])
    >>> score.accuracy, [(s.label, s.f1) for s in score.labels]
    (0.5, [('content', 0.5), ('noise', 0.5)])
    """
    tp = fp = fn = tn = 0
    per_class: dict[str, list[int]] = {}
    for outcome in outcomes:
        if outcome.is_content and outcome.kept:
            tp += 1
        elif outcome.kept:
            fp += 1
        elif outcome.is_content:
            fn += 1
        else:
            tn += 1
        tally = per_class.setdefault(outcome.gold, [0, 0])
        tally[0] += 1
        tally[1] += int(outcome.kept)
    total = tp + fp + fn + tn
    return BlockScore(
        blocks=total,
        accuracy=(tp + tn) / total if total else 0.0,
        labels=(
            _label_score(CONTENT_LABEL, tp=tp, fp=fp, fn=fn),
            _label_score(NOISE_LABEL, tp=tn, fp=fn, fn=fp),
        ),
        classes=tuple(ClassKept(gold, n, k) for gold, (n, k) in sorted(per_class.items())),
    )


# ---------------------------------------------------------------------------
# What was removed


@dataclass(frozen=True, slots=True)
class KindCount:
    """How many blocks (and characters) of one kind were removed."""

    kind: Kind
    blocks: int
    chars: int


def count_removed(decisions: Iterable[Decision]) -> tuple[KindCount, ...]:
    """Count removed blocks by kind, most blocks first (ties in :class:`Kind` order).

    Only decisions labelled :attr:`Label.NOISE` count; kinds never seen are left out.

    >>> from boilerstrip.types import Block
    >>> def noise(text, kind):
    ...     return Decision(Block(text, 0, len(text), 0), Label.NOISE, kind, 0.9)
    >>> count_removed([noise("Share", Kind.SHARE), noise("Tweet", Kind.SHARE),
    ...                noise("Donate now", Kind.DONATION)])
    (KindCount(kind=<Kind.SHARE: 'share'>, blocks=2, chars=10), \
KindCount(kind=<Kind.DONATION: 'donation'>, blocks=1, chars=10))
    """
    blocks: Counter[Kind] = Counter()
    chars: Counter[Kind] = Counter()
    for decision in decisions:
        if decision.label is Label.NOISE:
            blocks[decision.kind] += 1
            chars[decision.kind] += len(decision.text)
    return merge_removed([tuple(KindCount(k, blocks[k], chars[k]) for k in blocks)])


def merge_removed(counts: Iterable[Sequence[KindCount]]) -> tuple[KindCount, ...]:
    """Add per-page kind counts, most blocks first (ties in :class:`Kind` order)."""
    blocks: Counter[Kind] = Counter()
    chars: Counter[Kind] = Counter()
    for page in counts:
        for count in page:
            blocks[count.kind] += count.blocks
            chars[count.kind] += count.chars
    order = {kind: i for i, kind in enumerate(Kind)}
    kinds = sorted(blocks, key=lambda k: (-blocks[k], order[k]))
    return tuple(KindCount(k, blocks[k], chars[k]) for k in kinds)


# ---------------------------------------------------------------------------
# Running systems over a dataset

CONTENT_GOLD_LABELS = frozenset({"body", "title"})
"""Gold block labels that count as main content (L3S-GN1: headline and full text)."""


@dataclass(frozen=True, slots=True)
class PageFailure:
    """A page that was read but not scored, or could not be read at all.

    ``stage`` says where it failed: ``"read"`` (the dataset reader),
    ``"convert"`` (HTML to text) or ``"extract"`` (the system).
    """

    id: str
    stage: str
    reason: str


@dataclass(frozen=True, slots=True)
class PageResult:
    """One system's scores on one page."""

    id: str
    shingles: ShingleCounts
    words: WordScore
    snippets: SnippetCheck | None
    block_accuracy: float | None
    seconds: float


@dataclass(frozen=True, slots=True)
class SystemReport:
    """One system's scores on a dataset.

    ``pages_read`` counts every record the reader gave (pages and read
    errors); ``pages_scored + len(errors) == pages_read`` always holds.
    ``seconds`` is the time spent inside the system alone (not reading or
    converting), and ``pages_per_second`` is ``pages_scored / seconds``.
    ``snippets`` is None where the set has no snippets, ``blocks`` where it
    has no block-level gold, and ``removed`` for systems that do not name
    the kind of what they remove (everything but boilerstrip).
    """

    system: str
    pages_read: int
    pages_scored: int
    errors: tuple[PageFailure, ...]
    shingles: ShingleScore
    words: WordSummary
    snippets: SnippetCheck | None
    blocks: BlockScore | None
    removed: tuple[KindCount, ...] | None
    seconds: float
    pages_per_second: float
    pages: tuple[PageResult, ...]


@dataclass(frozen=True, slots=True)
class DatasetReport:
    """Every system's scores on one dataset, with how its text was made.

    ``convert_seconds`` is the time spent turning HTML into text (shared by
    every text system); ``converted_pages`` counts the pages converted.
    """

    dataset: str
    format: str
    converter: str
    converted_pages: int
    convert_seconds: float
    systems: tuple[SystemReport, ...]


ProgressCallback = Callable[[int], None]
"""Called with the number of records handled so far, after each one."""


class _Tally:
    """What one system has gathered so far over a dataset."""

    def __init__(self, name: str, *, explain: bool) -> None:
        self.name = name
        self.explain = explain
        self.results: list[PageResult] = []
        self.errors: list[PageFailure] = []
        self.snippets: list[SnippetCheck] = []
        self.outcomes: list[BlockOutcome] = []
        self.removed: list[tuple[KindCount, ...]] = []
        self.seconds = 0.0

    def report(self, pages_read: int) -> SystemReport:
        scored = len(self.results)
        return SystemReport(
            system=self.name,
            pages_read=pages_read,
            pages_scored=scored,
            errors=tuple(self.errors),
            shingles=shingle_score([r.shingles for r in self.results]),
            words=summarize_words([r.words for r in self.results]),
            snippets=sum_snippets(self.snippets) if self.snippets else None,
            blocks=block_score(self.outcomes) if self.outcomes else None,
            removed=merge_removed(self.removed) if self.explain else None,
            seconds=self.seconds,
            pages_per_second=scored / self.seconds if self.seconds > 0 else 0.0,
            pages=tuple(self.results),
        )


def _describe_error(error: BaseException) -> str:
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def evaluate_pages(
    records: Iterable[Page | PageError],
    systems: Sequence[System],
    *,
    dataset: str,
    format: str,
    converter: Converter,
    progress: ProgressCallback | None = None,
) -> DatasetReport:
    """Run every system on every page and score it against the page's gold.

    Each page is read and converted once, then given to every system: text
    systems get ``page.text`` or, for an HTML page, the text ``converter``
    makes of it; HTML systems get ``page.html``. A record that is a
    :class:`PageError`, a page whose conversion fails, or a page on which a
    system raises is counted as an error of that system (with its id and
    reason) and the run goes on. Systems that can explain their decisions
    (boilerstrip) are run through their ``explain`` method, which returns the
    same text as ``extract`` and the decisions behind it in one pass, and the
    kinds of the blocks they removed are counted.

    ``dataset`` and ``format`` only label the report.
    """
    from boilerstrip.convert import html_to_text
    from boilerstrip.peers import ExplainingSystem

    tallies = [_Tally(s.name.value, explain=isinstance(s, ExplainingSystem)) for s in systems]
    pages_read = 0
    converted = 0
    convert_seconds = 0.0
    for record in records:
        pages_read += 1
        if isinstance(record, PageError):
            failure = PageFailure(record.id, "read", record.reason)
            for tally in tallies:
                tally.errors.append(failure)
        else:
            text: str | None = record.text
            text_failure: PageFailure | None = None
            if text is None and record.html is not None:
                started = time.perf_counter()
                try:
                    text = html_to_text(record.html, converter=converter)
                except Exception as error:
                    text_failure = PageFailure(record.id, "convert", _describe_error(error))
                convert_seconds += time.perf_counter() - started
                converted += 1
            elif text is None:
                text_failure = PageFailure(record.id, "convert", "page has neither text nor html")
            for system, tally in zip(systems, tallies, strict=True):
                if text_failure is not None and not system.name.uses_html:
                    tally.errors.append(text_failure)
                    continue
                _score_page(record, text or "", system, tally)
        if progress is not None:
            progress(pages_read)
    return DatasetReport(
        dataset=dataset,
        format=format,
        converter=converter.value,
        converted_pages=converted,
        convert_seconds=convert_seconds,
        systems=tuple(t.report(pages_read) for t in tallies),
    )


def _score_page(page: Page, text: str, system: System, tally: _Tally) -> None:
    from boilerstrip.peers import ExplainingSystem

    decisions: list[Decision] | None = None
    started = time.perf_counter()
    try:
        if tally.explain and isinstance(system, ExplainingSystem):
            predicted, decisions = system.explain(text=text)
        else:
            predicted = system.extract(text=text, html=page.html)
    except Exception as error:
        tally.errors.append(PageFailure(page.id, "extract", _describe_error(error)))
        return
    seconds = time.perf_counter() - started
    tally.seconds += seconds
    if decisions is not None:
        tally.removed.append(count_removed(decisions))
    gold = page.gold
    snippets: SnippetCheck | None = None
    if gold.with_snippets or gold.without_snippets:
        snippets = check_snippets(
            predicted, with_snippets=gold.with_snippets, without_snippets=gold.without_snippets
        )
        tally.snippets.append(snippets)
    block_accuracy: float | None = None
    if gold.blocks:
        index = BlockKeptIndex(predicted)
        outcomes = [
            BlockOutcome(b.label, b.label in CONTENT_GOLD_LABELS, index.kept(b.text))
            for b in gold.blocks
        ]
        tally.outcomes.extend(outcomes)
        block_accuracy = sum(o.kept == o.is_content for o in outcomes) / len(outcomes)
    tally.results.append(
        PageResult(
            id=page.id,
            shingles=shingle_counts(gold.text, predicted),
            words=word_score(gold.text, predicted),
            snippets=snippets,
            block_accuracy=block_accuracy,
            seconds=seconds,
        )
    )


# ---------------------------------------------------------------------------
# JSON


def _jsonable(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (tuple, list)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _jsonable(getattr(value, f.name)) for f in dataclass_fields(value)}
        if isinstance(value, ShingleCounts):
            fields["precision"] = value.precision
            fields["recall"] = value.recall
        elif isinstance(value, SnippetCheck):
            fields["with_share"] = value.with_share
            fields["without_share"] = value.without_share
        return fields
    return value


def report_to_dict(report: DatasetReport) -> dict[str, Any]:
    """The report as plain JSON-ready data: dicts, lists, strings, numbers and None.

    Field names follow the dataclasses; page shingle counts also carry their
    ``precision`` and ``recall``, and snippet checks their shares.
    """
    data: dict[str, Any] = _jsonable(report)
    return data
