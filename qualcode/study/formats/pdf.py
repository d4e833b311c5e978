"""PDF transcripts: the text layer of every page, as paragraphs, without the page furniture.

:func:`read` promises:

- the text pypdf extracts from each page (its default mode), pages in order;
- no running headers, footers or page numbers: among the first and the last two non-blank lines
  of each page, a line that recurs in that place on at least 60% of the pages (and on two or
  more), its digits aside, is dropped wherever it recurs there; a line there that is only a page
  number (``7``, ``- 7 -``, ``Page 7``, ``Page 7 of 27``, ``7/27``) is always dropped. A turn
  label (``00:19 PARTICIPANT 12:``) only counts as running when it recurs verbatim, times
  included, so the labels at the tops of pages are never taken for a header;
- one line per paragraph: the PDF's wrapped lines are joined with a space (``well-`` +
  ``known`` gives ``well-known``); a blank line is a paragraph break, written as one empty line;
  a page break continues the paragraph unless a blank line ends the page or starts the next;
- speaker turns kept apart: a line that :func:`~qualcode.study.turns.starts_turn` is never
  joined to the line before it, and nothing is joined to a label alone on its line
  (``00:19 PARTICIPANT 12:`` or a bare time), so its words follow on the next line;
- :class:`~qualcode.errors.UnreadableFileError` for a PDF without any text (a scan: run OCR
  first), an encrypted PDF that needs a password, and a file that is not a readable PDF.

pypdf's own warnings about malformed files are silenced while it reads: the reader never prints.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import warnings
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted, normalise
from qualcode.study.turns import is_label_only, starts_turn

#: how many non-blank lines at the top and at the bottom of a page may be a header or footer
_EDGE_LINES = 2
#: share of the pages a line must recur on (in the same place) to be a running header/footer
_RUNNING_SHARE = 0.6
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[-–—]?\s*\d+\s*[-–—]?(?:\s*(?:of|/)\s*\d+)?$", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
#: a time at the start of a label line: ``00:19``, ``1:02:33``, ``[00:12:31]``, ``(00:12)``
_LEADING_TIME = re.compile(r"^\s*[\[(]?\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:[.,]\d{1,3})?\s*[\])]?")
_HYPHEN_END = re.compile(r"[^\W\d_]-$")

_SCAN = "no text in this PDF: it is a scan; run OCR first (e.g. ocrmypdf) and put the OCRed PDF here"
_ENCRYPTED = (
    "the PDF is encrypted; open it with its password and save a copy without protection "
    "(e.g. qpdf --decrypt --password=PASSWORD in.pdf out.pdf), then put that copy here"
)
_NEEDS_AES = (
    "the PDF is encrypted; reading its AES encryption needs the 'cryptography' package "
    "(pip install cryptography), or save a copy without protection and put that copy here"
)
# What pypdf raises on a damaged file besides its own errors (it parses untrusted bytes).
_DAMAGED = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    struct.error,
    zlib.error,
)


def read(path: Path) -> Extracted:
    """The transcript text of the PDF at ``path`` (see the module docstring for what it holds)."""
    pages = [normalise(text).split("\n") for text in _page_texts(path.read_bytes())]
    if not any(line.strip() for page in pages for line in page):
        raise UnreadableFileError(_SCAN)
    lines = [line for page in _without_furniture(pages) for line in page]
    return Extracted(normalise(_paragraphs(lines)), key_value_block=True)


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's logging and warnings (about malformed files) for the duration."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _page_texts(data: bytes) -> list[str]:
    """Each page's extracted text; UnreadableFileError when pypdf cannot give it."""
    with _quiet_pypdf():
        try:
            reader = PdfReader(io.BytesIO(data))  # tries the empty password of an encrypted file
            return [page.extract_text() for page in reader.pages]
        except FileNotDecryptedError:
            raise UnreadableFileError(_ENCRYPTED) from None
        except DependencyError:
            raise UnreadableFileError(_NEEDS_AES) from None
        except _DAMAGED as exc:
            reason = str(exc) or type(exc).__name__
            raise UnreadableFileError(
                f"not a readable PDF ({reason}); open it in a PDF viewer to check it, "
                "save it again as PDF and put that copy here"
            ) from None


def _edges(page: list[str]) -> tuple[list[int], list[int]]:
    """Indexes of the first and of the last few non-blank lines of a page."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    return filled[:_EDGE_LINES], filled[-_EDGE_LINES:]


def _running_key(line: str) -> str:
    """What a running header/footer line has in common from page to page: its digits aside
    (page numbers, dates), unless it is a turn label, which must recur as it is."""
    collapsed = " ".join(line.split())
    return collapsed if starts_turn(collapsed) else _DIGITS.sub("#", collapsed)


def _running(pages: list[list[str]], side: int) -> set[str]:
    """Keys of the lines recurring at the top (side 0) or bottom (side 1) of enough pages."""
    if len(pages) < 2:
        return set()
    counts = Counter(key for page in pages for key in {_running_key(page[i]) for i in _edges(page)[side]})
    needed = max(2, _RUNNING_SHARE * len(pages))
    return {key for key, count in counts.items() if count >= needed}


def _without_furniture(pages: list[list[str]]) -> list[list[str]]:
    """The pages without their running headers, footers and page numbers (only those lines go)."""
    headers, footers = _running(pages, 0), _running(pages, 1)
    cleaned = []
    for page in pages:
        top, bottom = _edges(page)
        drop = {i for i in top if _is_furniture(page[i], headers)}
        drop |= {i for i in bottom if _is_furniture(page[i], footers)}
        cleaned.append([line for i, line in enumerate(page) if i not in drop])
    return cleaned


def _is_furniture(line: str, running: set[str]) -> bool:
    return bool(_PAGE_NUMBER.match(line.strip())) or _running_key(line) in running


def _is_bare_label(line: str) -> bool:
    """Is ``line`` only a turn label (``00:19 PARTICIPANT 12:``, ``MARIA:``, ``40:20 PARTICIPANT 22``
    without its colon) or only a time?"""
    return is_label_only(line)


def _paragraphs(lines: list[str]) -> str:
    """Join wrapped lines into paragraphs separated by one empty line (see the module docstring)."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            if current:
                paragraphs.append(current)
                current = []
        elif current and not starts_turn(line) and not _is_bare_label(current[-1]):
            current[-1] = _glue(current[-1], line)
        else:
            current.append(line)
    if current:
        paragraphs.append(current)
    return "\n\n".join("\n".join(paragraph) for paragraph in paragraphs)


def _glue(before: str, after: str) -> str:
    """``before`` and ``after`` as one line: a space between, none after a word's hyphen."""
    if _HYPHEN_END.search(before) and after[0].islower():
        return before + after
    return f"{before} {after}"
