"""The systems that ``boilerstrip eval`` can score: boilerstrip itself, baselines and peers.

Every system turns one page into text. Text systems read the page's text
(for an HTML set, the text a converter made from the HTML, exactly what
boilerstrip reads); HTML systems read the page's HTML and are only usable
where the set has it.

========================  ======  =============================================
name                      input   what it does
========================  ======  =============================================
``boilerstrip``           text    :func:`boilerstrip.clean` with the default model
``all-text``              text    returns the text unchanged (the floor for precision)
``c4``                    text    the line rules of the C4 corpus (see :class:`C4Lines`)
``justext``               text    jusText on the text, one ``<p>`` a line
``trafilatura``           HTML    :func:`trafilatura.extract`, comments excluded
``resiliparse``           HTML    Resiliparse main-content extraction, comments excluded
========================  ======  =============================================

The peers' packages are never runtime dependencies of boilerstrip: they are
imported when a peer is made, and a missing one raises
:class:`PeerUnavailableError`, which names the ``[bench]`` extra.

>>> system = make_system("c4")
>>> system.extract(text="Menu\\nThe council met on Monday to talk about the bridge.", html=None)
'The council met on Monday to talk about the bridge.'
"""

from __future__ import annotations

import html as html_escaping
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from boilerstrip.errors import BoilerstripError
from boilerstrip.types import Decision, Label

if TYPE_CHECKING:
    from boilerstrip.model import Model

BENCH_EXTRA = "bench"
"""The optional-dependency group that installs every peer."""


class PeerUnavailableError(BoilerstripError):
    """A peer system cannot run because its package is not installed."""


class MissingHtmlError(BoilerstripError):
    """An HTML system was asked to extract from a page that has no HTML."""


class SystemName(str, Enum):
    """The systems ``boilerstrip eval --system`` accepts."""

    BOILERSTRIP = "boilerstrip"
    ALL_TEXT = "all-text"
    C4 = "c4"
    JUSTEXT = "justext"
    TRAFILATURA = "trafilatura"
    RESILIPARSE = "resiliparse"

    @property
    def uses_html(self) -> bool:
        """True for systems that read the page's HTML instead of its text."""
        return self in (SystemName.TRAFILATURA, SystemName.RESILIPARSE)

    @property
    def modules(self) -> tuple[str, ...]:
        """The modules the system imports; all must be installed for it to run."""
        return _MODULES[self]


_MODULES: dict[SystemName, tuple[str, ...]] = {
    SystemName.BOILERSTRIP: (),
    SystemName.ALL_TEXT: (),
    SystemName.C4: (),
    SystemName.JUSTEXT: ("justext",),
    SystemName.TRAFILATURA: ("trafilatura",),
    SystemName.RESILIPARSE: ("resiliparse",),
}


@runtime_checkable
class System(Protocol):
    """Something that extracts a page's main content as text."""

    @property
    def name(self) -> SystemName:
        """Which system this is."""
        ...

    def extract(self, *, text: str, html: str | None) -> str:
        """Return the main content of one page, given its text and its HTML (if any)."""
        ...


@runtime_checkable
class ExplainingSystem(System, Protocol):
    """A system that can also say what it decided about each block of the text."""

    def explain(self, *, text: str) -> tuple[str, list[Decision]]:
        """Return the extracted text and a decision for every block of ``text``."""
        ...


# ---------------------------------------------------------------------------
# Text systems


@dataclass(frozen=True)
class Boilerstrip:
    """boilerstrip: ``clean(text, model=model)``, title not kept (the shipped model by default)."""

    model: Model | None = None

    @property
    def name(self) -> SystemName:
        """``boilerstrip``."""
        return SystemName.BOILERSTRIP

    def extract(self, *, text: str, html: str | None) -> str:
        """Return ``boilerstrip.clean(text)``; the HTML is not used."""
        from boilerstrip import core

        return core.clean(text, model=self.model)

    def explain(self, *, text: str) -> tuple[str, list[Decision]]:
        """Return what ``clean(text)`` returns and the decisions behind it, in one pass."""
        from boilerstrip.core import decide
        from boilerstrip.model import default_model
        from boilerstrip.segment import assemble, segment

        document = segment(text)
        decisions = decide(document, self.model or default_model())
        return assemble(document, [d.label is Label.BODY for d in decisions]), decisions


@dataclass(frozen=True)
class AllText:
    """The baseline that keeps everything: recall is as high as the text allows."""

    @property
    def name(self) -> SystemName:
        """``all-text``."""
        return SystemName.ALL_TEXT

    def extract(self, *, text: str, html: str | None) -> str:
        """Return ``text`` unchanged."""
        return text


C4_END_MARKS = (".", "?", "!", '"')
"""C4 keeps a line only if it ends with one of these (period, question, exclamation, quote)."""

