"""OpenDocument text (.odt) transcripts: paragraphs and headings in document order.

Paragraphs and headings are read wherever they stand in the body: at the top level, in lists, in
table cells and in sections, each becoming one text paragraph, separated by one blank line however
many empty paragraphs stand between them. A line break stays a single line break, a tab a tab and
``<text:s text:c="N"/>`` gives N spaces; other white space is collapsed the way ODF says
(``text:p`` content is not pre-formatted). Trailing spaces are dropped. Page headers and footers
(kept in the styles, not the body), comments, footnotes, text boxes and the deleted text of
tracked changes never appear.

A file that is not an OpenDocument text package (not a zip, damaged, password-protected, a
spreadsheet, a Word file renamed) raises :class:`~qualcode.errors.UnreadableFileError`; a document
without any text gives empty text.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.parsers import expat

from odf.element import Node
from odf.namespaces import DRAWNS, OFFICENS, TEXTNS
from odf.office import Body
from odf.opendocument import load

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted, join_paragraphs

_TEXT_MIMETYPE = "application/vnd.oasis.opendocument.text"
_PARAGRAPHS = frozenset({(TEXTNS, "p"), (TEXTNS, "h")})
# Body elements whose text is not the document's: deleted text kept for tracked changes, the
# templates of an index (its generated body is read), declarations.
_SKIPPED_BLOCKS = frozenset(
    {
        (TEXTNS, "tracked-changes"),
        (TEXTNS, "sequence-decls"),
        (TEXTNS, "variable-decls"),
        (TEXTNS, "user-field-decls"),
        (OFFICENS, "forms"),
    }
)
# Inline elements whose content is not paragraph text: footnotes and endnotes, comments, ruby
# annotations. Frames and shapes (text boxes, images) are skipped by namespace.
_SKIPPED_INLINE = frozenset(
    {
        (TEXTNS, "note"),
        (TEXTNS, "ruby-text"),
        (OFFICENS, "annotation"),
        (OFFICENS, "annotation-end"),
    }
)
_WHITESPACE = re.compile(r"[ \t\r\n]+")
_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, RuntimeError, NotImplementedError)


def read(path: Path) -> Extracted:
    """The body text of the OpenDocument text file at ``path`` (see the module docstring)."""
    data = path.read_bytes()
    body = _load_body(data)
    paragraphs: list[str] = []
    _collect(body, paragraphs)
    return Extracted(join_paragraphs(paragraphs), key_value_block=True)


def _unreadable(
    reason: str, fix: str = "open it in LibreOffice Writer and save it again as .odt"
) -> UnreadableFileError:
    return UnreadableFileError(f"not a readable OpenDocument text file ({reason}); {fix}")


def _load_body(data: bytes) -> Any:
    """The ``office:text`` element, after checking the package so odfpy never half-reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ERRORS:
        if data.startswith(b"PK"):
            raise _unreadable("damaged: the zip archive is incomplete or corrupt") from None
        raise _unreadable("the file is not a zip archive, which every .odt file is") from None
    with archive:
        names = set(archive.namelist())
        try:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
            manifest = archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
            content = archive.read("content.xml") if "content.xml" in names else None
        except _ERRORS as exc:
            raise _unreadable(f"damaged: {_detail(exc)}") from None
    if "[Content_Types].xml" in names:
        raise _unreadable("it is a Word document with an .odt name", "rename it to .docx")
    if mimetype and not mimetype.startswith(_TEXT_MIMETYPE):
        raise _unreadable(f"it is a {mimetype.rsplit('.', 1)[-1]} document, not a text document")
    if b"encryption-data" in manifest:
        raise _unreadable("it is password-protected; save a copy without a password")
    if content is None or not manifest:
        raise _unreadable("damaged: its content.xml or manifest is missing")
    _check_xml(content)
    # odfpy prints the whole part to stdout when a part does not parse, and then goes on;
    # library code never prints, and a half-parsed document would silently lose text.
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            document = load(io.BytesIO(data))
    except _ERRORS as exc:
        raise _unreadable(f"damaged: {_detail(exc)}") from None
    if printed.getvalue():
        raise _unreadable("damaged: part of it is not well-formed XML")
    # odfpy's own ``document.text`` is the first child of office:body, which is a white-space
    # node when content.xml is indented; the office:text element is looked up instead.
    for body in document.getElementsByType(Body):
        for child in body.childNodes:
            if child.nodeType == Node.ELEMENT_NODE and child.qname == (OFFICENS, "text"):
                return child
    raise _unreadable("damaged: it has no text body")


def _check_xml(content: bytes) -> None:
    parser = expat.ParserCreate()
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        raise _unreadable(f"damaged: content.xml line {exc.lineno}: {expat.ErrorString(exc.code)}") from None


def _detail(exc: Exception) -> str:
    if exc.args and isinstance(exc.args[0], str):
        return exc.args[0]
    return type(exc).__name__


def _collect(node: Any, paragraphs: list[str]) -> None:
    """Append the text of every paragraph and heading below ``node``, in document order."""
    for child in node.childNodes:
        if child.nodeType != Node.ELEMENT_NODE or child.qname in _SKIPPED_BLOCKS:
            continue
        if child.qname in _PARAGRAPHS:
            parts: list[tuple[str, bool]] = []
            _inline(child, parts)
            paragraphs.append(_paragraph_text(parts))
        elif child.qname[1].endswith("-source"):
            continue  # an index's templates (text:table-of-content-source…)
        else:
            _collect(child, paragraphs)


def _inline(node: Any, parts: list[tuple[str, bool]]) -> None:
    """Append ``(text, literal)`` pieces; literal text has its white space collapsed later."""
    for child in node.childNodes:
        if child.nodeType == Node.TEXT_NODE:
            parts.append((child.data, True))
            continue
        if child.nodeType != Node.ELEMENT_NODE:
            continue
        qname = child.qname
        if qname in _SKIPPED_INLINE or qname[0] == DRAWNS:
            continue
        if qname == (TEXTNS, "line-break"):
            parts.append(("\n", False))
        elif qname == (TEXTNS, "tab"):
            parts.append(("\t", False))
        elif qname == (TEXTNS, "s"):
            parts.append((" " * _count(child.getAttrNS(TEXTNS, "c")), False))
        else:
            _inline(child, parts)


def _count(value: str | None) -> int:
    try:
        return max(int(value or 1), 0)
    except ValueError:
        return 1


def _paragraph_text(parts: list[tuple[str, bool]]) -> str:
    """Join the pieces: literal white space runs become one space, not doubled across pieces."""
    out: list[str] = []
    soft_space = True  # at the paragraph's start, leading white space is dropped
    for text, literal in parts:
        if not literal:
            out.append(text)
            soft_space = text == "\n"  # white space after a line break is dropped like at the start
            continue
        collapsed = _WHITESPACE.sub(" ", text)
        if soft_space:
            collapsed = collapsed.lstrip(" ")
        if collapsed:
            out.append(collapsed)
            soft_space = collapsed.endswith(" ")
    return "".join(out)
