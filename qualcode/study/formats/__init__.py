"""Transcript file formats: one reader module per format, each turning a file into text.

A reader is ``read(path: Path) -> Extracted``. It returns the document's text, normalised
(``\\n`` line ends, Unicode NFC, no BOM), in reading order and without layout noise (Word headers
and footers, a PDF's running headers and page numbers, RTF control words); or, for captions, the
cues with their speakers and times. Speaker turns are found afterwards, the same way for every
format (:mod:`qualcode.study.turns`), so a Word file and the same interview saved as text give the
same turns. A reader raises :class:`~qualcode.errors.UnreadableFileError` with the reason when
the file's text cannot be extracted ("no text in FILE: it is a scan; run OCR first"); the caller
adds the file's name.

:data:`READERS` maps each extension (lower case, with the dot) to its reader; they are imported
only when a file of that format is read.
"""

from __future__ import annotations

import importlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Cue:
    """A caption cue: who speaks (None when the file names nobody), the words, and times in seconds."""

    speaker: str | None
    text: str
    start: float
    end: float


@dataclass
class Extracted:
    """What a reader found in a file.

    ``text``: the normalised text (empty for captions, whose text is built from ``cues``).
    ``markdown``: ``#`` headings separate turns (Markdown files).
    ``key_value_block``: a leading block of ``key: value`` lines (lower-case keys, ended by a blank
    line) holds attributes, as typed at the top of a Word document; ``---`` front matter is always
    understood.
    ``warnings``: notes for the user as ``(line, message)`` (line 0 when there is none), e.g.
    ``(2, "not valid UTF-8 (byte 0x92); read as Windows-1252…")``; the caller adds the file name.
    """

    text: str
    cues: list[Cue] | None = None
    markdown: bool = False
    key_value_block: bool = False
    warnings: list[tuple[int, str]] = field(default_factory=list)


Reader = Callable[[Path], Extracted]

#: extension -> (module in this package, function name)
READERS: dict[str, tuple[str, str]] = {
    ".txt": ("text", "read_text"),
    ".md": ("text", "read_markdown"),
    ".docx": ("docx", "read"),
    ".odt": ("odt", "read"),
    ".rtf": ("rtf", "read"),
    ".pdf": ("pdf", "read"),
    ".vtt": ("captions", "read_vtt"),
    ".srt": ("captions", "read_srt"),
}
EXTENSIONS = tuple(READERS)


def reader_for(path: Path) -> Reader | None:
    """The reader of ``path``'s format, or None when qualcode does not read that extension."""
    entry = READERS.get(path.suffix.lower())
    if entry is None:
        return None
    module = importlib.import_module(f"qualcode.study.formats.{entry[0]}")
    reader: Reader = getattr(module, entry[1])
    return reader


def normalise(text: str) -> str:
    """CRLF/CR -> LF, NFC; drop a stray BOM character at the start."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def clean_paragraph(text: str) -> str:
    """A document paragraph normalised, trailing spaces off its lines, blank lines inside it dropped."""
    lines = (line.rstrip() for line in normalise(text).split("\n"))
    return "\n".join(line for line in lines if line)


def join_paragraphs(paragraphs: list[str]) -> str:
    """Document paragraphs as text (Word, OpenDocument): each cleaned (:func:`clean_paragraph`), the
    non-empty ones separated by one blank line."""
    return "\n\n".join(text for text in map(clean_paragraph, paragraphs) if text)
