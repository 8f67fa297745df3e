"""Tests for boilerstrip.convert: charset detection and HTML-to-text converters."""

from __future__ import annotations

import codecs
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip.convert import (
    DEFAULT_CONVERTER,
    Converter,
    ConverterMissingError,
    decode_html,
    html_to_text,
    normalize_lines,
)

ALL_CONVERTERS = list(Converter)

SIMPLE_PAGE = (
    "<html><body><h1>Title</h1>\n<p>One <b>two</b>\n three</p>"
    "<p>  </p><div>Four</div></body></html>"
)


def test_converter_values() -> None:
    assert [c.value for c in Converter] == ["resiliparse", "inscriptis", "html-text", "lxml"]
    assert DEFAULT_CONVERTER is Converter.LXML


@pytest.mark.parametrize("converter", ALL_CONVERTERS)
def test_every_converter_writes_one_block_a_line(converter: Converter) -> None:
    assert html_to_text(SIMPLE_PAGE, converter=converter) == "Title\nOne two three\nFour"


@pytest.mark.parametrize("converter", ALL_CONVERTERS)
def test_every_converter_drops_scripts_and_styles(converter: Converter) -> None:
    html = "<html><head><style>p{}</style></head><body><script>var a=1;</script><p>Kept</p>"
    assert html_to_text(html + "</body></html>", converter=converter) == "Kept"


@pytest.mark.parametrize("converter", ALL_CONVERTERS)
@pytest.mark.parametrize("html", ["", "   \n ", "<!-- only a comment -->", "\x00\x00"])
def test_every_converter_returns_empty_text_for_empty_pages(
    converter: Converter, html: str
) -> None:
    assert html_to_text(html, converter=converter) == ""


@pytest.mark.parametrize("converter", ALL_CONVERTERS)
def test_lone_surrogates_and_nul_do_not_crash(converter: Converter) -> None:
    assert html_to_text("<p>a\x00b\ud800c</p>", converter=converter) == "ab\ufffdc"


@pytest.mark.parametrize("converter", ALL_CONVERTERS)
def test_control_characters_do_not_crash(converter: Converter) -> None:
    """A backspace after a broken comment made html-text's lxml cleaner raise."""
    text = html_to_text("0<!<p>\x08x\x0by\ufffez", converter=converter)
    expected = "0xyz" if converter is Converter.HTML_TEXT else "0\x08x y\ufffez"
    assert text == expected


def test_converter_accepts_its_string_value() -> None:
    assert html_to_text("<p>a</p><p>b</p>", converter="inscriptis") == "a\nb"  # type: ignore[arg-type]


def test_unknown_converter_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        html_to_text("<p>a</p>", converter="nope")  # type: ignore[arg-type]


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="bytes"):
        html_to_text(b"<p>a</p>")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("converter", "module"),
    [
        (Converter.RESILIPARSE, "resiliparse.parse.html"),
        (Converter.INSCRIPTIS, "inscriptis"),
        (Converter.HTML_TEXT, "html_text"),
        (Converter.LXML, "lxml.html"),
    ],
)
def test_missing_package_names_the_extra(
    converter: Converter, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ConverterMissingError, match=r"boilerstrip\[convert\]") as raised:
        html_to_text("<p>a</p>", converter=converter)
    assert isinstance(raised.value, ImportError)
    assert converter.value in str(raised.value)


def test_lxml_blocks_breaks_cells_and_pre() -> None:
    html = (
        "<div>Top<br>next<span> inline</span></div>"
        "<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>"
        "<pre>line one\n  line   two\n</pre>after<ul><li>x</li><li>y<ol><li>z</li></ol></li></ul>"
        "<noscript>ns</noscript><template>tp</template><svg><text>sv</text></svg>tail"
    )
    assert html_to_text(html, converter=Converter.LXML) == (
        "Top\nnext inline\na b\nc d\nline one\nline two\nafter\nx\ny\nz\ntail"
    )


def test_lxml_keeps_inline_words_glued_as_written() -> None:
    html = "<p>un<b>believ</b>able <i>and</i>\n<a href='#'>linked</a></p>"
    assert html_to_text(html, converter=Converter.LXML) == "unbelievable and linked"


