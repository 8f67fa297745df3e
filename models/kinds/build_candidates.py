"""Rebuild the list of kind-labeled noise candidates from the TRAIN pages.

Only the two TRAIN datasets are read: ``wcxb-dev`` and ``mozilla-readability``.
The EVAL-ONLY sets (dragnet, cleaneval, l3s-gn1) are never opened.

Every page's HTML is converted to plain text with two converters (resiliparse
and inscriptis), cut into lines, and each line is aligned with the page's gold
main content. A line is a noise candidate when fewer than 20 % of its word
tokens lie in a word 3-gram that also occurs in the gold (for lines of one or
two tokens: when its token sequence does not occur in the gold at all). WCXB
``without`` snippets are confirmed boilerplate, so lines holding one are kept
first. Each candidate gets a proposed kind from transparent multilingual rules
(keywords, shape and position cues); the proposals are then reviewed by eye and
the corrections are kept in ``review.tsv`` next to this script.

Usage (from the repository root, with the project venv)::

    # candidates with the rule labels only
    .venv/bin/python models/kinds/build_candidates.py --out /tmp/candidates.tsv
    # the committed, reviewed set: candidates plus the review corrections
    .venv/bin/python models/kinds/build_candidates.py \\
        --review models/kinds/review.tsv --out models/kinds/noise-kinds.tsv

The output is a UTF-8 TSV with the header
``kind  text  dataset  page_id  converter  reviewed``, sorted by kind, then
dataset, page id and text. Without ``--review`` the ``reviewed`` column says
``rule``; with it, ``rule-confirmed`` or ``corrected``, and rows marked
``remove`` in the review (body text that the alignment missed) are dropped.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path("/work/shared/data")
TRAIN_DATASETS = ("wcxb-dev", "mozilla-readability")
KINDS = (
    "donation",
    "subscription",
    "newsletter",
    "comments",
    "share",
    "navigation",
    "related",
    "advert",
    "cookie",
    "legal",
    "caption-credit",
    "byline-date",
    "other",
)
HEADER = ("kind", "text", "dataset", "page_id", "converter", "reviewed")

# A line whose tokens are less than this share covered by gold 3-grams is not body.
NOISE_COVERAGE = 0.20
# WCXB `without` lines are boilerplate by annotation, unless the gold mostly holds them too.
WITHOUT_MAX_COVERAGE = 0.50
# A line counts as "in the gold" for the position cue when at least this much is covered.
BODY_COVERAGE = 0.50
# Lines longer than this are mostly whole paragraphs; they would bloat the set.
MAX_CHARS = 600
# At most this many candidates from one page and from one site, so that no site dominates.
PAGE_CAP = 8
SITE_CAP = 40
# Upper bound of proposed rows per rule kind; the rare kinds never reach it.
KIND_QUOTA = {
    "donation": 230,
    "subscription": 270,
    "newsletter": 240,
    "comments": 250,
    "share": 250,
    "navigation": 520,
    "related": 300,
    "advert": 250,
    "cookie": 220,
    "legal": 230,
    "caption-credit": 180,
    "byline-date": 210,
    "other": 360,
}
DEFAULT_QUOTA = 200
# Bytes of the page searched for a <meta charset> declaration.
CHARSET_SNIFF_BYTES = 8192

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
# CJK characters are tokens on their own (no spaces between words); other words are \w+ runs.
TOKEN_RE = re.compile(rf"[{CJK}]|[^\W{CJK}]+")
META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
# Converters mark list items with one of these; "Login" and "* Login" are the same line.
BULLET_RE = re.compile(r"^([*•+o\-–·]|\d{1,2}[.)])\s+")
# Converters glue neighbouring links ("Terms of UsePrivacy Policy"); rules also see them split.
GLUE_RE = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])")
CODE_RE = re.compile(r"(function\s*\(|=>|\bvar\s+\w+\s*=|[{};]\s*[{};]|window\.|document\.)")


@dataclass(frozen=True, slots=True)
class Page:
    """One TRAIN page: where it comes from, its HTML and its gold text."""

    dataset: str
    page_id: str
    site: str
    html: bytes
    gold: str
    without: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One noise line with its proposed kind and where it was found."""

    kind: str
    text: str
    dataset: str
    page_id: str
    site: str
    converter: str
    from_without: bool


