"""The values that flow between the pipeline's stages.

``segment`` turns text into a :class:`Document` of :class:`Block` objects,
``classify`` gives every block a :class:`Decision`, and ``assemble`` joins the
kept blocks back into text. ``clean`` takes a shortcut when every unit of the
text is one block: it works on :class:`Spans`, the blocks' texts and offsets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class Label(str, Enum):
    """What a block is, at the coarsest level."""

    BODY = "body"
    TITLE = "title"
    NOISE = "noise"


class Kind(str, Enum):
    """What a block is in detail. ``BODY`` and ``TITLE`` mirror the labels; the rest are noise."""

    BODY = "body"
    TITLE = "title"
    DONATION = "donation"
    SUBSCRIPTION = "subscription"
    NEWSLETTER = "newsletter"
    COMMENTS = "comments"
    SHARE = "share"
    NAVIGATION = "navigation"
    RELATED = "related"
    ADVERT = "advert"
    COOKIE = "cookie"
    LEGAL = "legal"
    CAPTION_CREDIT = "caption-credit"
    BYLINE_DATE = "byline-date"
    OTHER = "other"

    @property
    def is_noise(self) -> bool:
        """True for every kind of noise, false for body and title."""
        return self not in (Kind.BODY, Kind.TITLE)


NOISE_KINDS: tuple[Kind, ...] = tuple(kind for kind in Kind if kind.is_noise)


@dataclass(frozen=True, slots=True)
class Block:
    """A span of the input text that is classified as one unit.

    ``start`` and ``end`` are character offsets into the input, so
    ``text == source[start:end]``. ``unit`` numbers the span of the input the
    block was cut from: a line, a hard-wrapped paragraph, or one side of a
    glued pair. Very long units are cut into several blocks (sentences) that
    share one ``unit``; when all of them are kept the unit is returned whole.
    """

    text: str
    start: int
    end: int
    unit: int


@dataclass(frozen=True, slots=True)
class Document:
    """The input cut into blocks, and the separator used between its units.

    ``separator`` is ``"\\n"`` for one-block-a-line text and ``"\\n\\n"`` for
    blank-line separated paragraphs, with the input's most common line break
    (``"\\r\\n"`` or ``"\\r\\n\\r\\n"`` for a Windows text); kept units are joined
    with it.
    """

    text: str
    blocks: tuple[Block, ...]
    separator: str


@dataclass(frozen=True, slots=True)
class Spans:
    """A :class:`Document` whose units are one block each, kept as columns.

    Most pages cut this way (one block a line, or a paragraph a block), and
    building a :class:`Block` object for every line costs more than
    classifying it, so :func:`~boilerstrip.clean` works on the texts and
    their offsets. Block ``i`` is unit ``i``: ``texts[i]`` starts at
    ``starts[i]`` in ``text``.
    """

    text: str
    texts: Sequence[str]
    starts: Sequence[int]
    separator: str


@dataclass(frozen=True, slots=True)
class Decision:
    """A block with what the model decided about it.

    ``probability`` is the model's probability for ``label``.
    """

    block: Block
    label: Label
    kind: Kind
    probability: float

    @property
    def text(self) -> str:
        """The block's text, as written in the input."""
        return self.block.text

    @property
    def start(self) -> int:
        """Offset of the block's first character in the input."""
        return self.block.start

    @property
    def end(self) -> int:
        """Offset just past the block's last character in the input."""
        return self.block.end
