"""Blocks to features, computed for a whole document at once.

Every feature is computed with numpy over the code points of the document,
never with a Python loop over characters, so one page costs a few numpy calls
whatever its number of blocks.

Tokens are runs of word characters, except in Chinese and Japanese, where
every ideograph or kana is a token (see :data:`IDEOGRAPH_RANGES`).

Two kinds of features come out:

* dense features (:data:`DENSE_NAMES`): the block's shape (length, letters,
  capitals, digits, punctuation), its function-word and second-person cues, its
  position in the page, and the same cues of its neighbours;
* hashed sparse features: lower-cased word unigrams and bigrams (apart in
  prose blocks, see :data:`PROSE_TOKENS`), character
  trigrams, the first and last word, and binned crossings of the dense cues,
  each hashed into :data:`HASH_BITS` bits with a namespace of its own. They are
  returned as ``(block index, bucket, value)`` triples so that prediction needs
  no sparse-matrix library.

Example:
    >>> from boilerstrip.segment import segment
    >>> doc = segment("Home | News | Sport\\nThe minister said on Monday that taxes will rise.")
    >>> feats = extract(doc)
    >>> feats.dense.shape == (2, len(DENSE_NAMES))
    True
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from boilerstrip.arrays import Pages
from boilerstrip.types import Document, Spans

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint64]

HASH_BITS = 18
"""2**18 buckets: few collisions for the vocabulary of a few thousand pages, and
a weight matrix that stays well under the 10 MB model budget as float32."""

N_BUCKETS = 1 << HASH_BITS

BMP = 0x10000
"""Character classes and case folding are tabulated for the Basic Multilingual
Plane; code points above it are classed by a rule (see ``_classes``)."""

# Character class bits.
LETTER = 1
UPPER = 2
LOWER = 4
DIGIT = 8
PUNCT = 16
SPACE = 32
SYMBOL = 64
WORD = 128
TERMINAL = 256
NAV = 512
CLOSER = 1024
IDEOGRAPH = 2048

IDEOGRAPH_RANGES = (
    (0x3040, 0x30FF),  # Hiragana and Katakana
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF66, 0xFF9D),  # half-width Katakana
)
"""Characters of scripts written without spaces between words (Chinese and
Japanese): each is a token of its own, so that a sentence in them counts its
words about as a spaced language does, rather than as one long token.
Ideographs beyond the BMP (extensions B and later) count too."""

TERMINALS = ".!?。！？…؟।॥።;۔"
"""Characters that end a sentence in the scripts we see most; ';' closes Greek questions."""

NAV_SEPARATORS = "|»›>·•/–—←→"
"""Characters that separate items in menus, breadcrumbs and link lists."""

CLOSERS = "\"'”’»)]」』"
"""Closing quotes and brackets that may follow a sentence's final punctuation."""

LEXICON_BITS = 20
"""Word lists (stopwords, second person) are looked up in a table of 2**20 slots:
one table read per token; a false hit needs a hash collision. With the shipped
model's 869 stopwords about one other word in 1,200 falls in a stopword's slot;
with 2**16 slots it was one in 75, enough to drop words such as 'independent'
from a page's content words and to miscount function words. Trained with 2**20
slots the model's grouped cross-validated page F1 (``python -m
boilerstrip.train``) is 0.8252 / 0.8218 / 0.8077 on inscriptis / lxml /
resiliparse text, against 0.8238 / 0.8194 / 0.8069 with 2**16. The same slots
number the content words."""

URL_OR_EMAIL = ("http", "www.", "@", ".com", ".org", ".net")
"""Lower-case substrings of links and e-mail addresses (Latin-1, found with bytes.find)."""
COPYRIGHT = ("©", "(c)", "copyright", "&copy")
"""Lower-case substrings of copyright notices (Latin-1)."""

SECOND_PERSON_AND_CALLS = frozenset(
    """
    you your yours yourself du dich dir dein deine ihr euch euer sie ihnen ihr ihre vous
    votre vos toi ton ta tes tu usted ustedes tu tus vosotros você vocês seu sua voi vostro
    vostra tuo tua jij je jouw uw вы вас ваш ваша ваши ты тебя твой ty twój wasz państwo siz
    sizin sen senin subscribe subscription sign login log register donate donation support
    share follow click tap download join newsletter cookies cookie accept comment comments
    reply abonnieren anmelden registrieren teilen folgen spenden kommentar kommentare
    abonner abonnez connectez inscrivez partager suivez commentaires suscríbete suscribirse
    regístrate compartir síguenos comentarios iscriviti abbonati condividi seguici commenti
    assine inscreva compartilhe siga comentários подписаться подпишитесь войти поделиться
    комментарии subskrybuj zaloguj udostępnij komentarze abone paylaş yorum yorumlar
    """.split()  # noqa: SIM905 - a word list reads best as words
)
"""Second-person pronouns and calls to act, in several languages: appeals, paywalls
and widgets talk to the reader, reporting rarely does."""

FIRST_PERSON_PLURAL = frozenset(
    """
    we us our ours ourselves wir uns unser unsere unseren unserem unserer nous notre nos
    nosotros nosotras nuestro nuestra nuestros nuestras nós nosso nossa nossos nossas noi
    nostro nostra nostri nostre wij ons onze мы нас нам наш наша наше наши my nas nasz nasza
    nasze biz bizim bize
    """.split()  # noqa: SIM905 - a word list reads best as words
)
"""The publisher speaking of itself: appeals and house notices say 'we' and
'our'; reporting speaks of others."""

