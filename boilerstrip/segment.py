"""Text to blocks, and kept blocks back to text.

:func:`segment` cuts the plain text of a page into :class:`~boilerstrip.types.Block`
objects in three steps:

1. **Units.** Normally every non-blank line is a unit. When the text is made
   of blank-line separated paragraphs whose lines are hard-wrapped (as in
   e-mail or text files), each paragraph is one unit instead, inner line
   breaks included.
2. **Glued units.** Scrapers sometimes glue two blocks together with no space
   (``...all the difference.Nato is ready...``); such a unit is split in two
   where a lowercase letter, sentence punctuation and a capital meet.
3. **Long units.** A unit longer than :data:`LONG_UNIT_CHARS` is cut into
   several blocks at sentence boundaries; they share one ``unit`` number.

:func:`assemble` is the inverse: it joins the kept blocks, returning whole units
exactly as written and joining units with the separator the input used.

Line boundaries are those of :meth:`str.splitlines` (``\\n``, ``\\r\\n``,
``\\r``, ``\\u2028``, ``\\u2029`` and a few control characters), and every
offset points into the original string.

Example:
    >>> doc = segment("Home | News\\r\\nYour support matters.Nato is ready to act.")
    >>> [(b.text, b.unit) for b in doc.blocks]
    [('Home | News', 0), ('Your support matters.', 1), ('Nato is ready to act.', 2)]
    >>> assemble(doc, [False, False, True])
    'Nato is ready to act.'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import compress

from boilerstrip.types import Block, Document, Spans

__all__ = [
    "LONG_UNIT_CHARS",
    "assemble",
    "segment",
]

LONG_UNIT_CHARS = 1500
"""About three news paragraphs: longer units are whole articles or comment
threads flattened onto one line, and cutting them lets each part be judged."""

HARD_WRAP_MIN_LINE_SHARE = 0.5
"""Paragraph mode needs more than half of the non-blank lines to sit in
multi-line paragraphs: otherwise the page is mostly one block a line."""

HARD_WRAP_MIN_OPEN_SHARE = 0.5
"""...and more than half of their non-final lines to look cut mid-sentence:
lists and menus end their lines at a natural stop, wrapped prose does not."""

WRAPPED_LINE_MIN_CHARS = 30
"""A hard-wrapped line fills most of its width (60-80 columns, 30+ wide CJK
characters); shorter unpunctuated lines are menu items and button labels."""

BLANK_SEPARATOR_MIN_SHARE = 0.5
"""Line mode joins units with a blank line when more than half of the gaps
between lines hold one, so that the output keeps the input's layout."""

GLUE_MIN_LEFT_LETTERS = 3
"""A sentence glued to the next one ends in a word; one or two letters before
the dot are abbreviations (Mr., vs., St.) or initials."""

GLUE_MIN_CAPITALISED_LEFT_LETTERS = 5
"""Capitalised words of up to four letters before a dot are mostly title
abbreviations (Mrs., Prof., Gen., Capt.), not the end of a sentence."""

GLUE_CONTEXT_CHARS = 64
"""How far around a glue candidate the token is inspected: enough to see a
URL or path around it, and bounded so that a huge token costs linear time."""

GLUE_SUFFIXES = frozenset(
    (
        *("js", "jsx", "ts", "tsx", "py", "rb", "rs", "md", "txt", "csv", "pdf", "json", "xml"),
        *("html", "htm", "php", "exe", "zip", "png", "jpg", "jpeg", "gif", "svg"),
        *("com", "org", "net", "io", "ai", "gov", "edu", "info", "de", "fr", "ru", "uk", "tv"),
    )
)
"""Capitalised words after a dot that name a file type, a framework or a
domain (node.Js, readme.Md, Amazon.Com), not the start of a new sentence."""

# Block is a frozen dataclass with slots: its __init__ sets each field through
# object.__setattr__. Setting the slots through their descriptors builds the
# same object in half the time, and segment() builds one object per line.
_SET_SLOTS: tuple[Callable[[Block, object], None], ...] = tuple(
    vars(Block)[name].__set__ for name in ("text", "start", "end", "unit")
)


def _new_block(text: str, start: int, end: int, unit: int) -> Block:
    """``Block(text, start, end, unit)``, built faster."""
    block: Block = object.__new__(Block)
    set_text, set_start, set_end, set_unit = _SET_SLOTS
    set_text(block, text)
    set_start(block, start)
    set_end(block, end)
    set_unit(block, unit)
    return block


