"""The Word reader: the body's paragraphs and tables in order, one text paragraph per Word paragraph.

Documents written here with python-docx show each rule on a text known exactly; the Danish
interviews and the English interview guide in the shared fixtures are checked against
python-docx's own paragraphs, counted in the test independently of the reader.
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted
from qualcode.study.formats.docx import read
from tests.helpers import SHARED

DOCX_DIR = SHARED / "fixtures" / "transcripts" / "docx"
INTERVIEWS = ["ecape-interview-01.docx", "ecape-interview-02.docx", "ecape-interview-03.docx"]
#: a turn label at the start of a line: ``I1:``, ``K:``, ``Y:``, also after a time ``*0:0 = I1:``
LABEL = re.compile(r"^(?:\*?[\d:.]+ = )?[A-ZÆØÅ]\d?:", re.MULTILINE)
UNREADABLE_END = "; open it in Word and save it again as .docx"


def _fixture(name: str) -> Path:
    path = DOCX_DIR / name
    if not path.is_file():
        pytest.skip(f"the shared fixture {path} is not here")
    return path


def _raw_paragraphs(path: Path) -> list[str]:
    """python-docx's own text of each body paragraph, as the researcher sees it in Word."""
    return [unicodedata.normalize("NFC", p.text) for p in docx.Document(str(path)).paragraphs]


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


# ------------------------------------------------------------------------------------------------
# Documents written here
# ------------------------------------------------------------------------------------------------