SHORT_TOKEN_CHARS = 3
"""Tokens this short are mostly function words in alphabetic scripts: a stopword
proxy that needs no word list per language."""

NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
"""Two blocks on each side: enough to see a run of menu items or of paragraphs."""

SHORT_BLOCK_TOKENS = 6
"""Blocks under this many words are 'short' when measuring runs of short blocks."""

# Multipliers of the polynomial and mixing hashes (odd 64-bit constants).
_POLY = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_PAIR = np.uint64(0x9E3779B97F4A7C15)
_PROSE_SHIFT = np.uint64(0xD6E8FEB86659FD93)

PROSE_TOKENS = 12
"""Blocks of at least this many words are prose: their words and bigrams are
hashed apart from those of shorter blocks. A word means one thing in a menu or
a button and another in a paragraph ('support', 'subscribe', 'we' in an
appeal), and a linear model can only tell them apart with separate weights."""

# Namespace salts, one per hashed feature family.
NS_WORD = 1
NS_BIGRAM = 2
NS_CHAR3 = 3
NS_FIRST = 4
NS_LAST = 5
NS_SHAPE = 6
NS_WHOLE = 7
NS_LEXICON = 8

SELF_DENSE: tuple[str, ...] = (
    "log_chars",
    "log_tokens",
    "mean_token_len",
    "frac_letter",
    "frac_upper",
    "frac_digit",
    "frac_punct",
    "frac_symbol",
    "frac_title_tokens",
    "frac_digit_tokens",
    "frac_short_tokens",
    "frac_stopwords",
    "frac_second_person",
    "frac_first_plural",
    "terminals_per_token",
    "ends_terminal",
    "ends_colon",
    "starts_upper",
    "nav_separators_per_token",
    "has_url_or_email",
    "has_copyright",
    "repeats_in_doc",
    "short_run_len",
    "cohesion",
    "top_overlap",
    "reader_address_rel",
)
_NEIGHBOUR_DENSE = (
    "log_chars",
    "frac_stopwords",
    "ends_terminal",
    "frac_title_tokens",
    "frac_second_person",
)
_POSITION_DENSE = (
    "rel_index",
    "rel_offset",
    "is_first",
    "is_last",
    "log_blocks",
    "log_doc_chars",
    "rel_to_longest",
)

DENSE_NAMES: tuple[str, ...] = (
    *SELF_DENSE,
    *(f"{name}@{off:+d}" for off in NEIGHBOUR_OFFSETS for name in _NEIGHBOUR_DENSE),
    *(f"present@{off:+d}" for off in NEIGHBOUR_OFFSETS),
    *_POSITION_DENSE,
)
"""Names of the dense feature columns, in order."""

_SELF_INDEX = {name: i for i, name in enumerate(SELF_DENSE)}
_NEIGHBOUR_INDEX = [_SELF_INDEX[name] for name in _NEIGHBOUR_DENSE]


@dataclass(frozen=True, slots=True)
class ContentWords:
    """Which content words (longer than :data:`SHORT_TOKEN_CHARS`, not stopwords)
    each block holds: one entry per (block, word) pair, the word as its lexicon slot.

    The context stage weighs them by the blocks' body probabilities to tell how
    much of the page's likely body shares a block's topic. Entries are sorted
    by slot. For a batch of pages (:func:`extract_pages`) the slot of a word on
    page ``p`` is ``p * 2**LEXICON_BITS`` plus its lexicon slot, so that the
    same word on two pages is two words.
    """

    rows: IntArray
    slots: IntArray

    @classmethod
    def empty(cls) -> ContentWords:
        """No content words."""
        return cls(rows=np.zeros(0, dtype=np.int64), slots=np.zeros(0, dtype=np.int64))


@dataclass(frozen=True, slots=True)
class Features:
    """Features of every block of one document, or of a batch of documents
    (their blocks one page after another, see :func:`extract_pages`).

    ``dense`` has one row per block and the columns of :data:`DENSE_NAMES`.
    ``rows``, ``cols`` and ``vals`` list the hashed sparse features: block
    ``rows[k]`` has value ``vals[k]`` in bucket ``cols[k]`` (a bucket may occur
    more than once for a block; values add up).
    """

    dense: FloatArray
    rows: IntArray
    cols: IntArray
    vals: FloatArray
    words: ContentWords

    @property
    def n_blocks(self) -> int:
        """Number of blocks (rows)."""
        return int(self.dense.shape[0])

    def subset(self, blocks: IntArray) -> Features:
        """The features of some blocks only, renumbered ``0..len(blocks)-1`` in that order."""
        new_index = np.full(self.n_blocks, -1, dtype=np.int64)
        new_index[blocks] = np.arange(blocks.shape[0], dtype=np.int64)
        keep = new_index[self.rows] >= 0
        keep_words = new_index[self.words.rows] >= 0
        return Features(
            dense=self.dense[blocks],
            rows=new_index[self.rows[keep]],
            cols=self.cols[keep],
            vals=self.vals[keep],
            words=ContentWords(
                rows=new_index[self.words.rows[keep_words]],
                slots=self.words.slots[keep_words],
            ),
        )


