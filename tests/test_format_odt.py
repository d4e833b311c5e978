"""The OpenDocument reader: paragraphs and headings in order, with ODF's spaces, tabs and breaks.

Documents are written here with odfpy, or as a hand-made package when the XML itself matters
(white space, damage), so every expected text is known exactly.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest
from odf import dc, office, style, table, text
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted
from qualcode.study.formats.odt import read

UNREADABLE_END = "; open it in LibreOffice Writer and save it again as .odt"
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>{extra}
</manifest:manifest>
"""
CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
  <office:body>
    <office:text>
{body}
    </office:text>
  </office:body>
</office:document-content>
"""


def _package(path: Path, body: str, manifest_extra: str = "", content: str | None = None) -> Path:
    """An .odt written by hand: ``body`` is the XML inside ``office:text``."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", MANIFEST.format(extra=manifest_extra))
        archive.writestr("content.xml", content if content is not None else CONTENT.format(body=body))
    return path


def _interview(path: Path) -> Path:
    """An OpenDocument transcript written with odfpy (see the expected text below)."""
    document = OpenDocumentText()
    layout = style.PageLayout(name="pm1")
    document.automaticstyles.addElement(layout)
    master = style.MasterPage(name="Standard", pagelayoutname=layout)
    header, footer = style.Header(), style.Footer()
    header.addElement(text.P(text="RUNNING HEADER Alder Creek study"))
    footer.addElement(text.P(text="Confidential footer"))
    master.addElement(header)
    master.addElement(footer)
    document.masterstyles.addElement(master)
    body = document.text

    body.addElement(text.H(outlinelevel=1, text="Interview with Maria Lopez"))
    body.addElement(text.P(text="case: Alder Creek"))
    body.addElement(text.P())
    body.addElement(text.P())
    question = text.P(text="Interviewer: First line")
    question.addElement(text.LineBreak())
    question.addText("and the second line.")
    body.addElement(question)
    answer = text.P(text="Maria Lopez:")
    answer.addElement(text.Tab())
    answer.addText("We keep")
    answer.addElement(text.S(c=3))
    answer.addText("a binder.")
    note = text.Note(id="ftn1", noteclass="footnote")
    note.addElement(text.NoteCitation(text="1"))
    note_body = text.NoteBody()
    note_body.addElement(text.P(text="FOOTNOTE the binder is blue"))
    note.addElement(note_body)
    answer.addElement(note)
    comment = office.Annotation()
    comment.addElement(dc.Creator(text="Ana"))
    comment.addElement(text.P(text="COMMENT check this"))
    answer.addElement(comment)
    body.addElement(answer)
    emphasis = text.P(text="Interviewer: ")
    emphasis.addElement(text.Span(text="Who"))
    emphasis.addText(" reads it?")
    body.addElement(emphasis)

    items = text.List()
    for words in ["first item", "second item"]:
        item = text.ListItem()
        item.addElement(text.P(text=words))
        items.addElement(item)
    body.addElement(items)

    grid = table.Table(name="Notes")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for cells in [["Theme", "Quote"], ["Data use", "We sort the work."]]:
        row = table.TableRow()
        for value in cells:
            cell = table.TableCell()
            cell.addElement(text.P(text=value))
            row.addElement(cell)
        grid.addElement(row)
    body.addElement(grid)
    body.addElement(text.P(text="The end."))
    document.save(str(path))
    return path


INTERVIEW_TEXT = (
    "Interview with Maria Lopez\n\n"
    "case: Alder Creek\n\n"
    "Interviewer: First line\nand the second line.\n\n"
    "Maria Lopez:\tWe keep   a binder.\n\n"
    "Interviewer: Who reads it?\n\n"
    "first item\n\n"
    "second item\n\n"
    "Theme\n\n"
    "Quote\n\n"
    "Data use\n\n"
    "We sort the work.\n\n"
    "The end."
)


def test_format_odt_reads_headings_paragraphs_lists_and_tables_in_order(tmp_path):
    extracted = read(_interview(tmp_path / "interview.odt"))

    assert extracted.text == INTERVIEW_TEXT
    assert extracted.key_value_block is True
    assert extracted.warnings == []


