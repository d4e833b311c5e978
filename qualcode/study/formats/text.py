"""Plain text and Markdown transcripts: bytes decoded once, whatever the editor saved.

UTF-8, or UTF-8/UTF-16/UTF-32 with a byte-order mark; any other bytes are read as Windows-1252
with a warning naming the line. Binary content (NUL bytes) is an error.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Extracted, normalise

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes) -> tuple[str, tuple[int, str] | None]:
    """Decode file bytes to normalised text; return ``(text, (line, warning) or None)``.

    Raises UnreadableFileError for binary content.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return normalise(data[len(bom) :].decode(encoding, errors="replace")), None
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(
            "looks like a binary file (it contains NUL bytes), not a text transcript; "
            "save it as plain text (UTF-8) or remove it from the transcripts folder"
        )
    try:
        return normalise(data.decode("utf-8")), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        warning = (
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); read as Windows-1252. "
            "Re-save the file as UTF-8 to make sure every character is right"
        )
        return normalise(data.decode("cp1252", errors="replace")), (line, warning)


def decode(data: bytes, display: str) -> tuple[str, str | None]:
    """:func:`decode_bytes` with the warning as ``FILE:LINE: message`` (for CSV files)."""
    try:
        text, warning = decode_bytes(data)
    except UnreadableFileError as exc:
        raise ValueError(str(exc)) from None
    return text, (f"{display}:{warning[0]}: {warning[1]}" if warning else None)


def read_text(path: Path) -> Extracted:
    text, warning = decode_bytes(path.read_bytes())
    return Extracted(text, warnings=[warning] if warning else [])


def read_markdown(path: Path) -> Extracted:
    extracted = read_text(path)
    extracted.markdown = True
    return extracted