class DropsCaches:
    """A frozen dataclass that pickles without its cached properties (named in
    ``_CACHES``): they are rebuilt where they are used, and a model pickled
    for worker processes (the temporary file of ``clean_many(model=...)``)
    would otherwise carry its lookup tables too, nearly twice its size."""

    _CACHES: ClassVar[tuple[str, ...]] = ()

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for name in self._CACHES:
            state.pop(name, None)
        return state


@dataclass(frozen=True)
class Vocabulary(DropsCaches):
    """Word hashes that feed the dense cues: stopwords learned from training text
    and function words listed by hand for other languages."""

    stopword_hashes: UIntArray

    _CACHES = ("table",)

    @cached_property
    def table(self) -> npt.NDArray[np.bool_]:
        """The stopwords as a lookup table (see :func:`lexicon_table`)."""
        return lexicon_table(self.stopword_hashes)

    @classmethod
    def empty(cls) -> Vocabulary:
        """A vocabulary with no stopwords (the short-token proxy still works)."""
        return cls(stopword_hashes=np.zeros(0, dtype=np.uint64))


@cache
def _tables() -> tuple[npt.NDArray[np.uint16], npt.NDArray[np.uint32]]:
    """Class bits and lower-case mapping for every BMP code point (about 40 ms, once)."""
    classes = np.zeros(BMP, dtype=np.uint16)
    lower = np.arange(BMP, dtype=np.uint32)
    for cp in range(BMP):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        bits = 0
        major = cat[0]
        if major == "L":
            bits |= LETTER | WORD
            if cat in ("Lu", "Lt"):
                bits |= UPPER
            elif cat == "Ll":
                bits |= LOWER
        elif major == "N":
            bits |= WORD | (DIGIT if cat == "Nd" else 0)
        elif major == "M":
            bits |= WORD
        elif major == "P":
            bits |= PUNCT
            if cat == "Pc":
                bits |= WORD
        elif major == "S":
            bits |= SYMBOL
        elif major == "Z" or ch.isspace() or cp == 0:
            # NUL separates the blocks in extract(): a space that counts for nothing.
            bits |= SPACE
        classes[cp] = bits
        low = ch.lower()
        if len(low) == 1:
            lower[cp] = ord(low)
    for chars, bit in ((TERMINALS, TERMINAL), (NAV_SEPARATORS, NAV), (CLOSERS, CLOSER)):
        for ch in chars:
            classes[ord(ch)] |= bit
    for lo, hi in IDEOGRAPH_RANGES:
        letters = (classes[lo : hi + 1] & WORD) > 0
        classes[lo : hi + 1][letters] |= IDEOGRAPH
    return classes, lower


def _code_points(text: str) -> npt.NDArray[np.uint32]:
    data = text.encode("utf-32-le", "surrogatepass")
    # Read-only, over the bytes; a copy only on a big-endian machine.
    return np.frombuffer(data, dtype="<u4").astype(np.uint32, copy=False)


_COUNTED_CLASSES = (LETTER, UPPER, DIGIT, PUNCT, SYMBOL, TERMINAL, NAV)
"""Character classes whose per-block counts are features."""


@cache
def _count_codes() -> tuple[IntArray, FloatArray]:
    """Per-block counts of the :data:`_COUNTED_CLASSES` in one histogram.

    Returns a table from class bits to a code, and a ``(codes, classes)`` 0/1
    matrix: the histogram of codes per block times that matrix gives the
    counts. A code stands for one combination of counted classes that some
    character has (nine of the 2**7 with this module's tables), so that the
    histogram has few columns.
    """
    bits = np.arange(1 << 16, dtype=np.int64)
    combination = np.zeros(1 << 16, dtype=np.int64)
    for j, bit in enumerate(_COUNTED_CLASSES):
        combination[(bits & bit) > 0] |= 1 << j
    table, _ = _tables()
    # The class bits characters can have: the BMP table's and those of _classes's astral rule.
    seen = np.union1d(table, [SYMBOL, LETTER | WORD | IDEOGRAPH])
    combinations = np.unique(combination[seen])
    code = np.searchsorted(combinations, combination)  # exact for every class a character has
    matrix = (combinations[:, None] >> np.arange(len(_COUNTED_CLASSES))[None, :]) & 1
    return code.astype(np.int64), matrix.astype(np.float64)


def _classes(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint16]:
    table, _ = _tables()
    out = table[np.minimum(cps, BMP - 1)]
    astral = np.flatnonzero(cps >= BMP)
    if astral.size:
        emoji = (cps[astral] >= 0x1F000) & (cps[astral] < 0x20000)
        # Astral letters are mostly CJK extensions; the emoji planes are symbols.
        out[astral] = np.where(emoji, SYMBOL, LETTER | WORD | IDEOGRAPH)
    return out


