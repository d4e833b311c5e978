"""RTF transcripts (Word, WordPad, macOS TextEdit): the document's text without control words.

The bytes are read as 7-bit RTF; ``\\'xx`` escapes are decoded with the document's code page
(``\\ansicpgNNNN``, Windows-1252 when there is none), so ``\\'92`` is a right single quote, and
``\\uN`` escapes give their Unicode character. Group content that is not text (font and colour
tables, stylesheets, headers, footers, footnotes, pictures) is left out. Line ends are ``\\n``,
trailing spaces are dropped, more than one blank line in a row becomes one, and the text has no
blank lines at its start or end. A file that does not start with ``{\\rtf`` raises
:class:`~qualcode.errors.UnreadableFileError`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from striprtf.striprtf import rtf_to_text

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted, normalise

_CODE_PAGE = re.compile(r"\\ansicpg(\d+) ?")
_MAC_CHARSET = re.compile(r"\{\\rtf1?\\mac\b")
# RTF is 7-bit; a writer that puts 8-bit bytes in the text means characters of the code page,
# which striprtf decodes only when they are written as \'xx escapes.
_RAW_8BIT = re.compile(rb"[\x80-\xff]")
_HEADER_CHARS = 4096  # \ansicpg belongs to the header, before any text
_MAC_CODE_PAGES = {10000: "mac_roman"}  # what \ansicpg10000 (old Mac RTF) means; Python has no cp10000
_BLANK_LINES = re.compile(r"\n{3,}")
_SOFT_HYPHEN = "\xad"  # from \- (an optional hyphen): invisible, and it would split words for search


def read(path: Path) -> Extracted:
    """The text of the RTF file at ``path`` (see the module docstring)."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    if not data.lstrip().startswith(b"{\\rtf"):
        raise UnreadableFileError(
            "not an RTF file (it does not start with {\\rtf); "
            "save it again as Rich Text Format, or give it the extension of its real format"
        )
    if b"\\bin" not in data:  # raw bytes after \bin are binary data, counted by length
        data = _RAW_8BIT.sub(lambda byte: b"\\'%02x" % byte[0][0], data)
    rtf = data.decode("latin-1")
    declared = _CODE_PAGE.search(rtf, 0, _HEADER_CHARS)
    encoding, warnings = _encoding(declared, mac=_MAC_CHARSET.match(rtf.lstrip()) is not None)
    if declared is not None:
        # striprtf would act on \ansicpg itself, reading an unknown code page as UTF-8; renamed to
        # a control word it ignores (with its delimiting space), the encoding decided here is used.
        rtf = f"{rtf[: declared.start()]}\\qualcodecodepage {rtf[declared.end() :]}"
    text = rtf_to_text(rtf, encoding=encoding, errors="replace")
    return Extracted(_tidy(text), key_value_block=True, warnings=warnings)


def _encoding(declared: re.Match[str] | None, mac: bool) -> tuple[str, list[tuple[int, str]]]:
    """The code page of ``\\'xx`` escapes, and a warning when the declared one is unknown."""
    if declared is None:
        return ("mac_roman" if mac else "cp1252"), []
    number = int(declared.group(1))
    encoding = _MAC_CODE_PAGES.get(number, f"cp{number}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        message = f"unknown code page \\ansicpg{number}; accented letters were read as Windows-1252"
        return "cp1252", [(0, message)]
    return encoding, []


def _tidy(text: str) -> str:
    text = _join_surrogates(normalise(text)).replace(_SOFT_HYPHEN, "")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def _join_surrogates(text: str) -> str:
    """Pair the UTF-16 halves that ``\\uN`` escapes give for characters beyond U+FFFF (emoji)."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