# Closing quotes and brackets, written as escapes because several look like
# ASCII: straight quotes, curly closing quotes, guillemets, CJK corner
# brackets, and round, square and full-width round brackets.
_CLOSERS = "\"'\u201d\u2019\u00bb\u203a\u300d\u300f)]\uff09"
# Opening quotes: curly, guillemets, German low quote, CJK corner brackets.
_OPENERS = "\u201c\u2018\u00ab\u2039\u201e\u300c\u300e"
_CLOSER_CLASS = re.escape(_CLOSERS)
_OPENER_CLASS = re.escape(_OPENERS)

# Glue candidates: sentence punctuation, closing then opening quotes, and a
# letter that is not ASCII lowercase; case is checked with str methods after.
# One pattern per mark, so that each starts with a literal the regex engine
# can scan for quickly. Quantifiers are bounded: a run of marks cannot
# backtrack far.
_GLUE_TAIL = r"[" + _CLOSER_CLASS + r"]{0,3}(?P<split>)[" + _OPENER_CLASS + r"]{0,3}(?=[^\W\d_a-z])"
_GLUES = tuple(re.compile(head + _GLUE_TAIL) for head in (r"\.", r"![!?]{0,2}", r"\?[!?]{0,2}"))

# The part of a window up to its last whitespace character.
_UP_TO_LAST_SPACE = re.compile(r"(?s).*\s")

# The non-space token starting at a position.
_TOKEN = re.compile(r"\S*")

# A word of letters.
_LETTERS = re.compile(r"[^\W\d_]+")

# Signs of a URL, path, e-mail or dotted name on either side of a candidate.
_URLISH_LEFT = re.compile(r"[.:/\\@]")
_URLISH_RIGHT = re.compile(r"[/\\@]|[.:]\w")

# Sentence ends in other scripts: the ellipsis; the Greek, Armenian and Arabic
# question marks; the Urdu full stop; the Devanagari dandas; the Ethiopic,
# Myanmar and Khmer full stops.
_TERMINALS = ".!?\u2026\u037e\u0589\u061f\u06d4\u0964\u0965\u1362\u104b\u17d4"
# Full-width stops, which need no space after them: the CJK full stop, the
# full-width exclamation and question marks, and the half-width full stop.
_WIDE_TERMINALS = "\u3002\uff01\uff1f\uff61"

# End of a sentence inside a long unit: a terminal run, closing quotes, and
# whitespace after; or a CJK full-width terminal, which needs no space. The
# lookbehind makes a run of terminals start a match only once.
_SENTENCE_END = re.compile(
    r"(?<![" + _TERMINALS + r"])[" + _TERMINALS + r"]+[" + _CLOSER_CLASS + r"]{0,3}(?=\s)"
    r"|[" + _WIDE_TERMINALS + r"]+[" + _CLOSER_CLASS + r"]{0,3}"
)

# The longest prefix of a window that ends in a non-space followed by a space.
_BEFORE_LAST_SPACE = re.compile(r"(?s).*\S(?=\s)")

_NON_SPACE = re.compile(r"\S")

# Marks that end a line at a natural stop rather than mid-sentence.
_LINE_STOPS = frozenset(_TERMINALS + _WIDE_TERMINALS + ";:")
_CLOSER_SET = frozenset(_CLOSERS)


def segment(text: str) -> Document:
    """Cut ``text`` into blocks.

    Every block is a stripped, non-empty span with
    ``block.text == text[block.start:block.end]``; blocks are in order and do
    not overlap, and ``block.unit`` numbers the units from 0.

    Raises:
        TypeError: if ``text`` is not a ``str``.

    Examples:
        One block a line:

        >>> doc = segment("Breaking news\\n\\nShare this\\n\\nThe vote was close.")
        >>> [b.text for b in doc.blocks], doc.separator
        (['Breaking news', 'Share this', 'The vote was close.'], '\\n\\n')

        Hard-wrapped paragraphs are kept whole:

        >>> doc = segment("The council met on Monday and agreed, after a\\n"
        ...               "long debate, to repair the bridge.\\n\\nIt will reopen in May.")
        >>> for block in doc.blocks:
        ...     print(block.unit, repr(block.text))
        0 'The council met on Monday and agreed, after a\\nlong debate, to repair the bridge.'
        1 'It will reopen in May.'
    """
    if not isinstance(text, str):
        raise TypeError(f"segment() expects text as str, got {type(text).__name__}")
    blocks = cut(text)
    return as_document(blocks) if isinstance(blocks, Spans) else blocks


def as_document(spans: Spans) -> Document:
    """The :class:`Document` of ``spans``: block ``i`` is unit ``i``.

    >>> as_document(cut("Menu\\nThe vote was close.")).blocks[1]
    Block(text='The vote was close.', start=5, end=24, unit=1)
    """
    blocks = [
        _new_block(t, s, s + len(t), unit)
        for unit, (t, s) in enumerate(zip(spans.texts, spans.starts, strict=True))
    ]
    return Document(text=spans.text, blocks=tuple(blocks), separator=spans.separator)


