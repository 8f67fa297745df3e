"""Turn web pages (HTML) into the kind of plain text that scrapers produce.

boilerstrip reads plain text, but the benchmarks it learns from and is measured
on ship HTML. This module decodes raw page bytes and converts HTML to text with
one of several converters, so that training text resembles what users feed in:
one block (paragraph, heading, list item, table row...) a line, no blank lines,
no trailing spaces.

The converters other than :attr:`Converter.LXML` wrap third-party packages
(the ``convert`` extra) that are imported only when first used.

>>> html_to_text("<h1>Title</h1><p>One <b>two</b></p><ul><li>a</li><li>b</li></ul>",
...              converter=Converter.LXML)
'Title\\nOne two\\na\\nb'
>>> decode_html(b'<meta charset="iso-8859-2"><p>\\xb1')
'<meta charset="iso-8859-2"><p>ą'
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from enum import Enum
from typing import Any

__all__ = [
    "DEFAULT_CONVERTER",
    "Converter",
    "ConverterMissingError",
    "decode_html",
    "html_to_text",
    "normalize_lines",
]


class Converter(str, Enum):
    """An HTML-to-text converter.

    ``RESILIPARSE``, ``INSCRIPTIS`` and ``HTML_TEXT`` wrap the packages of those
    names with their own defaults (except that resiliparse keeps the whole page,
    not its main content); ``LXML`` is boilerstrip's own plain block walker.
    """

    RESILIPARSE = "resiliparse"
    INSCRIPTIS = "inscriptis"
    HTML_TEXT = "html-text"
    LXML = "lxml"


# LXML is the default: it writes the visible text and nothing else (no list
# bullets, image alt texts or <title> line, which resiliparse, inscriptis and
# html-text add), like a browser's innerText or a plain tag-stripping scraper;
# it was also the fastest of the four on the WCXB pages.
DEFAULT_CONVERTER = Converter.LXML

# Bytes searched for a <meta charset>; the HTML standard's prescan reads 1024,
# but real pages put long <head> preambles (comments, scripts) before it.
CHARSET_PRESCAN_BYTES = 4096

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Matches both <meta charset="x"> and <meta http-equiv=... content="text/html; charset=x">,
# plus an XML declaration's encoding.
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:()+-]+)"""
    rb"""|<\?xml[^>]*?encoding\s*=\s*["']\s*([A-Za-z0-9_.:()+-]+)""",
    re.IGNORECASE,
)

# Labels browsers read differently from Python's codec of the same name (HTML
# standard, "Encodings"): Latin-1 and ASCII pages are decoded as windows-1252, and
# a UTF-16 label found by a byte-level prescan can only mean UTF-8.
_CHARSET_ALIASES: dict[str, str] = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "windows-1252": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
    "utf-32": "utf-8",
    "unicode": "utf-8",
    "utf8": "utf-8",
}

# Labels that must never be trusted: UTF-7 can smuggle markup, the rest are
# not text encodings at all.
_REFUSED_CHARSETS = frozenset({"utf-7", "utf7", "x-user-defined", "replacement"})


class ConverterMissingError(ImportError):
    """The package behind a converter is not installed."""


def decode_html(data: bytes) -> str:
    """Decode a page's raw bytes, whatever its encoding; never raises.

    Order: a byte-order mark; a ``<meta charset>``, ``http-equiv`` content type or
    XML declaration in the first :data:`CHARSET_PRESCAN_BYTES` bytes; strict UTF-8;
    and finally windows-1252 with undecodable bytes replaced by U+FFFD.

    >>> decode_html("café".encode("utf-8"))
    'café'
    >>> decode_html("café".encode("cp1252"))
    'café'
    >>> decode_html(codecs.BOM_UTF16_LE + "hé".encode("utf-16-le"))
    'hé'
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"decode_html expects bytes, got {type(data).__name__}")
    raw = bytes(data)
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                return raw[len(bom) :].decode(encoding, errors="replace")
    declared = _declared_charset(raw[:CHARSET_PRESCAN_BYTES])
    candidates = ("utf-8",) if declared is None else (declared, "utf-8")
    for encoding in candidates:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1252", errors="replace")


def _declared_charset(head: bytes) -> str | None:
    """The Python codec named by the first usable charset declaration, if any."""
    for match in _META_CHARSET.finditer(head):
        label = (match.group(1) or match.group(2) or b"").decode("ascii", "replace").lower()
        label = label.strip(" .:")
        if not label or label in _REFUSED_CHARSETS:
            continue
        label = _CHARSET_ALIASES.get(label, label)
        try:
            info = codecs.lookup(label)
        except LookupError:
            continue
        if getattr(info, "_is_text_encoding", True):
            return info.name
    return None


def html_to_text(html: str, *, converter: Converter = DEFAULT_CONVERTER) -> str:
    """Convert an HTML page (or fragment) to plain text, one block a line.

    Every converter's output is passed through :func:`normalize_lines`, so
    the result has no blank lines, no leading or trailing spaces on a line and
    single spaces inside lines.

    >>> html_to_text("<div>Hello<br>world</div><p>  Second\\n block </p>", converter="lxml")
    'Hello\\nworld\\nSecond block'
    """
    if not isinstance(html, str):
        raise TypeError(f"html_to_text expects str, got {type(html).__name__}")
    chosen = Converter(converter)
    cleaned = _sanitize(html)
    if not cleaned.strip():
        return ""
    return normalize_lines(_CONVERTERS[chosen](cleaned))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _sanitize(html: str) -> str:
    """Drop NUL characters and replace lone surrogates, which the parsers reject."""
    html = html.replace("\x00", "")
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:
        html = _LONE_SURROGATE.sub("\ufffd", html)
    return html


def normalize_lines(text: str) -> str:
    """Collapse whitespace inside each line and drop empty lines.

    >>> normalize_lines("  a \\t b \\n\\n\\n c\\u00a0\\n")
    'a b\\nc'
    """
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _require(module: str, converter: Converter) -> Any:
    """Import ``module`` or explain which extra provides it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ConverterMissingError(
            f"the {converter.value!r} converter needs the package providing {module!r}; "
            "install it with: pip install 'boilerstrip[convert]'"
        ) from error