def _lower(cps: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    _, table = _tables()
    out = table[np.minimum(cps, BMP - 1)]
    astral = np.flatnonzero(cps >= BMP)
    out[astral] = cps[astral]  # no case mapping outside the BMP
    return out


def _salt(namespace: int) -> np.uint64:
    """The offset :func:`_bucket` adds to every hash of ``namespace``."""
    return np.uint64(namespace * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF)


def _bucket(h: UIntArray, salt: int) -> IntArray:
    """Bucket of each 64-bit hash in namespace ``salt``: one xor-shift-multiply round,
    whose top bits depend on every bit of the input (multiplicative hashing).

    The hashes of this module rely on integer arithmetic on numpy arrays
    wrapping modulo 2**64, which numpy does silently (only arithmetic on numpy
    scalars warns), so no ``errstate`` is needed around them."""
    return _mix(h + _salt(salt))


def _mix(salted: UIntArray) -> IntArray:
    """The bucket of each salted hash (see :func:`_bucket`), computed in place:
    ``salted`` must be a temporary of the caller's, which it overwrites."""
    x = salted
    x *= _MIX1
    x ^= x >> np.uint64(29)
    x *= _MIX2
    x >>= np.uint64(64 - HASH_BITS)
    return x.view(np.int64)  # below 2**HASH_BITS: the same numbers


def word_hashes(words: Sequence[str]) -> UIntArray:
    """Hashes of lower-cased words, as :func:`extract` computes them for tokens.

    >>> bool(word_hashes(["The"])[0] == word_hashes(["the"])[0])
    True
    """
    if not words:
        return np.zeros(0, dtype=np.uint64)
    return _token_hashes_of_text("\x00".join(words))


def _token_hashes_of_text(text: str) -> UIntArray:
    cps = _code_points(text)
    starts, ends = _tokens(_classes(cps))
    return _span_hashes(_lower(cps), starts, ends)


def _tokens(classes: npt.NDArray[np.uint16]) -> tuple[IntArray, IntArray]:
    """Start and end (exclusive) of each token: a run of word characters, except
    that every ideograph or kana (:data:`IDEOGRAPH_RANGES`) is a token alone.

    >>> starts, ends = _tokens(_classes(_code_points("ok 北京ab")))
    >>> starts.tolist(), ends.tolist()
    ([0, 3, 4, 5], [2, 4, 5, 7])
    """
    word = (classes & WORD) > 0
    ideograph = (classes & IDEOGRAPH) > 0
    if not ideograph.any():
        return _runs(word)
    # A token starts at a word character after a non-word one or next to an
    # ideograph, and ends likewise.
    cut = np.ones(word.shape[0] + 1, dtype=bool)
    cut[1:-1] = ~word[1:] | ~word[:-1] | ideograph[1:] | ideograph[:-1]
    starts = np.flatnonzero(word & cut[:-1])
    ends = np.flatnonzero(word & cut[1:]) + 1
    return starts.astype(np.int64), ends.astype(np.int64)


def _runs(mask: npt.NDArray[np.bool_]) -> tuple[IntArray, IntArray]:
    """Start and end (exclusive) indices of the runs of True in ``mask``."""
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return edges[0::2].astype(np.int64), edges[1::2].astype(np.int64)


def _span_hashes(values: npt.NDArray[np.uint32], starts: IntArray, ends: IntArray) -> UIntArray:
    """Polynomial hash of each span ``values[start:end]``, independent of where it stands."""
    return _span_hashes_many(values, [(starts, ends)])[0]


def _span_hashes_many(
    values: npt.NDArray[np.uint32], spans: Sequence[tuple[IntArray, IntArray]]
) -> list[UIntArray]:
    """:func:`_span_hashes` for several sets of spans over the same values (one prefix sum)."""
    n = values.shape[0]
    if n == 0:
        return [np.zeros(0, dtype=np.uint64) for _ in spans]
    pows, inv_pows = _powers(n)
    weighted = values.astype(np.uint64) * inv_pows[:n]
    prefix = np.empty(n + 1, dtype=np.uint64)
    prefix[0] = 0
    np.cumsum(weighted, dtype=np.uint64, out=prefix[1:])
    del weighted
    return [
        (prefix[ends] - prefix[starts]) * pows[starts] + (ends - starts).astype(np.uint64)
        for starts, ends in spans
    ]


POWERS_KEPT = 1 << 16
"""Powers of the hash multiplier are computed once for texts up to this many
code points (1 MB of tables) and recomputed for longer ones."""


def _powers(n: int) -> tuple[UIntArray, UIntArray]:
    """The first ``n`` (or more) powers of the hash multiplier and of its inverse mod 2**64."""
    return _cached_powers() if n <= POWERS_KEPT else _power_tables(n)


@cache
def _cached_powers() -> tuple[UIntArray, UIntArray]:
    pows, inv_pows = _power_tables(POWERS_KEPT)
    pows.flags.writeable = inv_pows.flags.writeable = False  # shared by every call
    return pows, inv_pows


def _power_tables(n: int) -> tuple[UIntArray, UIntArray]:
    out = []
    for base in (_POLY, np.uint64(pow(int(_POLY), -1, 1 << 64))):
        table = np.empty(n, dtype=np.uint64)
        table[0] = 1
        table[1:] = base
        np.cumprod(table, dtype=np.uint64, out=table)
        out.append(table)
    return out[0], out[1]


def extract(doc: Document | Spans, *, vocabulary: Vocabulary | None = None) -> Features:
    """Compute the features of every block of ``doc``.

    ``vocabulary`` supplies the stopword hashes of the model; without it
    the stopword fraction is zero and the short-token proxy carries the cue.
    """
    return extract_pages((doc,), vocabulary=vocabulary)


def extract_pages(
    docs: Sequence[Document | Spans], *, vocabulary: Vocabulary | None = None
) -> Features:
    """The features of the blocks of several documents, one page after another.

    Each page's rows are what :func:`extract` gives for it alone (up to
    rounding in the last bits), except that its content-word slots carry the
    page's number (see :class:`ContentWords`). One call for many small pages
    saves most of the fixed cost of the numpy calls, which is about a third
    of the time of a 10 KB page.

    >>> from boilerstrip.segment import segment
    >>> docs = [segment("Menu\\nThe council met on Monday."), segment("Share this")]
    >>> extract_pages(docs).dense.shape == (3, len(DENSE_NAMES))
    True
    """
    vocab = vocabulary if vocabulary is not None else Vocabulary.empty()
    texts: list[str] = []
    starts: list[int] = []
    page_sizes: list[int] = []
    for doc in docs:
        if isinstance(doc, Spans):
            texts.extend(doc.texts)
            starts.extend(doc.starts)
            page_sizes.append(len(doc.texts))
        else:
            texts.extend(block.text for block in doc.blocks)
            starts.extend(block.start for block in doc.blocks)
            page_sizes.append(len(doc.blocks))
    n_blocks = len(texts)
    pages = Pages.single(n_blocks) if len(page_sizes) == 1 else Pages.of_sizes(page_sizes)
    if n_blocks == 0:
        return Features(
            dense=np.zeros((0, len(DENSE_NAMES))),
            rows=np.zeros(0, dtype=np.int64),
            cols=np.zeros(0, dtype=np.int64),
            vals=np.zeros(0),
            words=ContentWords.empty(),
        )
    # One string for all blocks, a NUL between them so that no n-gram spans two.
    joined = "\x00".join(texts)
    cps = _code_points(joined)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n_blocks)
    block_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
    owner = np.repeat(np.arange(n_blocks, dtype=np.int64), lengths + 1)[: cps.shape[0]]
    classes = _classes(cps)
    lower = _lower(cps)
    is_nul = cps == 0

    n_chars = lengths.astype(np.float64)
    safe_chars = np.maximum(n_chars, 1.0)
    # Per-block counts of each character class from one histogram of class codes
    # (a block's NUL separator is SPACE and counts for nothing).
    code_of_class, bits_of_code = _count_codes()
    n_codes = bits_of_code.shape[0]
    histogram = np.bincount(owner * n_codes + code_of_class[classes], minlength=n_blocks * n_codes)
    class_counts = histogram.reshape(n_blocks, n_codes) @ bits_of_code

    def per_block(bit: int) -> FloatArray:
        return class_counts[:, _COUNTED_CLASSES.index(bit)]

    tok_starts, tok_ends = _tokens(classes)
    tok_owner = owner[tok_starts]
    tok_hash, whole_hash = _span_hashes_many(
        lower, [(tok_starts, tok_ends), (block_starts, block_starts + lengths)]
    )
    tok_len = (tok_ends - tok_starts).astype(np.float64)
    n_tokens = np.bincount(tok_owner, minlength=n_blocks).astype(np.float64)
    safe_tokens = np.maximum(n_tokens, 1.0)

    def token_frac(mask: npt.NDArray[np.bool_]) -> FloatArray:
        return np.bincount(tok_owner[mask], minlength=n_blocks) / safe_tokens

    first_class = classes[tok_starts]
    title_tok = (first_class & UPPER) > 0
    digit_tok = (first_class & DIGIT) > 0
    short_tok = tok_len <= SHORT_TOKEN_CHARS
    lexicon_slot = _bucket(tok_hash, NS_LEXICON) & ((1 << LEXICON_BITS) - 1)
    stop_tok = vocab.table[lexicon_slot]
    second_tok = _lexicon(SECOND_PERSON_AND_CALLS)[lexicon_slot]
    first_plural_tok = _lexicon(FIRST_PERSON_PLURAL)[lexicon_slot]

    # Last and first visible characters of each block (blocks are stripped).
    last = block_starts + lengths - 1
    first_cls = classes[block_starts]
    before_last = np.maximum(last - 1, block_starts)
    ends_terminal = ((classes[last] & TERMINAL) > 0) | (
        ((classes[last] & CLOSER) > 0) & ((classes[before_last] & TERMINAL) > 0)
    )

    # The lower-cased text, one byte a character (beyond Latin-1, 0xFF): the
    # needles are Latin-1, and bytes.find is faster than str.find.
    lowered = np.minimum(lower, 0xFF).astype(np.uint8).tobytes()
    url_like = _has_match(URL_OR_EMAIL, lowered, owner, n_blocks)
    copyright_like = _has_match(COPYRIGHT, lowered, owner, n_blocks)
    whole_slot = _bucket(whole_hash, NS_WHOLE)
    if pages.n_pages > 1:  # a block repeats only on its own page
        whole_slot += pages.page << HASH_BITS
    ordered = np.sort(whole_slot)
    repeats = (
        np.searchsorted(ordered, whole_slot, side="right")
        - np.searchsorted(ordered, whole_slot, side="left")
        - 1
    ).astype(np.float64)

    relations, words = _page_relations(
        pages=pages,
        tok_owner=tok_owner,
        lexicon_slot=lexicon_slot,
        content=(tok_len > SHORT_TOKEN_CHARS) & ~stop_tok,
        address=second_tok | first_plural_tok,
        n_tokens=n_tokens,
    )
    self_cols: dict[str, FloatArray] = {
        "log_chars": np.log1p(n_chars),
        "log_tokens": np.log1p(n_tokens),
        "mean_token_len": np.bincount(tok_owner, weights=tok_len, minlength=n_blocks) / safe_tokens,
        "frac_letter": per_block(LETTER) / safe_chars,
        "frac_upper": per_block(UPPER) / safe_chars,
        "frac_digit": per_block(DIGIT) / safe_chars,
        "frac_punct": per_block(PUNCT) / safe_chars,
        "frac_symbol": per_block(SYMBOL) / safe_chars,
        "frac_title_tokens": token_frac(title_tok),
        "frac_digit_tokens": token_frac(digit_tok),
        "frac_short_tokens": token_frac(short_tok),
        "frac_stopwords": token_frac(stop_tok),
        "frac_second_person": token_frac(second_tok),
        "frac_first_plural": token_frac(first_plural_tok),
        "terminals_per_token": per_block(TERMINAL) / safe_tokens,
        "ends_terminal": ends_terminal.astype(np.float64),
        "ends_colon": (cps[last] == ord(":")).astype(np.float64),
        "starts_upper": ((first_cls & UPPER) > 0).astype(np.float64),
        "nav_separators_per_token": per_block(NAV) / safe_tokens,
        "has_url_or_email": url_like,
        "has_copyright": copyright_like,
        "repeats_in_doc": np.minimum(repeats, 5.0),
        "short_run_len": np.log1p(_short_run_lengths(n_tokens < SHORT_BLOCK_TOKENS, pages)),
        **relations,
    }
    # One matrix, filled in place: own columns, neighbours' columns (zero past
    # either end of the page), whether each neighbour exists, and position.
    n_self, n_near = len(SELF_DENSE), len(_NEIGHBOUR_DENSE)
    dense = np.empty((n_blocks, len(DENSE_NAMES)))
    for j, name in enumerate(SELF_DENSE):
        dense[:, j] = self_cols[name]
    near = dense[:, _NEIGHBOUR_INDEX]
    present_col = n_self + n_near * len(NEIGHBOUR_OFFSETS)
    everywhere = np.ones(n_blocks)
    for k, off in enumerate(NEIGHBOUR_OFFSETS):
        pages.shift(dense[:, n_self + k * n_near : n_self + (k + 1) * n_near], near, off)
        pages.shift(dense[:, present_col + k], everywhere, off)

    page, local = pages.page, pages.local
    last_index = (pages.sizes - 1)[page]
    rel_index = local / np.maximum(last_index, 1)
    doc_chars = np.array([max(len(doc.text), 1) for doc in docs], dtype=np.float64)
    position = dense[:, present_col + len(NEIGHBOUR_OFFSETS) :]
    position[:, 0] = rel_index
    position[:, 1] = starts
    position[:, 1] /= doc_chars[page]
    position[:, 2] = local == 0
    position[:, 3] = local == last_index
    position[:, 4] = np.log1p(pages.sizes)[page]
    position[:, 5] = np.log1p(doc_chars)[page]
    position[:, 6] = n_chars / np.maximum(pages.maxima(n_chars), 1.0)[page]

    rows, cols, vals = _hashed(
        n_blocks=n_blocks,
        lower=lower,
        owner=owner,
        is_nul=is_nul,
        in_prefix=_in_prefix(lengths, cps.shape[0]),
        tok_hash=tok_hash,
        tok_owner=tok_owner,
        self_cols=self_cols,
        rel_index=rel_index,
        prose=n_tokens >= PROSE_TOKENS,
    )
    return Features(dense=dense, rows=rows, cols=cols, vals=vals, words=words)