C4_MIN_WORDS = 5
"""C4 keeps only lines of at least five whitespace-separated words."""

C4_MAX_WORD_LENGTH = 1000
"""C4 drops lines holding a 'word' this long or longer (minified code, data)."""

C4_POLICY_PHRASES = (
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
)
"""C4 drops lines that mention any of these, lower-cased (legal and cookie notices)."""

C4_JAVASCRIPT = "javascript"
"""C4 drops lines that mention JavaScript, lower-cased ("please enable JavaScript")."""


@dataclass(frozen=True)
class C4Lines:
    """The line-level rules that built the C4 corpus (Raffel et al., 2020, section 2.2).

    A line (stripped of surrounding whitespace) is kept when it

    - ends with a terminal mark: ``.``, ``?``, ``!`` or ``"``;
    - has at least 5 words (whitespace-separated);
    - has no word of 1,000 characters or more;
    - does not contain "javascript" (any case);
    - does not contain "terms of use", "privacy policy", "cookie policy",
      "uses cookies", "use of cookies" or "use cookies" (any case).

    C4's page-level rules are not applied: they choose which pages enter a
    corpus (drop pages with fewer than 3 sentences, with "lorem ipsum", with a
    ``{``, or with a word from a list of bad words; drop repeated
    three-sentence spans across the corpus), they do not extract content from
    a page. The Wikipedia citation-marker clean-up is left out too.

    >>> C4Lines().extract(text="Share this\\nIt rained all day in the city.\\n"
    ...     "Please enable JavaScript to see the comments.", html=None)
    'It rained all day in the city.'
    """

    @property
    def name(self) -> SystemName:
        """``c4``."""
        return SystemName.C4

    def extract(self, *, text: str, html: str | None) -> str:
        """Return the lines of ``text`` that pass every line rule, joined by newlines."""
        return "\n".join(line.strip() for line in text.splitlines() if _c4_keeps(line.strip()))


def _c4_keeps(line: str) -> bool:
    if not line.endswith(C4_END_MARKS):
        return False
    words = line.split()
    if len(words) < C4_MIN_WORDS:
        return False
    if any(len(word) >= C4_MAX_WORD_LENGTH for word in words):
        return False
    lowered = line.lower()
    if C4_JAVASCRIPT in lowered:
        return False
    return not any(phrase in lowered for phrase in C4_POLICY_PHRASES)


DEFAULT_STOPLIST = "English"
"""The stoplist for a text in which no list finds a stopword."""


@dataclass(frozen=True)
class _Stoplists:
    """jusText's stoplists, by name in alphabetical order, and each word's lists (by position)."""

    names: tuple[str, ...]
    words: tuple[frozenset[str], ...]
    lists_of_word: dict[str, tuple[int, ...]]


@cache
def _justext_stoplists() -> _Stoplists:
    """Load every jusText stoplist once (jusText reads its files again on each request)."""
    justext = _import("justext", SystemName.JUSTEXT)
    names: tuple[str, ...] = tuple(sorted(justext.get_stoplists()))
    words = tuple(frozenset(justext.get_stoplist(name)) for name in names)
    lists_of_word: dict[str, list[int]] = {}
    for position, stopwords in enumerate(words):
        for word in stopwords:
            lists_of_word.setdefault(word, []).append(position)
    return _Stoplists(names, words, {word: tuple(found) for word, found in lists_of_word.items()})


def pick_stoplist(text: str) -> str:
    """Name the jusText stoplist whose words occur most often in ``text``.

    Words are whitespace-separated and lower-cased, as jusText counts them;
    ties go to the first name in alphabetical order, and a text with no
    stopword of any list gets ``English``. Lists are not weighed by their
    size, so a long list wins a close call; on real pages the page's own
    language leads by a wide margin.

    >>> pick_stoplist("Der Hund und die Katze sind nicht im Haus.")
    'German'
    """
    return _justext_stoplists().names[_pick_stoplist_position(text)]


def _pick_stoplist_position(text: str) -> int:
    stoplists = _justext_stoplists()
    hits = [0] * len(stoplists.names)
    for word in text.lower().split():
        for position in stoplists.lists_of_word.get(word, ()):
            hits[position] += 1
    best = max(range(len(hits)), key=lambda i: (hits[i], -i), default=None)
    if best is None or hits[best] == 0:
        return stoplists.names.index(DEFAULT_STOPLIST)
    return best