def test_format_odt_leaves_out_header_footer_footnotes_and_comments(tmp_path):
    path = _interview(tmp_path / "interview.odt")
    with zipfile.ZipFile(path) as archive:  # the file does hold them
        styles = archive.read("styles.xml").decode()
        content = archive.read("content.xml").decode()
    assert "RUNNING HEADER" in styles and "Confidential footer" in styles
    assert "FOOTNOTE" in content and "COMMENT" in content

    result = read(path).text

    for hidden in ["RUNNING HEADER", "Confidential footer", "FOOTNOTE", "COMMENT", "Ana"]:
        assert hidden not in result


def test_format_odt_collapses_white_space_as_odf_says(tmp_path):
    body = """
      <text:p>
        Indented   source
        <text:span>text</text:span> <text:s text:c="2"/>kept<text:tab/>tab
      </text:p>
      <text:p>  </text:p>
      <text:p/>
      <text:p>after<text:line-break/>  break<text:s/></text:p>
    """
    path = _package(tmp_path / "spaces.odt", body)

    assert read(path).text == "Indented source text   kept\ttab\n\nafter\nbreak"


def test_format_odt_tracked_deletions_are_left_out(tmp_path):
    body = """
      <text:tracked-changes>
        <text:changed-region text:id="ct1">
          <text:deletion><text:p>DELETED words</text:p></text:deletion>
        </text:changed-region>
      </text:tracked-changes>
      <text:p>We meet<text:change text:change-id="ct1"/> on Wednesdays.</text:p>
    """
    path = _package(tmp_path / "tracked.odt", body)

    assert read(path).text == "We meet on Wednesdays."


def test_format_odt_document_without_text_gives_empty_text(tmp_path):
    document = OpenDocumentText()
    document.text.addElement(text.P())
    path = tmp_path / "empty.odt"
    document.save(str(path))

    assert read(path) == Extracted("", key_value_block=True)


def test_format_odt_random_bytes_are_unreadable(tmp_path):
    path = tmp_path / "broken.odt"
    path.write_bytes(b"\x00\x01" + random.Random(7).randbytes(2048))

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable OpenDocument text file (the file is not a zip archive, which every .odt file is)"
        + UNREADABLE_END
    )


def test_format_odt_damaged_content_is_unreadable_and_nothing_is_printed(tmp_path, capsys):
    whole = CONTENT.format(body="<text:p>We meet on Wednesdays.</text:p>")
    path = _package(tmp_path / "damaged.odt", "", content=whole[: whole.index("Wednesdays")])

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value).startswith("not a readable OpenDocument text file (damaged: content.xml line 6: ")
    assert str(caught.value).endswith(UNREADABLE_END)
    assert capsys.readouterr() == ("", "")  # odfpy alone would print the whole part


def test_format_odt_truncated_file_is_unreadable(tmp_path):
    data = _interview(tmp_path / "whole.odt").read_bytes()
    path = tmp_path / "truncated.odt"
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable OpenDocument text file (damaged: the zip archive is incomplete or corrupt)" + UNREADABLE_END
    )


def test_format_odt_password_protected_file_is_unreadable(tmp_path):
    encrypted = '\n <manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>'
    path = _package(tmp_path / "secret.odt", "", manifest_extra=encrypted, content="\x8f\x02binary")

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable OpenDocument text file (it is password-protected; save a copy without a password)"
        + UNREADABLE_END
    )


def test_format_odt_spreadsheet_is_unreadable(tmp_path):
    path = tmp_path / "codes.odt"
    OpenDocumentSpreadsheet().save(str(path))

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable OpenDocument text file (it is a spreadsheet document, not a text document)" + UNREADABLE_END
    )


def test_format_odt_word_file_with_odt_name_is_unreadable(tmp_path):
    document = docx.Document()
    document.add_paragraph("Interviewer: Hello.")
    path = tmp_path / "interview.odt"
    document.save(str(path))

    with pytest.raises(UnreadableFileError) as caught:
        read(path)

    assert str(caught.value) == (
        "not a readable OpenDocument text file (it is a Word document with an .odt name); rename it to .docx"
    )