def test_lxml_handles_xml_declaration_and_fragments() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><p>one</p>plain <em>two</em>'
    assert html_to_text(html, converter=Converter.LXML) == "one\nplain two"


def test_lxml_survives_very_deep_nesting() -> None:
    depth = 1500  # past both libxml2's default limit (256) and Python's recursion limit
    html = "<div>" * depth + "deep" + "</div>" * depth + "<p>end</p>"
    assert html_to_text(html, converter=Converter.LXML) == "deep\nend"


def test_normalize_lines() -> None:
    assert normalize_lines(" a \t b \r\n\n\n\u00a0c\u00a0 \n") == "a b\nc"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<p>caf\xc3\xa9</p>", "<p>café</p>"),
        (b"<p>caf\xe9</p>", "<p>café</p>"),
        (b"<p>\x93quoted\x94</p>", "<p>\u201cquoted\u201d</p>"),
        (codecs.BOM_UTF8 + b"caf\xc3\xa9", "café"),
        (codecs.BOM_UTF16_LE + "été".encode("utf-16-le"), "été"),
        (codecs.BOM_UTF16_BE + "été".encode("utf-16-be"), "été"),
        (b'<meta charset="iso-8859-2">\xb1', '<meta charset="iso-8859-2">ą'),
        (b"<META CHARSET=koi8-r>\xc1", "<META CHARSET=koi8-r>\u0430"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">\x82\xa0',
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">あ',
        ),
        (
            b'<?xml version="1.0" encoding="windows-1251"?>\xe4',
            '<?xml version="1.0" encoding="windows-1251"?>д',
        ),
        # Latin-1 labels mean windows-1252 in browsers: 0x80 is the euro sign.
        (b'<meta charset="ISO-8859-1">\x80', '<meta charset="ISO-8859-1">€'),
        # Wrong declaration: the bytes are not valid in it, so UTF-8 is tried next.
        (b'<meta charset="utf-8">caf\xe9', '<meta charset="utf-8">café'),
        # A declaration the bytes are valid in wins, even over plausible UTF-8.
        (b'<meta charset="shift_jis">caf\xc3\xa9', '<meta charset="shift_jis">caf\uff83\uff69'),
        # Unknown, non-text and refused labels are ignored.
        (b'<meta charset="no-such-codec">caf\xc3\xa9', '<meta charset="no-such-codec">café'),
        (b'<meta charset="base64">abc', '<meta charset="base64">abc'),
        (b'<meta charset="utf-7">+AGE-', '<meta charset="utf-7">+AGE-'),
        # A UTF-16 label in an ASCII-compatible page means UTF-8.
        (b'<meta charset="utf-16">caf\xc3\xa9', '<meta charset="utf-16">café'),
        (b"", ""),
    ],
)
def test_decode_html(data: bytes, expected: str) -> None:
    assert decode_html(data) == expected


def test_decode_html_ignores_declarations_after_the_prescan() -> None:
    data = b" " * 5000 + b'<meta charset="koi8-r">\xc1'
    assert decode_html(data) == " " * 5000 + '<meta charset="koi8-r">Á'


def test_decode_html_replaces_bytes_undefined_in_cp1252() -> None:
    assert decode_html(b"a\x81b\xff") == "a\ufffdbÿ"


def test_decode_html_rejects_text() -> None:
    with pytest.raises(TypeError, match="str"):
        decode_html("already text")  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_decode_html_never_raises(data: bytes) -> None:
    assert isinstance(decode_html(b"<meta charset=gbk>" + data), str)
    assert isinstance(decode_html(data), str)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["<p>", "</p>", "<div>", "<br>", "<pre>", "</pre>", "<td>", "<!--", "x"])
        | st.text(max_size=8),
        max_size=30,
    )
)
def test_converters_never_raise_and_keep_the_line_contract(parts: list[str]) -> None:
    html = "".join(parts)
    for converter in ALL_CONVERTERS:
        text = html_to_text(html, converter=converter)
        assert text == normalize_lines(text)