@dataclass(frozen=True)
class JusText:
    """jusText (default parameters) on the page's text, not its HTML.

    jusText reads HTML, so each non-blank line becomes one escaped ``<p>``;
    the paragraphs it does not call boilerplate are returned, one a line.
    The stoplist is picked per page by :func:`pick_stoplist` (the list with
    the most stopword occurrences in the page), since the sets mix languages
    and do not all say which.
    """

    @property
    def name(self) -> SystemName:
        """``justext``."""
        return SystemName.JUSTEXT

    def extract(self, *, text: str, html: str | None) -> str:
        """Return the paragraphs jusText keeps."""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines:
            return ""
        justext = _import("justext", SystemName.JUSTEXT)
        body = "".join(f"<p>{html_escaping.escape(line)}</p>" for line in lines)
        stoplist = _justext_stoplists().words[_pick_stoplist_position(text)]
        paragraphs = justext.justext(f"<html><body>{body}</body></html>", stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


# ---------------------------------------------------------------------------
# HTML systems


def _require_html(html: str | None, name: SystemName) -> str:
    if html is None:
        raise MissingHtmlError(f"{name.value} reads HTML, and this page has none")
    return html


@dataclass(frozen=True)
class Trafilatura:
    """``trafilatura.extract(html, include_comments=False)``, other options at their defaults."""

    @property
    def name(self) -> SystemName:
        """``trafilatura``."""
        return SystemName.TRAFILATURA

    def extract(self, *, text: str, html: str | None) -> str:
        """Return trafilatura's main text, or "" when it finds none."""
        trafilatura = _import("trafilatura", SystemName.TRAFILATURA)
        result: str | None = trafilatura.extract(
            _require_html(html, self.name), include_comments=False
        )
        return result or ""


@dataclass(frozen=True)
class Resiliparse:
    """Resiliparse ``extract_plain_text(html, main_content=True, comments=False)``."""

    @property
    def name(self) -> SystemName:
        """``resiliparse``."""
        return SystemName.RESILIPARSE

    def extract(self, *, text: str, html: str | None) -> str:
        """Return Resiliparse's main-content text."""
        html2text = _import("resiliparse.extract.html2text", SystemName.RESILIPARSE)
        result: str = html2text.extract_plain_text(
            _require_html(html, self.name), main_content=True, comments=False
        )
        return result


# ---------------------------------------------------------------------------
# Making systems


def _import(module: str, name: SystemName) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise PeerUnavailableError(
            f"system {name.value!r} needs the Python package {module.split('.')[0]!r}, "
            f"which is not installed; install it with: pip install 'boilerstrip[{BENCH_EXTRA}]'"
        ) from error


_FACTORIES: dict[SystemName, Callable[[], System]] = {
    SystemName.BOILERSTRIP: Boilerstrip,
    SystemName.ALL_TEXT: AllText,
    SystemName.C4: C4Lines,
    SystemName.JUSTEXT: JusText,
    SystemName.TRAFILATURA: Trafilatura,
    SystemName.RESILIPARSE: Resiliparse,
}


def parse_system(name: str | SystemName) -> SystemName:
    """Turn a name into a :class:`SystemName`, or raise ``ValueError`` listing the choices.

    >>> parse_system("all-text")
    <SystemName.ALL_TEXT: 'all-text'>
    """
    try:
        return SystemName(name)
    except ValueError:
        choices = ", ".join(s.value for s in SystemName)
        raise ValueError(f"unknown system {name!r}; choose from {choices}") from None


def make_system(name: str | SystemName, *, model: Model | None = None) -> System:
    """Make a system by name, importing its package now so a missing one fails early.

    ``model`` is the model the ``boilerstrip`` system uses (default: the
    shipped one); other systems ignore it.

    Raises :class:`PeerUnavailableError` when a peer's package is missing and
    ``ValueError`` for an unknown name.
    """
    system_name = parse_system(name)
    for module in system_name.modules:
        _import(module, system_name)
    if system_name is SystemName.BOILERSTRIP and model is not None:
        return Boilerstrip(model=model)
    _WARM_UPS.get(system_name, _nothing)()
    return _FACTORIES[system_name]()


def _nothing() -> None:
    return None


def _load_default_model() -> None:
    from boilerstrip.model import default_model

    default_model()


def _load_stoplists() -> None:
    _justext_stoplists()


# One-time loads done when a system is made, so that the first page's timing
# measures extraction and not loading.
_WARM_UPS: dict[SystemName, Callable[[], None]] = {
    SystemName.BOILERSTRIP: _load_default_model,
    SystemName.JUSTEXT: _load_stoplists,
}


def is_available(name: str | SystemName) -> bool:
    """True when every package the system needs can be imported.

    >>> is_available("all-text")
    True
    """
    try:
        make_system(name)
    except PeerUnavailableError:
        return False
    return True


def available_systems() -> tuple[SystemName, ...]:
    """Every system that can run here, in :class:`SystemName` order."""
    return tuple(s for s in SystemName if is_available(s))