def _hashed(
    *,
    n_blocks: int,
    lower: npt.NDArray[np.uint32],
    owner: IntArray,
    is_nul: npt.NDArray[np.bool_],
    in_prefix: npt.NDArray[np.bool_],
    tok_hash: UIntArray,
    tok_owner: IntArray,
    self_cols: dict[str, FloatArray],
    rel_index: FloatArray,
    prose: npt.NDArray[np.bool_],
) -> tuple[IntArray, IntArray, FloatArray]:
    """The hashed features of every block as ``(rows, cols, vals)``.

    Every group of features is collected as block rows and salted 64-bit
    hashes, then all are bucketed at once. In a group that is normalised, each
    of a block's entries weighs 1/sqrt(the block's number of entries in the
    group); the other groups' entries weigh 1.
    """
    rows: list[IntArray] = []
    hashes: list[UIntArray] = []
    namespaces: list[int] = []
    normalised: list[bool] = []

    def add(row: IntArray, h: UIntArray, namespace: int, norm: bool) -> None:
        rows.append(row)
        hashes.append(h)
        namespaces.append(namespace)
        normalised.append(norm)

    # Word unigrams and bigrams, with weights of their own in prose blocks.
    word_hash = tok_hash + prose[tok_owner].astype(np.uint64) * _PROSE_SHIFT
    add(tok_owner, word_hash, NS_WORD, True)
    if tok_hash.size > 1:
        same = tok_owner[1:] == tok_owner[:-1]
        pair = tok_hash[:-1][same] * _PAIR + word_hash[1:][same]
        add(tok_owner[1:][same], pair, NS_BIGRAM, True)
    # First and last word of each block.
    if tok_hash.size:
        first = np.ones(tok_owner.shape[0], dtype=bool)
        first[1:] = tok_owner[1:] != tok_owner[:-1]
        last = np.ones(tok_owner.shape[0], dtype=bool)
        last[:-1] = first[1:]
        add(tok_owner[first], tok_hash[first], NS_FIRST, False)
        add(tok_owner[last], tok_hash[last], NS_LAST, False)
    # Character trigrams inside blocks, from the start of each block only.
    if lower.shape[0] >= 3:
        c = lower.astype(np.uint64)
        tri = (c[:-2] * _POLY + c[1:-1]) * _POLY + c[2:]
        ok = ~(is_nul[:-2] | is_nul[1:-1] | is_nul[2:]) & in_prefix[:-2]
        add(owner[:-2][ok], tri[ok], NS_CHAR3, True)
        del c, tri, ok  # a few arrays the size of the text: not kept through what follows
    # Binned dense cues and their crossings: the non-linear part of a linear model.
    shape_codes = _shape_codes(self_cols, rel_index)
    n_codes = shape_codes.shape[1]
    code_ids = (np.arange(n_codes, dtype=np.uint64) << np.uint64(32))[None, :]
    add(
        np.repeat(np.arange(n_blocks, dtype=np.int64), n_codes),
        (shape_codes + code_ids).ravel(),
        NS_SHAPE,
        False,
    )
    n_groups = len(rows)
    sizes = np.array([r.shape[0] for r in rows], dtype=np.int64)
    row = np.concatenate(rows)
    rows.clear()
    # Each group's hashes salted straight into one array, which is mixed in place.
    salted = np.empty(int(sizes.sum()), dtype=np.uint64)
    at = 0
    for h, namespace in zip(hashes, namespaces, strict=True):
        np.add(h, _salt(namespace), out=salted[at : at + h.shape[0]])
        at += h.shape[0]
    hashes.clear()
    col = _mix(salted)
    # Entries per (group, block), and the weight of each entry from it.
    key = np.repeat(np.arange(n_groups, dtype=np.int64) * n_blocks, sizes) + row
    per = np.bincount(key, minlength=n_groups * n_blocks).astype(np.float64)
    weight = 1.0 / np.sqrt(np.maximum(per, 1.0)).reshape(n_groups, n_blocks)
    weight[~np.array(normalised)] = 1.0
    return row, col, weight.ravel()[key]