def _interview(path: Path) -> Path:
    """A Word transcript using everything the reader must handle (see the expected text below)."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "RUNNING HEADER Alder Creek study"
    section.footer.paragraphs[0].text = "Confidential footer, page 1"

    document.add_paragraph("case: Alder Creek")
    document.add_paragraph("role: teacher")
    document.add_paragraph("")
    document.add_paragraph("")
    first = document.add_paragraph("Interviewer: First line of the question")
    first.runs[0].add_break()  # a soft line break (Shift+Enter)
    first.add_run("and its second line.   ")
    document.add_paragraph("")
    document.add_paragraph("")
    document.add_paragraph("Maria Lopez:\tWe keep a binder.")
    quoted = document.add_paragraph("Interviewer: Who reads it?")
    if hasattr(document, "add_comment"):  # python-docx >= 1.2
        document.add_comment(quoted.runs[0], text="COMMENT check this quote", author="Ana")

    turns = document.add_table(rows=3, cols=2)
    for row, cells in zip(
        turns.rows, [["Speaker", "Text"], ["Interviewer", "How did it start?"], ["Maria Lopez", "With a binder."]]
    ):
        for cell, value in zip(row.cells, cells):
            cell.text = value

    timed = document.add_table(rows=2, cols=3)
    for row, cells in zip(
        timed.rows, [["00:12:31", "Maria Lopez", "Then we met."], ["[00:13:05]", "Interviewer", "Why?"]]
    ):
        for cell, value in zip(row.cells, cells):
            cell.text = value

    notes = document.add_table(rows=2, cols=3)
    merged = notes.cell(0, 0).merge(notes.cell(0, 2))
    merged.text = "Notes on the session"
    for cell, value in zip(notes.rows[1].cells, ["Coffee break", "10 min", "room 2"]):
        cell.text = value

    document.add_paragraph("The end.")
    document.save(str(path))
    return path


INTERVIEW_TEXT = (
    "case: Alder Creek\n\n"
    "role: teacher\n\n"
    "Interviewer: First line of the question\nand its second line.\n\n"
    "Maria Lopez:\tWe keep a binder.\n\n"
    "Interviewer: Who reads it?\n\n"
    "Interviewer: How did it start?\n\n"
    "Maria Lopez: With a binder.\n\n"
    "[00:12:31] Maria Lopez: Then we met.\n\n"
    "[00:13:05] Interviewer: Why?\n\n"
    "Notes on the session\n\n"
    "Coffee break | 10 min | room 2\n\n"
    "The end."
)


def test_format_docx_reads_paragraphs_and_tables_in_order(tmp_path):
    extracted = read(_interview(tmp_path / "interview.docx"))

    assert extracted.text == INTERVIEW_TEXT
    assert extracted.key_value_block is True
    assert extracted.warnings == []


def test_format_docx_leaves_out_header_footer_and_comments(tmp_path):
    path = _interview(tmp_path / "interview.docx")
    # the document does hold them, so their absence below is the reader's doing
    document = docx.Document(str(path))
    assert document.sections[0].header.paragraphs[0].text == "RUNNING HEADER Alder Creek study"
    assert document.sections[0].footer.paragraphs[0].text == "Confidential footer, page 1"
    if hasattr(document, "comments"):
        assert [c.text for c in document.comments] == ["COMMENT check this quote"]

    text = read(path).text

    assert "RUNNING HEADER" not in text
    assert "Confidential footer" not in text
    assert "COMMENT" not in text


def test_format_docx_soft_break_stays_one_line_break_and_empty_paragraphs_collapse(tmp_path):
    document = docx.Document()
    document.add_paragraph("")
    line = document.add_paragraph("one")
    line.runs[0].add_break()
    line.add_run("two\tcolumn  ")
    for _ in range(3):
        document.add_paragraph("   ")
    document.add_paragraph("three")
    document.add_paragraph("")
    path = tmp_path / "breaks.docx"
    document.save(str(path))

    assert read(path).text == "one\ntwo\tcolumn\n\nthree"


def test_format_docx_speaker_rows_need_a_short_name_cell(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=4, cols=2)
    rows = [
        ["Interviewer", "How did it start?"],
        ["Maria Lopez:", "With a binder."],  # a colon typed in the cell is not doubled
        ["We started in the fall of 2019 with a binder.", "It worked."],  # a sentence, not a name
        ["1", "A numbered row"],  # no letter: not a name
    ]
    for row, cells in zip(table.rows, rows):
        for cell, value in zip(row.cells, cells):
            cell.text = value
    path = tmp_path / "table.docx"
    document.save(str(path))

    assert read(path).text == (
        "Interviewer: How did it start?\n\n"
        "Maria Lopez: With a binder.\n\n"
        "We started in the fall of 2019 with a binder. | It worked.\n\n"
        "1 | A numbered row"
    )


def test_format_docx_vertically_merged_cell_appears_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Theme A"
    table.cell(0, 1).text = "first point."
    table.cell(1, 1).text = "second point."
    path = tmp_path / "merged.docx"
    document.save(str(path))
    # python-docx itself repeats the merged cell in the second row
    assert [c.text for c in docx.Document(str(path)).tables[0].rows[1].cells] == ["Theme A", "second point."]

    assert read(path).text == "Theme A: first point.\n\nsecond point."


def test_format_docx_keeps_tracked_insertions_and_drops_deletions(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("We meet ")
    paragraph._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="Ana"><w:r><w:t>every Wednesday</w:t></w:r></w:ins>')
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="Ana"><w:r><w:delText> on Mondays</w:delText></w:r></w:del>'
        )
    )
    paragraph.add_run(".")
    path = tmp_path / "tracked.docx"
    document.save(str(path))
    # python-docx's paragraph text misses the insertion: the reader must not rely on it
    assert docx.Document(str(path)).paragraphs[0].text == "We meet ."

    assert read(path).text == "We meet every Wednesday."


def test_format_docx_document_without_text_gives_empty_text(tmp_path):
    document = docx.Document()
    document.add_paragraph("")
    document.add_table(rows=1, cols=2)
    path = tmp_path / "empty.docx"
    document.save(str(path))

    assert read(path) == Extracted("", key_value_block=True)


def test_format_docx_random_bytes_are_unreadable(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"\x00\x01" + random.Random(7).randbytes(2048))

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable Word document (the file is not a zip archive, which every .docx file is)" + UNREADABLE_END
    )


def test_format_docx_truncated_file_is_unreadable(tmp_path):
    data = _interview(tmp_path / "whole.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value).startswith("not a readable Word document (damaged: ")
    assert str(caught.value).endswith(UNREADABLE_END)


def test_format_docx_word_lock_file_is_unreadable(tmp_path):
    path = tmp_path / "~$interview.docx"
    path.write_bytes(b"\x05Maria Lopez" + b"\x00" * 150)  # what Word leaves while the file is open

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable Word document (it is the lock file Word keeps next to an open document, "
        "not the document itself)" + UNREADABLE_END
    )


def test_format_docx_old_doc_file_is_unreadable(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable Word document (it is an old-format .doc file or a password-protected document)" + UNREADABLE_END
    )


# ------------------------------------------------------------------------------------------------
# The real Word files in the shared fixtures
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", INTERVIEWS)
def test_format_docx_danish_interview_keeps_every_paragraph(name):
    path = _fixture(name)
    raw = _raw_paragraphs(path)
    non_empty = [p.rstrip() for p in raw if p.strip()]
    assert len(raw) > len(non_empty)  # each interview has empty Word paragraphs to collapse

    paragraphs = _paragraphs(read(path).text)

    assert len(paragraphs) == len(non_empty)
    assert paragraphs == non_empty


@pytest.mark.parametrize(
    ("name", "legend"),
    [
        (
            "ecape-interview-01.docx",
            ["Transskribering af interview nr. 1", "I1: Interviewer 1", "I2: Interviewer 2", "M: Mand", "K: Kvinde"],
        ),
        ("ecape-interview-02.docx", ["Interview 2", "I = Interviewer; I2 = interviewer; Y = informant"]),
        ("ecape-interview-03.docx", ["Interview 1", "I1: Interviewer 1, I2: Interviewer 2; X: Informant"]),
    ],
)
def test_format_docx_danish_interview_starts_with_its_legend(name, legend):
    text = read(_fixture(name)).text

    assert _paragraphs(text)[: len(legend)] == legend


@pytest.mark.parametrize("name", INTERVIEWS)
def test_format_docx_danish_interview_keeps_danish_letters(name):
    path = _fixture(name)
    raw = "\n".join(_raw_paragraphs(path))

    text = read(path).text

    for letter in "æøåÆØÅ":
        assert text.count(letter) == raw.count(letter), letter
    assert min(text.count(letter) for letter in "æøå") > 0


@pytest.mark.parametrize(
    ("name", "labels"),
    [("ecape-interview-01.docx", 990), ("ecape-interview-02.docx", 818), ("ecape-interview-03.docx", 570)],
)
def test_format_docx_danish_interview_keeps_every_turn_label(name, labels):
    path = _fixture(name)
    counted = len(LABEL.findall("\n".join(_raw_paragraphs(path))))

    found = len(LABEL.findall(read(path).text))

    assert found == counted
    assert counted == labels  # the count over python-docx's paragraphs, pinned


def test_format_docx_danish_interview_keeps_timestamped_turns():
    text = read(_fixture("ecape-interview-01.docx")).text

    assert text.startswith("Transskribering af interview nr. 1\n\nI1: Interviewer 1\n\n")
    assert "\n\n*0:0 = I1: Mange måske tænker anderledes om det." in text
    assert "\n\n*1:40 = I1: Hvad kom i fra for noget i Aarhus?\n\n" in text


def test_format_docx_interview_guide_keeps_headings_and_questions_in_order():
    path = _fixture("ecape-interview-guide-en.docx")
    non_empty = [p.rstrip() for p in _raw_paragraphs(path) if p.strip()]

    paragraphs = _paragraphs(read(path).text)

    assert paragraphs == non_empty
    assert len(paragraphs) == 100
    assert paragraphs[0] == "Translated interview guide: Households’ coping with the energy crisis in Denmark"
    headings = ["Background", "Home tour", "Energy consumption and reduction", "Ending the interview"]
    positions = [paragraphs.index(heading) for heading in headings]
    assert positions == sorted(positions)
    assert paragraphs[positions[0] + 1].startswith("Would you like to start by introducing yourself?")
