"""The RTF reader: text without control words, escapes decoded with the document's code page.

RTF files are written here byte by byte, so each expected text is known exactly; the three
macOS TextEdit notes of the code-review study in the shared fixtures are checked against their
own source: every ``\\'92`` must come out as a right quote, every heading and bullet line kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted
from qualcode.study.formats.rtf import read
from tests.helpers import SHARED

RTF_DIR = SHARED / "fixtures" / "transcripts" / "rtf"
NOTES = ["code-review-P1R1.rtf", "code-review-P2R1.rtf", "code-review-P3R1.rtf"]
CONTROL_WORD = re.compile(r"\\[a-z]+")
HEADINGS = ["REVIEW TYPE AND GOAL", "CONTEXT", "TRANSCRIPT"]
HEADER = rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Helvetica;}}{\colortbl;\red255\green0\blue0;}"


def _fixture(name: str) -> Path:
    path = RTF_DIR / name
    if not path.is_file():
        pytest.skip(f"the shared fixture {path} is not here")
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _source_lines(path: Path) -> list[str]:
    """The text lines of a TextEdit file as written (one ``\\``-ended line per paragraph)."""
    source = path.read_bytes().decode("latin-1")
    body = source[source.index("\\cf0 ") + len("\\cf0 ") : source.rindex("}")]
    return [line.removesuffix("\\").rstrip() for line in body.split("\n")]


# ------------------------------------------------------------------------------------------------
# Files written here
# ------------------------------------------------------------------------------------------------


def test_format_rtf_decodes_code_page_and_unicode_escapes(tmp_path):
    path = _write(
        tmp_path / "notes.rtf",
        HEADER + rb"\f0\fs24 Maria\'92s \'e6bleskiver: \u8220?yes\u8221?, she said.\par "
        rb"Second \b bold\b0  line   \par"
        rb"\par\par\par "
        rb"Last\tab line\line wrapped\par}",
    )

    extracted = read(path)

    assert extracted.text == "Maria’s æbleskiver: “yes”, she said.\nSecond bold line\n\nLast\tline\nwrapped"
    assert extracted.key_value_block is True
    assert extracted.warnings == []


def test_format_rtf_without_code_page_reads_windows_1252(tmp_path):
    path = _write(tmp_path / "plain.rtf", rb"{\rtf1\ansi It\'92s caf\'e9 time\par}")

    assert read(path).text == "It’s café time"


def test_format_rtf_declared_code_page_is_used(tmp_path):
    # 0xe8 is "č" in Windows-1250 (Central European) but "è" in Windows-1252
    path = _write(tmp_path / "czech.rtf", rb"{\rtf1\ansi\ansicpg1250 Kone\'e8n\'ec\par}")

    assert read(path).text == "Konečně"


def test_format_rtf_unknown_code_page_reads_windows_1252_with_a_warning(tmp_path):
    path = _write(tmp_path / "odd.rtf", rb"{\rtf1\ansi\ansicpg99999 caf\'e9\par}")

    extracted = read(path)

    assert extracted.text == "café"
    assert extracted.warnings == [(0, "unknown code page \\ansicpg99999; accented letters were read as Windows-1252")]


def test_format_rtf_unicode_escape_skips_its_fallback_and_pairs_surrogates(tmp_path):
    path = _write(tmp_path / "emoji.rtf", rb"{\rtf1\ansi\uc1 \u8220\'93Hi\u8221\'94 \u-10179?\u-8704?\par}")

    assert read(path).text == "“Hi” 😀"


def test_format_rtf_raw_8bit_bytes_use_the_code_page(tmp_path):
    path = _write(tmp_path / "raw.rtf", b"{\\rtf1\\ansi\\ansicpg1252 it\x92s\\par}")

    assert read(path).text == "it’s"


def test_format_rtf_crlf_and_blank_lines_are_tidied(tmp_path):
    path = _write(
        tmp_path / "crlf.rtf", b"{\\rtf1\\ansi\r\n\\par\\par first  \\par\r\n\\par\\par\\par\\par second\\par\\par}"
    )

    assert read(path).text == "first\n\nsecond"


def test_format_rtf_document_without_text_gives_empty_text(tmp_path):
    path = _write(tmp_path / "empty.rtf", HEADER + rb"\f0\par\par}")

    assert read(path) == Extracted("", key_value_block=True)


@pytest.mark.parametrize("data", [b"Interviewer: Hello.\n", b"PK\x03\x04 a zip", b""])
def test_format_rtf_file_that_is_not_rtf_is_unreadable(tmp_path, data):
    path = _write(tmp_path / "notes.rtf", data)

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not an RTF file (it does not start with {\\rtf); "
        "save it again as Rich Text Format, or give it the extension of its real format"
    )


# ------------------------------------------------------------------------------------------------
# The real TextEdit notes in the shared fixtures
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOTES)
def test_format_rtf_textedit_notes_have_no_control_words_or_header(name):
    path = _fixture(name)
    source = path.read_bytes().decode("latin-1")

    text = read(path).text

    assert CONTROL_WORD.findall(text) == []
    for leftover in ["Helvetica", "fonttbl", "colortbl", "cocoa", ";;", "\\"]:
        assert leftover not in text
    # the only braces are the ones the notes escape as text (P2R1 has one typed "\{")
    assert text.count("{") == source.count("\\{")
    assert text.count("}") == source.count("\\}")
    assert text.startswith(("REVIEW TYPE AND GOAL\n", "P1R1\n"))


@pytest.mark.parametrize(
    ("name", "quotes"), [("code-review-P1R1.rtf", 1), ("code-review-P2R1.rtf", 4), ("code-review-P3R1.rtf", 7)]
)
def test_format_rtf_textedit_notes_decode_right_quotes(name, quotes):
    path = _fixture(name)
    assert path.read_bytes().count(rb"\'92") == quotes

    text = read(path).text

    assert text.count("\u2019") == quotes
    assert "\x92" not in text
    assert "\ufffd" not in text


def test_format_rtf_textedit_note_keeps_quote_in_its_sentence():
    text = read(_fixture("code-review-P1R1.rtf")).text

    assert "so her decision doesn’t matter until that happens." in text


@pytest.mark.parametrize("name", NOTES)
def test_format_rtf_textedit_notes_keep_headings_and_bullets(name):
    path = _fixture(name)
    source_lines = _source_lines(path)
    bullets = [line for line in source_lines if line.startswith("- ")]
    assert len(bullets) > 5

    lines = read(path).text.split("\n")

    for heading in HEADINGS:
        assert heading in lines
    assert [line for line in lines if line.startswith("- ")] == [
        re.sub(r"\\'9[1-4]", lambda m: {"1": "‘", "2": "’", "3": "“", "4": "”"}[m[0][-1]], line)
        .replace("\\{", "{")
        .removesuffix("}")
        for line in bullets
    ]


def test_format_rtf_textedit_note_text_is_exact():
    text = read(_fixture("code-review-P1R1.rtf")).text

    assert text.startswith(
        "REVIEW TYPE AND GOAL\n"
        "Subsequent review - see how previous comments were addressed\n"
        "Refactoring - improving variable naming\n"
        "\n"
        "CONTEXT\n"
        "- As a maintainer, she merges the code"
    )
    assert text.endswith(
        "- Finishing going through all the changed lines\n"
        "\n"  # two empty paragraphs in the source: one blank line
        "GENERAL STRATEGY\n"
        "Checking description\n"
        "Top to bottom\n"
        "\n"
        "UNDERSTANDING\n"
        "Full\n"
        "Not really needed"
    )