CHAR_NGRAM_PREFIX = 200
"""Character trigrams are taken from a block's first 200 characters: they tell a
short widget from prose; past that point a paragraph is prose anyway, and the
cap keeps long paragraphs from costing time and model weight."""


def _in_prefix(lengths: IntArray, n_chars: int) -> npt.NDArray[np.bool_]:
    """For each code point of the joined blocks (each followed by its NUL
    separator, the last one's cut off at ``n_chars``), whether it lies in its
    block's first :data:`CHAR_NGRAM_PREFIX` characters.

    >>> mask = _in_prefix(np.array([2, 300]), 303)  # "ab", NUL, then 300 characters
    >>> mask.shape[0], int(mask.sum()), mask[200:206].tolist()
    (303, 203, [True, True, True, False, False, False])
    """
    span = lengths + 1  # the block and its separator
    inside = np.minimum(span, CHAR_NGRAM_PREFIX)
    counts = np.empty(2 * lengths.shape[0], dtype=np.int64)
    counts[0::2] = inside
    counts[1::2] = span - inside
    flags = np.zeros(counts.shape[0], dtype=bool)
    flags[0::2] = True
    return np.repeat(flags, counts)[:n_chars]


LENGTH_BINS = np.array([1, 2, 4, 8, 16, 32, 64, 128])
"""Token-count bin edges: one word, a label, a headline, a sentence, a paragraph."""
FRACTION_BINS = np.array([0.1, 0.2, 0.3, 0.4, 0.5])
"""Bins for fractions such as the share of short or capitalised tokens."""
POSITION_BINS = np.array([0.05, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95])
"""Bins for the relative position of a block in the page."""


