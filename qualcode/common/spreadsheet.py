"""Spreadsheet files in and out: one reader for CSV/XLSX tables, one XLSX writer.

**Reading** (:func:`read_sheet`): a CSV file or the first sheet of an XLSX workbook as rows of
cell texts, numbered as a spreadsheet shows them (the header is row 1; a CSV cell with line
breaks is still one row). For CSV the bytes are decoded as UTF-8 (with or without a byte-order
mark), UTF-16 or UTF-32 with a byte-order mark (Excel's "Unicode text" is UTF-16), else
Windows-1252 (Excel on Windows), else Latin-1; the separator is one of comma, semicolon
(European Excel) and tab, found by :class:`csv.Sniffer` restricted to those three and checked
against the header row (the one the header row uses most when the sniffer cannot tell).
:attr:`Sheet.described` says what was found ("semicolon-separated, Windows-1252") so a command
can tell the user.

**Writing** (:func:`to_xlsx`): one sheet, header first. Text cells are formula-safe
(:func:`~qualcode.common.tabular.safe_cell`), characters XLSX cannot hold (control characters
other than tab and line breaks) are removed, and a text longer than a cell holds
(:data:`CELL_LIMIT`, 32,767 characters) is cut to the limit ending in ``…``; each removal and cut
is reported as a note naming the row and column. :func:`cell_text` undoes the protection when
reading a cell back, so an exported table imports as it was.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.common.tabular import safe_cell
from qualcode.errors import ImportFileError

XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: The most characters an Excel cell holds.
CELL_LIMIT = 32_767
#: The separators a CSV file may use, with the word used to describe them.
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
#: Characters the XLSX format (XML 1.0) cannot store; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SAMPLE = 64 * 1024


@dataclass
class Sheet:
    """A table read from a file: ``(row number, cell texts)`` per row, and how it was read."""

    rows: list[tuple[int, list[str]]]
    described: str
    notes: list[str] = field(default_factory=list)


def read_sheet(path: Path, display: str) -> Sheet:
    """Every row of a CSV or XLSX file; :class:`ImportFileError` naming ``display`` when unreadable."""
    if not path.is_file():
        raise ImportFileError(f"{display}: file not found")
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_xlsx(path, display)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{display}: cannot read the file ({exc.strerror})") from None
    text, encoding, notes = decode_table(data, display)
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ImportFileError(f"{display}:{reader.line_num}: not readable as CSV ({exc})") from None
    return Sheet(rows, f"{DELIMITERS[delimiter]}-separated, {encoding}", notes)


def decode_table(data: bytes, display: str) -> tuple[str, str, list[str]]:
    """The text of a CSV file, the name of the encoding it was read in, and notes about it."""
    text, name, notes = _decode(data, display)
    # One kind of line break and composed accents, as transcripts are read: quotes compare equal.
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")), name, notes


def _decode(data: bytes, display: str) -> tuple[str, str, list[str]]:
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), name, []
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{display}: this is a zip file (a workbook such as XLSX), not CSV; "
            "save the sheet as CSV, or as XLSX with the .xlsx extension"
        )
    if b"\x00" in data[:8192]:
        raise ImportFileError(
            f"{display}: not a CSV file (it holds binary data); save the table as CSV (UTF-8) or XLSX"
        )
    try:
        return data.decode("utf-8"), "UTF-8", []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
    try:
        text, name = data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # Five bytes have no Windows-1252 character; Latin-1 reads every byte.
        text, name = data.decode("latin-1"), "Latin-1"
    note = (
        f"{display}:{line}: not valid UTF-8 (byte 0x{byte:02x}); read as {name}. "
        "Re-save the file as UTF-8 to make sure every character is right"
    )
    return text, name, [note]


def detect_delimiter(text: str) -> str:
    """Comma, semicolon or tab: what :class:`csv.Sniffer` finds if the header row uses it, else
    the one the header row uses most (comma when it uses none)."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(text[:_SAMPLE], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed in DELIMITERS and counts[sniffed]:
        return sniffed
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_xlsx(path: Path, display: str) -> Sheet:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise ImportFileError(
            f"{display}: not a readable XLSX workbook ({exc.__class__.__name__}); "
            "save it again from your spreadsheet program"
        ) from None
    try:
        if not workbook.worksheets:
            return Sheet([], "XLSX workbook without sheets")
        sheet = workbook.worksheets[0]
        rows = [
            (number, [_xlsx_text(value) for value in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        others = len(workbook.worksheets) - 1
        described = f"XLSX, sheet '{sheet.title}'" + (f" (its {others} other sheet(s) not read)" if others else "")
        return Sheet(rows, described)
    finally:
        workbook.close()


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def cell_text(value: object) -> str:
    """A cell as stripped text, without the ``'`` that :func:`safe_cell` put before a formula."""
    text = _xlsx_text(value)
    if text.startswith("'") and safe_cell(text[1:]) == text:
        text = text[1:]
    return text.strip()


def fitted(text: str) -> str:
    """``text`` as an XLSX cell can hold it: illegal characters removed, cut to :data:`CELL_LIMIT`."""
    text = _ILLEGAL.sub("", text)
    if len(text) > CELL_LIMIT:
        text = text[: CELL_LIMIT - 1] + "…"
    return text


def is_cut(text: str) -> bool:
    """Whether a cell read back was cut by :func:`fitted` (full, ending in ``…``)."""
    return len(text) == CELL_LIMIT and text.endswith("…")


def to_xlsx(
    rows: Sequence[dict],
    columns: Sequence[str],
    sheet: str,
    freeze: str | None = None,
    notes: list[str] | None = None,
) -> bytes:
    """An XLSX workbook of one sheet; every change made to fit a cell is appended to ``notes``."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = fitted(sheet)[:31] or "sheet"
    found: list[str] = []

    def cell(value, row: int, column: str):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if value is None:
                return None
            text = safe_cell(value)
            fit = fitted(text)
            if fit != text:
                removed = len(_ILLEGAL.findall(text))
                what = []
                if removed:
                    what.append(f"{removed} control character(s) removed")
                if len(text) - removed > CELL_LIMIT:
                    what.append(
                        f"{len(text) - removed:,} characters cut to {CELL_LIMIT:,}, the most a spreadsheet cell holds"
                    )
                found.append(f"row {row}, column {column}: " + " and ".join(what))
            return fit
        return value

    ws.append([cell(c, 1, str(c)) for c in columns])
    for number, row in enumerate(rows, start=2):
        ws.append([cell(row.get(c), number, c) for c in columns])
    if freeze:
        ws.freeze_panes = freeze
    buffer = io.BytesIO()
    book.save(buffer)
    if notes is not None:
        notes.extend(found)
    return buffer.getvalue()