def _line_break(text: str) -> str:
    """The most common line break of ``text``: ``"\\r\\n"``, ``"\\r"`` or ``"\\n"``
    (ties and text without one: ``"\\n"``). Kept units are joined with it, as
    their inner line breaks are.

    >>> _line_break("a\\r\\nb\\r\\nc"), _line_break("a\\rb\\rc\\r\\nd"), _line_break("a\\nb\\r\\nc")
    ('\\r\\n', '\\r', '\\n')
    """
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    if cr > lf and cr > crlf:
        return "\r"
    return "\n"


def cut(text: str) -> Document | Spans:
    """The blocks of ``text``, as :func:`segment` cuts them: as :class:`Spans`
    when every unit is one block (no :class:`Block` objects are built), else
    as the :class:`Document`. The caller checks that ``text`` is a ``str``.

    >>> cut("Menu\\nThe vote was close.").texts
    ['Menu', 'The vote was close.']
    """
    lines, line_texts, blank_before = _lines(text)
    if _is_hard_wrapped(text, lines, blank_before):
        units = _paragraphs(lines, blank_before)
        separator = "\n\n"
    else:
        units = lines
        gaps = len(lines) - 1
        blank = sum(blank_before)
        separator = "\n\n" if gaps > 0 and blank > gaps * BLANK_SEPARATOR_MIN_SHARE else "\n"
    line_break = _line_break(text)
    if line_break != "\n":
        separator = separator.replace("\n", line_break)
    splits = _glue_splits(text)
    if splits:
        units = _split_units(units, splits)
    if units is lines and max(map(len, line_texts), default=0) <= LONG_UNIT_CHARS:
        # The common case: one block a line, texts already cut.
        return Spans(text=text, texts=line_texts, starts=[s for s, _ in lines], separator=separator)
    if all(end - start <= LONG_UNIT_CHARS for start, end in units):
        return Spans(
            text=text,
            texts=[text[start:end] for start, end in units],
            starts=[start for start, _ in units],
            separator=separator,
        )
    blocks: list[Block] = []
    for unit, (start, end) in enumerate(units):
        if end - start > LONG_UNIT_CHARS:
            blocks.extend(_new_block(text[s:e], s, e, unit) for s, e in _cut_long(text, start, end))
        else:
            blocks.append(_new_block(text[start:end], start, end, unit))
    return Document(text=text, blocks=tuple(blocks), separator=separator)


def assemble(document: Document, keep: Sequence[bool]) -> str:
    """Join the kept blocks of ``document`` into text.

    ``keep[i]`` says whether ``document.blocks[i]`` is kept. A unit whose
    blocks are all kept comes out exactly as written (inner line breaks
    included); a unit with only some blocks kept gives those blocks joined by
    a space. Units are joined with ``document.separator``.

    Raises:
        ValueError: if ``keep`` and the blocks differ in length.

    Examples:
        >>> doc = segment("Menu\\nThe vote was close.\\nShare")
        >>> assemble(doc, [False, True, False])
        'The vote was close.'
        >>> assemble(doc, [True, True, True]) == doc.text
        True
    """
    blocks = document.blocks
    count = len(blocks)
    if len(keep) != count:
        raise ValueError(f"assemble() got {len(keep)} keep flags for a document of {count} blocks")
    if count and blocks[-1].unit == count - 1:
        # Units are numbered from 0 in order, so every unit is one block.
        return document.separator.join(compress([b.text for b in blocks], keep))
    text = document.text
    parts: list[str] = []
    i = 0
    while i < count:
        unit = blocks[i].unit
        j = i + 1
        while j < count and blocks[j].unit == unit:
            j += 1
        if j == i + 1:
            if keep[i]:
                parts.append(blocks[i].text)
        else:
            kept = [bool(keep[k]) for k in range(i, j)]
            if all(kept):
                parts.append(text[blocks[i].start : blocks[j - 1].end])
            elif any(kept):
                parts.append(" ".join(b.text for b, k in zip(blocks[i:j], kept, strict=True) if k))
        i = j
    return document.separator.join(parts)


def _lines(text: str) -> tuple[list[tuple[int, int]], list[str], list[bool]]:
    """The stripped non-blank lines: their spans, their texts, and for each
    whether a blank line separates it from the previous one.

    Line boundaries are those of :meth:`str.splitlines`, which is much faster
    than any regex over the text.
    """
    spans: list[tuple[int, int]] = []
    texts: list[str] = []
    blank_before: list[bool] = []
    pos = 0
    gap = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            # The leading whitespace cannot contain the first character of
            # ``stripped``, so find() returns the length of the indent.
            start = pos + line.find(stripped) if line[0].isspace() else pos
            spans.append((start, start + len(stripped)))
            texts.append(stripped)
            blank_before.append(gap)
            gap = False
        elif spans:
            gap = True
        pos += len(line)
    return spans, texts, blank_before