# ---------------------------------------------------------------- decoding and conversion


def decode_html(data: bytes) -> str:
    """Decode page bytes: the declared meta charset, then UTF-8, then cp1252 with replacement.

    >>> decode_html(b'<meta charset="latin-1"><p>caf\\xe9</p>').endswith('café</p>')
    True
    """
    match = META_CHARSET_RE.search(data[:CHARSET_SNIFF_BYTES])
    if match:
        name = match.group(1).decode("ascii", "replace")
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def convert_resiliparse(html: str) -> str:
    """All visible text of the page, one block a line (resiliparse)."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return str(extract_plain_text(HTMLTree.parse(html), preserve_formatting=True))


def convert_inscriptis(html: str) -> str:
    """All visible text of the page as laid out by inscriptis."""
    from inscriptis import get_text

    return str(get_text(html))


CONVERTERS: dict[str, Callable[[str], str]] = {
    "resiliparse": convert_resiliparse,
    "inscriptis": convert_inscriptis,
}


# ---------------------------------------------------------------- reading the datasets


def read_wcxb(root: Path) -> Iterator[Page]:
    """Pages of the WCXB dev split with their gold main content and `without` snippets."""
    meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))["files"]
    for gt_path in sorted((root / "dev" / "ground-truth").glob("*.json")):
        page_id = gt_path.stem
        html_path = root / "dev" / "html" / f"{page_id}.html.gz"
        if not html_path.exists():
            continue
        truth = json.loads(gt_path.read_text(encoding="utf-8"))["ground_truth"]
        gold = "\n".join(str(truth.get(key) or "") for key in ("title", "main_content"))
        site = str(meta.get(page_id, {}).get("domain", page_id))
        yield Page(
            dataset="wcxb-dev",
            page_id=page_id,
            site=site,
            html=gzip.decompress(html_path.read_bytes()),
            gold=gold,
            without=tuple(str(s) for s in truth.get("without") or () if s),
        )


def read_readability(root: Path) -> Iterator[Page]:
    """Readability test pages; the gold is the text of expected.html plus the title."""
    for page_dir in sorted(p for p in (root / "test-pages").iterdir() if p.is_dir()):
        source = page_dir / "source.html.gz"
        expected = page_dir / "expected.html.gz"
        if not (source.exists() and expected.exists()):
            continue
        meta_path = page_dir / "expected-metadata.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        gold_html = decode_html(gzip.decompress(expected.read_bytes()))
        gold = str(meta.get("title") or "") + "\n" + convert_resiliparse(gold_html)
        yield Page(
            dataset="mozilla-readability",
            page_id=page_dir.name,
            site=re.sub(r"-\d+$", "", page_dir.name),
            html=gzip.decompress(source.read_bytes()),
            gold=gold,
            without=(),
        )


# ---------------------------------------------------------------- alignment


def tokens(text: str) -> list[str]:
    """Lowercased word tokens; each CJK character is a token.

    >>> tokens("Hello, World! 東京")
    ['hello', 'world', '東', '京']
    """
    return TOKEN_RE.findall(text.lower())


def normalise(text: str) -> str:
    """Dedup key: list bullets dropped, whitespace collapsed, lowercased, digits folded to 0.

    >>> normalise("  • Page 12   of 30 ")
    'page 00 of 00'
    """
    text = BULLET_RE.sub("", text.strip())
    return re.sub(r"\d", "0", " ".join(text.split()).lower())


@dataclass(frozen=True, slots=True)
class Gold:
    """The gold text prepared for fast coverage look-ups."""

    trigrams: frozenset[tuple[str, str, str]]
    joined: str

    @classmethod
    def from_text(cls, text: str) -> Gold:
        toks = tokens(text)
        grams = frozenset(zip(toks, toks[1:], toks[2:], strict=False))
        return cls(trigrams=grams, joined=" " + " ".join(toks) + " ")

    def coverage(self, toks: Sequence[str]) -> float:
        """Share of the tokens that lie in a 3-gram found in the gold (short lines: 0 or 1)."""
        if not toks:
            return 1.0
        if len(toks) < 3:
            return 1.0 if (" " + " ".join(toks) + " ") in self.joined else 0.0
        covered = [False] * len(toks)
        for i in range(len(toks) - 2):
            if (toks[i], toks[i + 1], toks[i + 2]) in self.trigrams:
                covered[i] = covered[i + 1] = covered[i + 2] = True
        return sum(covered) / len(toks)


def usable(line: str) -> bool:
    """A line worth labeling: has letters, is not a whole article paragraph or leaked code."""
    if len(line) > MAX_CHARS or not any(ch.isalpha() for ch in line):
        return False
    return not (CODE_RE.search(line) and sum(ch in "{};=()" for ch in line) >= 4)


# ---------------------------------------------------------------- rule labels


def _kw(*words: str) -> re.Pattern[str]:
    """A case-insensitive pattern for keywords; ASCII words must stand alone."""
    parts = []
    for word in words:
        escaped = re.escape(word)
        if word.isascii() and word[:1].isalnum():
            escaped = r"(?<!\w)" + escaped
        if word.isascii() and word[-1:].isalnum():
            escaped += r"(?!\w)"
        parts.append(escaped)
    return re.compile("|".join(parts), re.IGNORECASE)


COOKIE = _kw(
    "cookie", "cookies", "we use cookies", "consent", "accept all", "reject all", "accept cookies",
    "manage preferences", "privacy settings", "privacy preferences", "your privacy", "GDPR",
    "respects your privacy", "Cookie-Einstellungen", "Einwilligung", "Alle akzeptieren",
    "Datenschutzeinstellungen", "Zustimmen", "Tout accepter", "consentement", "Tout refuser",
    "Aceptar todo", "consentimiento", "Accetta tutti", "consenso", "Aceitar todos",
    "consentimento", "Alles accepteren", "toestemming", "Akceptuję", "zgody", "zgodę",
    "согласие", "файлы cookie", "çerez", "çerezler", "クッキー", "Cookieの", "隐私设置",
    "使用 cookie",
)  # fmt: skip
DONATION = _kw(
    "donate", "donation", "donations", "support us", "support our journalism", "support our work",
    "become a patron", "Patreon", "Ko-fi", "buy me a coffee", "make a gift", "give today",
    "become a member", "contribute", "spenden", "Spende", "unterstützen Sie", "Jetzt unterstützen",
    "faire un don", "soutenez", "soutenir", "donar", "donación", "apóyanos", "dona ora",
    "sostieni", "sostienici", "doar", "doação", "apoie", "doneer", "steun ons", "пожертвова",
    "поддержать", "поддержите", "wesprzyj", "wpłać", "bağış", "寄付", "捐赠", "捐款",
)  # fmt: skip
NEWSLETTER = _kw(
    "newsletter", "newsletters", "sign up for our", "email updates", "your inbox", "in your inbox",
    "enter your email", "your email address", "email address", "e-mail address", "mailing list",
    "Newsletter abonnieren", "E-Mail-Adresse", "lettre d'information", "votre adresse e-mail",
    "boletín", "correo electrónico", "iscriviti alla newsletter", "nieuwsbrief", "рассылк",
    "biuletyn", "bülten", "メールマガジン", "メルマガ", "邮件订阅", "订阅邮件", "digest",
)  # fmt: skip
SUBSCRIPTION = _kw(
    "subscribe", "subscription", "subscriber", "subscribers", "premium", "paywall", "sign in",
    "sign up", "signin", "log in", "login", "log out", "register", "create an account",
    "create account", "my account", "your account", "already a subscriber", "free trial",
    "unlock", "unlimited access", "members only", "abonnieren", "Abo", "Abonnement", "anmelden",
    "einloggen", "registrieren", "s'abonner", "abonnez-vous", "connexion", "se connecter",
    "suscríbete", "suscripción", "iniciar sesión", "regístrate", "abbonati", "abbonamento",
    "accedi", "assine", "assinatura", "abonneer", "inloggen", "подписаться", "подписк",
    "войти", "регистрац", "subskrypc", "zaloguj", "prenumer", "abone ol", "giriş yap", "üye ol",
    "ログイン", "会員登録", "購読", "登录", "注册", "订阅",
)  # fmt: skip
COMMENTS = _kw(
    "comment", "comments", "leave a reply", "leave a comment", "join the conversation",
    "join the discussion", "reply", "replies", "responses", "Disqus", "post a comment",
    "Kommentar", "Kommentare", "kommentieren", "commentaire", "commentaires", "comentario",
    "comentarios", "comentários", "commento", "commenti", "reactie", "reacties", "комментари",
    "komentarz", "komentarze", "yorum", "yorumlar", "コメント", "评论", "留言",
)  # fmt: skip
SHARE = _kw(
    "share", "shares", "share this", "share on", "facebook", "twitter", "tweet", "linkedin",
    "pinterest", "whatsapp", "reddit", "telegram", "instagram", "youtube", "tiktok", "mastodon",
    "bluesky", "threads", "email this", "print this", "print", "follow us", "copy link",
    "teilen", "drucken", "Link kopieren", "partager", "imprimer", "suivez-nous", "compartir",
    "imprimir", "síguenos", "condividi", "stampa", "seguici", "compartilhar", "partilhar",
    "delen", "volg ons", "поделиться", "udostępnij", "paylaş", "シェア", "ツイート", "分享",
    "RSS", "flipboard", "VKontakte", "weibo", "微博", "微信",
)  # fmt: skip
ADVERT = _kw(
    "advertisement", "advertising", "advertiser", "sponsored", "sponsor", "promoted",
    "paid content", "partner content", "affiliate", "earn a commission", "earn commission",
    "may earn", "Anzeige", "Werbung", "publicité", "publicidad", "anuncio",
    "pubblicità", "publicidade", "advertentie", "реклама", "reklama", "reklam", "広告", "广告",
    "Advertise with us", "AdChoices",
)  # fmt: skip
LEGAL = _kw(
    "©", "copyright", "all rights reserved", "terms of use", "terms of service",
    "terms and conditions", "terms & conditions", "privacy policy", "privacy notice",
    "privacy statement", "imprint", "disclaimer", "accessibility statement", "legal notice",
    "Impressum", "Alle Rechte vorbehalten", "Datenschutz", "Datenschutzerklärung", "AGB",
    "Nutzungsbedingungen", "tous droits réservés", "mentions légales",
    "politique de confidentialité", "todos los derechos reservados", "aviso legal",
    "política de privacidad", "tutti i diritti riservati", "note legali",
    "todos os direitos reservados", "alle rechten voorbehouden", "все права защищены",
    "wszelkie prawa zastrzeżone", "tüm hakları saklıdır", "無断転載", "版权所有", "GmbH", "Ltd",
    "Inc.", "LLC", "registered in", "company number", "registered office", "VAT",
)  # fmt: skip
CAPTION = _kw(
    "Photo:", "Photo :", "Photograph:", "Photos:", "Image:", "Credit:", "Credits:",
    "Getty Images", "Getty", "Reuters", "AP Photo", "AFP", "Shutterstock", "iStock",
    "Foto:", "Bild:", "Crédit", "Crédits", "Fotografía", "Imagen:", "Фото:", "Фото",
    "fot.", "Fotoğraf", "写真", "图片来源", "Photo by", "Courtesy of", "Illustration:",
    "Image credit", "Image source", "Unsplash", "Pexels", "Wikimedia Commons", "EPA",
    "Bloomberg via", "dpa", "Keystone", "Associated Press",
)  # fmt: skip
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december|januar|februar|märz|mai|juni|juli|oktober|"
    "dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|"
    "março|maio|junho|julho|setembro|outubro|novembro|dezembro|januari|februari|maart|mei|"
    "augustus|oktober|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|"
    "ноября|декабря|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|"
    "października|listopada|grudnia|ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|"
    "ekim|kasım|aralık"
)
DATE_RE = re.compile(
    rf"(?<!\w)(\d{{1,2}}\.?\s+({_MONTHS})\.?,?\s+\d{{4}}|({_MONTHS})\.?\s+\d{{1,2}}(st|nd|rd|th)?,?"
    rf"\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|\d{{4}}年\d{{1,2}}月)",
    re.IGNORECASE,
)
BYLINE = _kw(
    "min read", "minute read", "minutes read", "reading time", "updated", "published",
    "posted on", "posted by", "written by", "hours ago", "days ago", "minutes ago", "Lesezeit",
    "Aktualisiert", "Veröffentlicht", "Mis à jour", "Publié le", "Actualizado", "Publicado",
    "Aggiornato", "Pubblicato", "Bijgewerkt", "Gepubliceerd", "Обновлено", "Опубликовано",
    "Zaktualizowano", "Opublikowano", "Güncelleme", "Yayınlanma", "更新日", "公開日", "发布时间",
    "Autor", "Author", "Автор",
)  # fmt: skip
# "By Jane Doe", "Von Max Muster": the name must start with a capital letter.
BYLINE_START = re.compile(r"^(?i:by|von|par|por|di|door|przez|от|de)\s+[A-ZÀ-ÖØ-ÞА-ЯЁŁŚŻ]")
RELATED = _kw(
    "read more", "related", "recommended", "you may also like", "you might also like",
    "more from", "more stories", "trending", "most popular", "most read", "popular posts",
    "recent posts", "latest news", "latest posts", "see also", "also read", "further reading",
    "Weitere Artikel", "Mehr zum Thema", "Das könnte Sie auch interessieren", "Lesen Sie auch",
    "Meistgelesen", "à lire aussi", "Lire aussi", "articles similaires", "Sur le même sujet",
    "te puede interesar", "Lee también", "noticias relacionadas", "más leídas",
    "potrebbe interessarti", "leggi anche", "articoli correlati", "leia também", "veja também",
    "relacionad", "lees ook", "gerelateerd", "читайте также", "похожие", "популярное",
    "czytaj także", "zobacz też", "polecane", "ilgili", "benzer haberler", "関連記事", "おすすめ",
    "相关文章", "推荐", "热门", "Weiterlesen", "Lire la suite", "Leer más", "Continua a leggere",
)  # fmt: skip
NAVIGATION = _kw(
    "skip to", "menu", "home", "search", "next", "previous", "prev", "back to", "breadcrumb",
    "sitemap", "site map", "main navigation", "toggle navigation", "about us", "contact us",
    "Startseite", "Suche", "Weiter", "Zurück", "Accueil", "Rechercher", "Suivant", "Précédent",
    "Inicio", "Buscar", "Siguiente", "Anterior", "Cerca", "Successivo", "Precedente", "Início",
    "Pesquisar", "Próximo", "Zoeken", "Volgende", "Vorige", "Главная", "Поиск", "Далее",
    "Назад", "Strona główna", "Szukaj", "Następny", "Poprzedni", "Ana Sayfa", "Sonraki",
    "Önceki", "ホーム", "検索", "次へ", "前へ", "首页", "搜索", "下一页", "上一页",
)  # fmt: skip
OTHER = _kw(
    "loading", "back to top", "tags", "tagged", "filed under", "rating", "ratings", "stars",
    "add to cart", "add to basket", "add to bag", "in stock", "out of stock", "quantity",
    "price", "was this helpful", "feedback", "Warenkorb", "In den Warenkorb", "Ajouter au panier",
    "Añadir al carrito", "Aggiungi al carrello", "In winkelwagen", "В корзину", "Do koszyka",
    "Sepete ekle", "カートに入れる", "加入购物车", "Schlagwörter", "Stichwörter", "Etiquetas",
)  # fmt: skip
# "Ad" is also a word in several languages (it. "ad", tr. "ad"): only the capitalised label.
AD_LABEL = re.compile(r"^(Ad|Ads|AD|ADVERTISEMENT)$|(?<!\w)(Ad|Ads)(?!\w)\s*[:·|]")
SEPARATED_LIST = re.compile(r"(\S\s*[|·•»›/]\s*\S.*){2,}|(\S\s+>\s+\S)")
PRICE_RE = re.compile(r"[$€£¥₹]\s?\d|\d\s?[$€£¥₹]|\d+[.,]\d\d\s?(€|EUR|USD)")

# Checked in this order; the first rule that matches names the kind.
KEYWORD_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cookie", COOKIE),
    ("donation", DONATION),
    ("newsletter", NEWSLETTER),
    ("comments", COMMENTS),
    ("subscription", SUBSCRIPTION),
    ("advert", ADVERT),
    ("advert", AD_LABEL),
    ("share", SHARE),
    ("legal", LEGAL),
    ("caption-credit", CAPTION),
    ("related", RELATED),
    ("navigation", NAVIGATION),
    ("other", OTHER),
)
# Short lines only: a long line that merely mentions "share" or "home" is something else.
SHORT_ONLY = {"share", "navigation", "comments", "subscription", "related"}
SHORT_TOKENS = 12


def propose_kind(line: str, *, position: str, in_short_run: bool) -> str:
    """The kind the transparent rules propose for one noise line.

    ``position`` is ``"pre"`` (before the gold body), ``"mid"`` or ``"post"``;
    ``in_short_run`` says the line sits among several short lines (a menu).

    >>> propose_kind("We use cookies to improve your experience.", position="pre",
    ...              in_short_run=False)
    'cookie'
    >>> propose_kind("Alle Rechte vorbehalten", position="post", in_short_run=False)
    'legal'
    """
    toks = tokens(line)
    short = len(toks) <= SHORT_TOKENS
    probe = line + " \n " + GLUE_RE.sub(" ", line)
    dated = BYLINE_START.search(line) or DATE_RE.search(probe) or BYLINE.search(probe)
    if short and dated and not LEGAL.search(probe):
        return "byline-date"
    for kind, pattern in KEYWORD_RULES:
        if kind in SHORT_ONLY and not short:
            continue
        if pattern.search(probe):
            return kind
    if short and PRICE_RE.search(line):
        return "other"
    if SEPARATED_LIST.search(line) and short:
        return "navigation"
    words = line.split()
    title_case = bool(words) and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
    if len(toks) <= 4 and (in_short_run or position == "pre") and title_case:
        return "navigation"
    if position == "post" and 5 <= len(toks) <= 20 and not line.rstrip().endswith("."):
        return "related"
    if len(toks) <= 4 and position != "mid":
        return "navigation"
    return "other"


# ---------------------------------------------------------------- candidate extraction


def page_lines(page: Page) -> Iterator[tuple[str, str, float, str, bool, bool]]:
    """(converter, line, coverage, position, in_short_run, holds_without) for every line."""
    gold = Gold.from_text(page.gold)
    html = decode_html(page.html)
    without = [normalise(s) for s in page.without if len(s.strip()) >= 3]
    # Alternate which converter goes first so that neither owns all shared lines.
    order = list(CONVERTERS)
    if int(hashlib.sha1(page.page_id.encode()).hexdigest(), 16) % 2:
        order.reverse()
    for name in order:
        try:
            text = CONVERTERS[name](html)
        except Exception as exc:  # a converter failing on one page must not stop the build
            print(f"{page.dataset}/{page.page_id}: {name} failed: {exc}", file=sys.stderr)
            continue
        lines = [" ".join(raw.split()) for raw in text.splitlines()]
        lines = [line for line in lines if line]
        covs = [gold.coverage(tokens(line)) for line in lines]
        body_idx = [
            i for i, c in enumerate(covs) if c >= BODY_COVERAGE and len(tokens(lines[i])) >= 3
        ]
        first = body_idx[0] if body_idx else len(lines)
        last = body_idx[-1] if body_idx else -1
        short = [len(tokens(line)) <= 4 for line in lines]
        for i, line in enumerate(lines):
            position = "pre" if i < first else "post" if i > last else "mid"
            neighbours = short[max(0, i - 2) : i] + short[i + 1 : i + 3]
            in_run = short[i] and sum(neighbours) >= 2
            key = normalise(line)
            holds = any(s in key and (len(s) >= 20 or len(key) <= 3 * len(s)) for s in without)
            yield name, line, covs[i], position, in_run, holds


def page_candidates(page: Page) -> list[Candidate]:
    """The noise lines of one page, each once, with a proposed kind."""
    seen: set[str] = set()
    found: list[Candidate] = []
    for conv, line, cov, position, in_run, holds in page_lines(page):
        if not usable(line):
            continue
        if not (cov < NOISE_COVERAGE or (holds and cov < WITHOUT_MAX_COVERAGE)):
            continue
        key = normalise(line)
        if key in seen:
            continue
        seen.add(key)
        kind = propose_kind(line, position=position, in_short_run=in_run)
        found.append(Candidate(kind, line, page.dataset, page.page_id, page.site, conv, holds))
    return found


def stable_hash(*parts: str) -> str:
    """A fixed-seed tie-breaker independent of iteration order."""
    return hashlib.sha1("\x1f".join(("kinds-v1", *parts)).encode()).hexdigest()


def select(candidates: list[Candidate]) -> list[Candidate]:
    """Deduplicate across pages and cap per page, site and kind; rare kinds are chosen first."""
    unique: dict[str, Candidate] = {}
    for cand in candidates:  # candidates arrive in sorted page order
        unique.setdefault(normalise(cand.text), cand)
    pool = list(unique.values())
    frequency = Counter(c.kind for c in pool)

    def priority(c: Candidate) -> tuple[int, int, str]:
        return (
            0 if c.from_without else 1,
            frequency[c.kind],
            stable_hash(c.dataset, c.page_id, c.text),
        )

    per_page: Counter[tuple[str, str]] = Counter()
    per_site: Counter[tuple[str, str]] = Counter()
    per_kind: Counter[str] = Counter()
    chosen: list[Candidate] = []
    for cand in sorted(pool, key=priority):
        quota = KIND_QUOTA.get(cand.kind, DEFAULT_QUOTA)
        page_key, site_key = (cand.dataset, cand.page_id), (cand.dataset, cand.site)
        if per_page[page_key] >= PAGE_CAP or per_site[site_key] >= SITE_CAP:
            continue
        if per_kind[cand.kind] >= quota:
            continue
        per_page[page_key] += 1
        per_site[site_key] += 1
        per_kind[cand.kind] += 1
        chosen.append(cand)
    return chosen


# ---------------------------------------------------------------- review and output


ReviewKey = tuple[str, str, str]


def read_review(path: Path) -> dict[ReviewKey, tuple[str, str]]:
    """Corrections: (dataset, page_id, text) -> (action, kind); action is relabel or remove."""
    review: dict[ReviewKey, tuple[str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if header != ["action", "kind", "dataset", "page_id", "text"]:
            raise ValueError(f"{path}: unexpected header {header}")
        for number, raw in enumerate(fh, start=2):
            fields = raw.rstrip("\n").split("\t")
            if len(fields) != 5:
                raise ValueError(f"{path}, line {number}: expected 5 fields, got {len(fields)}")
            action, kind, dataset, page_id, text = fields
            if action not in ("relabel", "remove") or (action == "relabel" and kind not in KINDS):
                raise ValueError(f"{path}, line {number}: bad action/kind {action!r} {kind!r}")
            review[(dataset, page_id, text)] = (action, kind)
    return review


def clean_field(text: str) -> str:
    """Tabs and newlines become spaces so that a row stays one line."""
    return re.sub(r"[\t\r\n]+", " ", text).strip()


def write_rows(
    chosen: list[Candidate], out: Path, review: dict[ReviewKey, tuple[str, str]] | None
) -> Counter[str]:
    """Write the TSV and return the count of rows per kind."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    used: set[ReviewKey] = set()
    for cand in chosen:
        text = clean_field(cand.text)
        kind, status = cand.kind, "rule"
        if review is not None:
            key = (cand.dataset, cand.page_id, text)
            action, new_kind = review.get(key, ("confirm", kind))
            if key in review:
                used.add(key)
            if action == "remove":
                continue
            status = "corrected" if new_kind != kind else "rule-confirmed"
            kind = new_kind
        rows.append((kind, text, cand.dataset, cand.page_id, cand.converter, status))
    if review is not None:
        stale = set(review) - used
        if stale:
            sample = sorted(stale)[:3]
            print(
                f"warning: {len(stale)} review rows match no candidate, e.g. {sample}",
                file=sys.stderr,
            )
    rows.sort(key=lambda r: (KINDS.index(r[0]), r[2], r[3], r[1]))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(HEADER) + "\n")
        for row in rows:
            fh.write("\t".join(row) + "\n")
    return Counter(r[0] for r in rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--out", type=Path, required=True, help="TSV to write")
    parser.add_argument("--review", type=Path, help="review corrections to apply")
    parser.add_argument("--limit", type=int, default=0, help="read only this many pages (debug)")
    args = parser.parse_args(argv)

    readers = {"wcxb-dev": read_wcxb, "mozilla-readability": read_readability}
    candidates: list[Candidate] = []
    pages = 0
    for dataset in TRAIN_DATASETS:
        for page in readers[dataset](args.data / dataset):
            if args.limit and pages >= args.limit:
                break
            pages += 1
            candidates.extend(page_candidates(page))
    chosen = select(candidates)
    review = read_review(args.review) if args.review else None
    counts = write_rows(chosen, args.out, review)
    print(f"{pages} pages, {len(candidates)} noise lines, {sum(counts.values())} rows written")
    for kind in KINDS:
        print(f"  {kind:15s} {counts[kind]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
