"""Word (.docx) transcripts: the body's paragraphs and tables, in document order.

Each Word paragraph becomes one text paragraph; paragraphs are separated by one blank line however
many empty Word paragraphs stand between them. A soft line break inside a paragraph stays a single
line break and a tab stays a tab; trailing spaces are dropped. Text typed as a tracked insertion
is kept and tracked deletions are left out. Page headers and footers, comments, footnotes and
text boxes are not part of the body and never appear.

A table is read row by row, one paragraph a row: ``[speaker, text]`` becomes ``Speaker: text``
and ``[time, speaker, text]`` becomes ``[time] Speaker: text``, so a transcript typed as a table
gives the same turns as one typed as paragraphs; any other row gives its non-empty cells joined
by `` | ``. A merged cell appears once, and a first row of column headings (Speaker, Time,
Text…) is skipped.

A file python-docx cannot open (not a zip package, damaged, a ``~$`` lock file, an old ``.doc``)
raises :class:`~qualcode.errors.UnreadableFileError`; a document without any text gives empty
text.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted, clean_paragraph, join_paragraphs

_P = qn("w:p")
_TBL = qn("w:tbl")
_R = qn("w:r")
# Containers whose block content (paragraphs, tables) belongs to the surrounding body or cell.
_BLOCK_WRAPPERS = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")})
# A run below one of these is not text of the paragraph: tracked deletions and moved-away text,
# text boxes (their own story, anchored in the paragraph) and the fallback copy of a drawing.
_NOT_PARAGRAPH_TEXT = frozenset(
    {
        qn("w:del"),
        qn("w:moveFrom"),
        qn("w:txbxContent"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    }
)

# Errors python-docx, zipfile and lxml raise for a file that is not a sound .docx package.
_OPEN_ERRORS = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    SyntaxError,  # lxml's XMLSyntaxError
    RuntimeError,  # an encrypted zip member
    NotImplementedError,  # an unsupported zip compression method
    AttributeError,  # parts python-docx expects but a damaged or hand-made file lacks
    TypeError,
    IndexError,
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_TIME = re.compile(r"[\[(]?(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?[\])]?")
_SENTENCE_END = re.compile(r"[.?!…]$|[?!]")
_HEADINGS = frozenset(
    {
        "speaker",
        "speakers",
        "name",
        "time",
        "timestamp",
        "time stamp",
        "timecode",
        "time code",
        "text",
        "transcript",
        "transcription",
        "utterance",
    }
)


def read(path: Path) -> Extracted:
    """The body text of the Word document at ``path`` (see the module docstring for the rules)."""
    document = _open(path)
    paragraphs: list[str] = []
    try:
        for block in _iter_blocks(document.element.body, document):
            if isinstance(block, Paragraph):
                paragraphs.append(_paragraph_text(block))
            else:
                paragraphs.extend(_table_paragraphs(block))
    except _OPEN_ERRORS as exc:
        raise UnreadableFileError(
            f"not a readable Word document (damaged: {_detail(exc)}); open it in Word and save it again as .docx"
        ) from None
    return Extracted(join_paragraphs(paragraphs), key_value_block=True)


def _open(path: Path) -> Document:
    data = path.read_bytes()
    if data.startswith(_OLE_MAGIC):
        reason = "it is an old-format .doc file or a password-protected document"
    elif not data.startswith(b"PK"):
        reason = "the file is not a zip archive, which every .docx file is"
    else:
        try:
            return docx.Document(io.BytesIO(data))
        except _OPEN_ERRORS as exc:
            reason = f"damaged: {_detail(exc)}"
    if path.name.startswith("~$"):
        reason = "it is the lock file Word keeps next to an open document, not the document itself"
    raise UnreadableFileError(f"not a readable Word document ({reason}); open it in Word and save it again as .docx")


def _detail(exc: Exception) -> str:
    if exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return type(exc).__name__


def _iter_blocks(element: BaseOxmlElement, parent: Document | _Cell) -> Iterator[Paragraph | Table]:
    """The paragraphs and tables directly in ``element`` (a body or a cell), in order."""
    for child in element.iterchildren():
        if child.tag == _P:
            yield Paragraph(child, parent)
        elif child.tag == _TBL:
            yield Table(child, parent)
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _iter_blocks(child, parent)


def _paragraph_text(paragraph: Paragraph) -> str:
    """The paragraph's text, runs inside hyperlinks, fields, content controls and insertions too."""
    p = paragraph._p
    parts: list[str] = []
    for r in p.iter(_R):
        if not any(ancestor.tag in _NOT_PARAGRAPH_TEXT for ancestor in _ancestors_below(r, p)):
            parts.append(Run(r, paragraph).text)
    return "".join(parts)


def _ancestors_below(element: BaseOxmlElement, top: BaseOxmlElement) -> Iterator[BaseOxmlElement]:
    for ancestor in element.iterancestors():
        if ancestor is top:
            return
        yield ancestor


def _table_paragraphs(table: Table) -> list[str]:
    """One paragraph per row with text; a merged cell counts once, a heading row is dropped."""
    seen: set[CT_Tc] = set()
    paragraphs: list[str] = []
    first = True
    for row in table.rows:
        values: list[str] = []
        for cell in row.cells:
            # python-docx repeats a merged cell for every grid column and row it spans.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            value = _cell_text(cell)
            if value:
                values.append(value)
        if not values:
            continue
        if first and all(_is_heading(value) for value in values):
            first = False
            continue
        first = False
        paragraphs.append(_row_paragraph(values))
    return paragraphs


def _cell_text(cell: _Cell) -> str:
    lines: list[str] = []
    for block in _iter_blocks(cell._tc, cell):
        if isinstance(block, Paragraph):
            lines.append(_paragraph_text(block))
        else:
            lines.extend(_table_paragraphs(block))
    return clean_paragraph("\n".join(lines))


def _row_paragraph(values: list[str]) -> str:
    if len(values) == 2 and _is_speaker(values[0]):
        return f"{_speaker(values[0])}: {values[1]}"
    if len(values) == 3 and _TIME.fullmatch(values[0]) and _is_speaker(values[1]):
        return f"[{values[0].strip('[]()')}] {_speaker(values[1])}: {values[2]}"
    return " | ".join(values)


def _is_speaker(value: str) -> bool:
    """A short name-like cell: one line, at most 6 words and 40 characters, no sentence end."""
    name = _speaker(value)
    return (
        "\n" not in name
        and 0 < len(name) <= 40
        and len(name.split()) <= 6
        and any(ch.isalpha() for ch in name)
        and not _SENTENCE_END.search(name)
    )


def _speaker(value: str) -> str:
    return value.strip().removesuffix(":").rstrip()


def _is_heading(value: str) -> bool:
    return _speaker(value).casefold() in _HEADINGS