def _is_hard_wrapped(text: str, lines: list[tuple[int, int]], blank_before: list[bool]) -> bool:
    """Whether the text is blank-line separated paragraphs of hard-wrapped lines."""
    count = len(lines)
    if count < 2 or not any(blank_before) or all(blank_before[1:]):
        return False
    in_multi = 0
    non_final = 0
    open_lines = 0
    for first, last in _paragraph_ranges(blank_before):
        if last == first:
            continue
        in_multi += last - first + 1
        for k in range(first, last):
            non_final += 1
            if _looks_wrapped(text, *lines[k]):
                open_lines += 1
    return (
        in_multi > count * HARD_WRAP_MIN_LINE_SHARE
        and open_lines > non_final * HARD_WRAP_MIN_OPEN_SHARE
    )


def _looks_wrapped(text: str, start: int, end: int) -> bool:
    """Whether a line looks cut by wrapping: long enough, and not at a stop."""
    if end - start < WRAPPED_LINE_MIN_CHARS:
        return False
    i = end - 1
    while i > start and text[i] in _CLOSER_SET:
        i -= 1
    return text[i] not in _LINE_STOPS


def _paragraph_ranges(blank_before: list[bool]) -> list[tuple[int, int]]:
    """Index ranges (first, last) of the lines of each paragraph."""
    ranges = []
    first = 0
    for i in range(1, len(blank_before)):
        if blank_before[i]:
            ranges.append((first, i - 1))
            first = i
    if blank_before:
        ranges.append((first, len(blank_before) - 1))
    return ranges


def _paragraphs(lines: list[tuple[int, int]], blank_before: list[bool]) -> list[tuple[int, int]]:
    """The spans of blank-line separated paragraphs."""
    return [(lines[first][0], lines[last][1]) for first, last in _paragraph_ranges(blank_before)]


def _glue_splits(text: str) -> list[int]:
    """Offsets at which two glued sentences meet, in order."""
    splits = []
    for pattern in _GLUES:
        for match in pattern.finditer(text):
            punct = match.start()
            capital = match.end()
            if punct == 0 or not text[punct - 1].islower() or not text[capital].isupper():
                continue
            if _is_glue(text, punct, capital):
                splits.append(match.start("split"))
    splits.sort()
    return splits


def _is_glue(text: str, punct: int, capital: int) -> bool:
    """Whether the candidate at ``punct`` joins two sentences (not a name or URL)."""
    window = max(0, punct - GLUE_CONTEXT_CHARS)
    space = _UP_TO_LAST_SPACE.match(text, window, punct)
    left = text[space.end() if space else window : punct]
    if _URLISH_LEFT.search(left):
        return False
    letters = 0
    for char in reversed(left):
        if not char.isalpha():
            break
        letters += 1
    if letters < GLUE_MIN_LEFT_LETTERS:
        return False
    if letters < GLUE_MIN_CAPITALISED_LEFT_LETTERS and left[-letters].isupper():
        return False
    right_token = _TOKEN.match(text, capital, capital + GLUE_CONTEXT_CHARS)
    right = right_token.group() if right_token else ""
    word = _LETTERS.match(right)
    if word is None or word.group().lower() in GLUE_SUFFIXES:
        return False
    return _URLISH_RIGHT.search(right, word.end()) is None


def _split_units(units: list[tuple[int, int]], splits: list[int]) -> list[tuple[int, int]]:
    """Cut units at the glue offsets (each offset lies strictly inside a unit)."""
    result = []
    k = 0
    for start, end in units:
        while k < len(splits) and splits[k] <= start:
            k += 1
        while k < len(splits) and splits[k] < end:
            result.append((start, splits[k]))
            start = splits[k]
            k += 1
        result.append((start, end))
    return result


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a long unit into spans of at most LONG_UNIT_CHARS.

    Cuts go at the last sentence boundary that fits, else at the last space,
    else at the limit itself (a single huge token).
    """
    bounds = [m.end() for m in _SENTENCE_END.finditer(text, start, end)]
    spans = []
    pos = start
    while end - pos > LONG_UNIT_CHARS:
        limit = pos + LONG_UNIT_CHARS
        k = bisect_right(bounds, limit) - 1
        if k >= 0 and bounds[k] > pos:
            cut = bounds[k]
        else:
            before_space = _BEFORE_LAST_SPACE.match(text, pos, limit + 1)
            cut = before_space.end() if before_space else limit
        spans.append((pos, cut))
        following = _NON_SPACE.search(text, cut, end)
        # The unit ends in a non-space, so there is always a next block.
        assert following is not None
        pos = following.start()
    spans.append((pos, end))
    return spans