TOP_BLOCKS = 3
"""The first blocks of a page hold the headline and standfirst: body paragraphs
share their names and topics, appeals and widgets do not."""


def _page_relations(
    *,
    pages: Pages,
    tok_owner: IntArray,
    lexicon_slot: IntArray,
    content: npt.NDArray[np.bool_],
    address: npt.NDArray[np.bool_],
    n_tokens: FloatArray,
) -> tuple[dict[str, FloatArray], ContentWords]:
    """How each block relates to the rest of its page, and its content words.

    * ``cohesion``: share of the block's content words (longer than
      :data:`SHORT_TOKEN_CHARS`, not stopwords) that occur in another block of
      the page: the body keeps returning to its topic, boilerplate is lexically
      alone;
    * ``top_overlap``: share of them that occur in the first :data:`TOP_BLOCKS` blocks;
    * ``reader_address_rel``: the block's share of second-person and
      first-person-plural words minus the page's share: a page that speaks to
      its reader throughout is a blog or a manual; one block that suddenly does
      is an appeal or a prompt.
    """
    n_blocks = pages.n_blocks
    safe_tokens = np.maximum(n_tokens, 1.0)
    owners = tok_owner[content]
    slots = lexicon_slot[content]
    if pages.n_pages > 1:  # the same word on two pages is two words
        slots = slots + (pages.page[owners] << LEXICON_BITS)
    n_content = np.bincount(owners, minlength=n_blocks).astype(np.float64)
    safe_content = np.maximum(n_content, 1.0)
    # Each (word, block) pair once, sorted by word: a sort and a mask (np.unique
    # gives the same pairs several times slower on arrays of this size).
    keys = np.sort(slots * n_blocks + owners)
    first = np.ones(keys.shape, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    pairs = keys[first]
    pair_slots = pairs // n_blocks
    pair_rows = pairs % n_blocks
    # Runs of pairs with the same word: a run's length is the number of blocks
    # holding the word. Tables indexed by word slot would cost more to clear
    # than a page has words.
    new_word = np.ones(pair_slots.shape, dtype=bool)
    new_word[1:] = pair_slots[1:] != pair_slots[:-1]
    run_start = np.flatnonzero(new_word)
    run_slot = pair_slots[run_start]
    run_edges = np.empty(run_start.shape[0] + 1, dtype=np.int64)
    run_edges[:-1] = run_start
    run_edges[-1] = pair_slots.shape[0]
    run_len = run_edges[1:] - run_edges[:-1]
    tok_run = np.searchsorted(run_slot, slots)
    shared = run_len[tok_run] >= 2
    cohesion = np.bincount(owners[shared], minlength=n_blocks) / safe_content
    in_top = (np.add.reduceat(pages.local[pair_rows] < TOP_BLOCKS, run_start) > 0)[tok_run]
    top_overlap = np.bincount(owners[in_top], minlength=n_blocks) / safe_content
    address_count = np.bincount(tok_owner[address], minlength=n_blocks)
    page_rate = pages.sums(address_count) / np.maximum(pages.sums(n_tokens), 1.0)
    relations = {
        "cohesion": cohesion,
        "top_overlap": top_overlap,
        "reader_address_rel": address_count / safe_tokens - page_rate[pages.page],
    }
    return relations, ContentWords(rows=pair_rows, slots=pair_slots)


def _shape_codes(self_cols: dict[str, FloatArray], rel_index: FloatArray) -> UIntArray:
    """The binned cues of each block and their crossings, one column each."""
    n = rel_index.shape[0]
    length = LENGTH_BINS.searchsorted(np.expm1(self_cols["log_tokens"]), side="right")
    fractions = np.array(
        [self_cols[name] for name in ("frac_short_tokens", "frac_stopwords", "frac_title_tokens")]
    )
    short, stop, title = FRACTION_BINS.searchsorted(fractions, side="right")
    ends = self_cols["ends_terminal"].astype(np.int64)
    pos = POSITION_BINS.searchsorted(rel_index, side="right")
    second = (self_cols["frac_second_person"] > 0).astype(np.int64)
    second += 2 * (self_cols["frac_first_plural"] > 0)
    codes = np.empty((n, 9), dtype=np.int64)
    codes[:, 0] = length
    length16 = length * 16
    codes[:, 1] = length16 + short
    codes[:, 2] = length16 + stop
    codes[:, 3] = length16 + title
    codes[:, 4] = length * 2 + ends
    codes[:, 5] = (length16 + pos) * 2 + ends
    codes[:, 6] = (stop * 16 + short) * 2 + ends
    codes[:, 7] = length * 4 + second
    codes[:, 8] = pos * 4 + second
    return codes.view(np.uint64)


def _short_run_lengths(short: npt.NDArray[np.bool_], pages: Pages) -> FloatArray:
    """For each block, the length of the run of short blocks it belongs to on
    its page (0 if long)."""
    new_run = short.copy()
    new_run[1:] &= ~short[:-1] | (pages.local[1:] == 0)
    run_of_short = (np.cumsum(new_run) - 1)[short]
    out = np.zeros(short.shape[0])
    out[short] = np.bincount(run_of_short)[run_of_short]
    return out


def _has_match(needles: tuple[str, ...], lowered: bytes, owner: IntArray, n: int) -> FloatArray:
    """1.0 for each block that contains one of ``needles``, else 0.0.

    ``lowered`` is the text ``owner`` indexes, one byte a character (see :func:`extract`).
    """
    out = np.zeros(n)
    starts: list[int] = []
    for encoded in _latin1(needles):
        at = lowered.find(encoded)
        while at >= 0:
            starts.append(at)
            at = lowered.find(encoded, at + 1)
    if starts:
        out[owner[np.asarray(starts, dtype=np.int64)]] = 1.0
    return out


@cache
def _latin1(needles: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(needle.encode("latin-1") for needle in needles)


def lexicon_table(hashes: UIntArray) -> npt.NDArray[np.bool_]:
    """The bit table in which :func:`extract` looks tokens up, for a word list's hashes."""
    table = np.zeros(1 << LEXICON_BITS, dtype=bool)
    table[_bucket(hashes, NS_LEXICON) & ((1 << LEXICON_BITS) - 1)] = True
    return table


@cache
def _lexicon(words: frozenset[str]) -> npt.NDArray[np.bool_]:
    return lexicon_table(word_hashes(sorted(words)))