def _resiliparse(html: str) -> str:
    parse = _require("resiliparse.parse.html", Converter.RESILIPARSE)
    html2text = _require("resiliparse.extract.html2text", Converter.RESILIPARSE)
    tree = parse.HTMLTree.parse(html)
    return str(html2text.extract_plain_text(tree, preserve_formatting=True, main_content=False))


def _inscriptis(html: str) -> str:
    inscriptis = _require("inscriptis", Converter.INSCRIPTIS)
    return str(inscriptis.get_text(html))


_NOT_IN_XML = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters lxml refuses in an element's text (XML 1.0 has no place for them)."""


def _html_text(html: str) -> str:
    html_text = _require("html_text", Converter.HTML_TEXT)
    # html-text's cleaner sets element text through lxml, which raises on these
    # (the other converters pass them through).
    return str(html_text.extract_text(_NOT_IN_XML.sub("", html)))


# Elements whose content is never shown as page text.
SKIPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "head", "title", "iframe", "canvas"}
)

# Elements that start and end a line of text.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr",
        "html", "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre",
        "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip

# Table cells stay on their row's line, separated by a space.
CELL_TAGS = frozenset({"td", "th"})

_WHITESPACE_RUN = re.compile(r"\s+")


def _lxml(html: str) -> str:
    lxml_html = _require("lxml.html", Converter.LXML)
    etree = _require("lxml.etree", Converter.LXML)
    parser = lxml_html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True
    )
    try:
        root = lxml_html.fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    if root is None:
        return ""
    return "\n".join(_LineWriter().walk(root))


class _LineWriter:
    """Walks an lxml tree and writes its visible text, one block a line."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._current: list[str] = []

    def walk(self, root: Any) -> list[str]:
        # Explicit stack instead of recursion: real pages nest deeper than
        # Python's recursion limit. Entries are (element, entering, in_pre).
        stack: list[tuple[Any, bool, bool]] = [(root, True, False)]
        while stack:
            element, entering, in_pre = stack.pop()
            tag = element.tag if isinstance(element.tag, str) else ""
            tag = tag.lower()
            if not entering:
                if tag in BLOCK_TAGS:
                    self._break()
                self._add(element.tail, in_pre=in_pre)
                continue
            if not tag or tag in SKIPPED_TAGS:
                self._add(element.tail, in_pre=in_pre)
                continue
            if tag == "br":
                self._break()
                self._add(element.tail, in_pre=in_pre)
                continue
            if tag in BLOCK_TAGS:
                self._break()
            elif tag in CELL_TAGS:
                self._current.append(" ")
            child_pre = in_pre or tag == "pre"
            # The closing marker carries the parent's pre state for the tail.
            stack.append((element, False, in_pre))
            self._add(element.text, in_pre=child_pre)
            stack.extend((child, True, child_pre) for child in reversed(list(element)))
        self._break()
        return self._lines

    def _add(self, text: str | None, *, in_pre: bool) -> None:
        if not text:
            return
        if not in_pre:
            self._current.append(_WHITESPACE_RUN.sub(" ", text))
            return
        first, *rest = text.split("\n")
        self._current.append(first)
        for line in rest:
            self._break()
            self._current.append(line)

    def _break(self) -> None:
        line = " ".join("".join(self._current).split())
        if line:
            self._lines.append(line)
        self._current = []


_CONVERTERS: dict[Converter, Callable[[str], str]] = {
    Converter.RESILIPARSE: _resiliparse,
    Converter.INSCRIPTIS: _inscriptis,
    Converter.HTML_TEXT: _html_text,
    Converter.LXML: _lxml,
}
