"""Rendering rows as a terminal table, JSON or CSV.

CSV cells are protected against spreadsheet formula injection (OWASP): a cell that starts with
``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with ``'`` so Excel/LibreOffice
show it as text instead of running it.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not evaluate as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        # Plain negative numbers are data, not formulas.
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def to_csv(rows: Sequence[dict], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])  # headers can come from user data (attribute values)
    for row in rows:
        writer.writerow([safe_cell(_flat(row.get(c))) for c in columns])
    return buffer.getvalue()


def _flat(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_table(
    rows: Sequence[dict],
    columns: Sequence[str],
    headers: Sequence[str] | None = None,
    width: int | None = None,
) -> str:
    """A plain aligned table; the last column is shortened to fit the terminal width."""
    headers = list(headers or columns)
    cells = [[_table_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if width is None:
        width = shutil.get_terminal_size((120, 24)).columns
    fixed = sum(widths[:-1]) + 2 * (len(widths) - 1)
    last = max(20, width - fixed)
    if widths and widths[-1] > last:
        widths[-1] = last
    lines = [_row(headers, widths), _row(["-" * w for w in widths], widths)]
    for r in cells:
        if len(r[-1]) > widths[-1]:
            r = r[:-1] + [r[-1][: widths[-1] - 1] + "…"]
        lines.append(_row(r, widths))
    return "\n".join(lines)


def _table_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    text = str(value)
    indent = len(text) - len(text.lstrip(" "))  # keep tree indentation
    return " " * indent + " ".join(text.split())


def _row(values, widths) -> str:
    return "  ".join(str(v).ljust(w) for v, w in zip(values, widths)).rstrip()


def to_markdown(rows: Sequence[dict], columns: Sequence[str]) -> str:
    """A Markdown (GitHub) table; ``|`` in cells is escaped, line breaks become spaces."""

    def cell(value) -> str:
        if isinstance(value, float):
            value = f"{value:.2f}"
        return " ".join(str(value).split()).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def format_clock(seconds: float | None) -> str | None:
    """Seconds from the start of a recording as ``h:mm:ss`` (``751`` -> ``0:12:31``); None stays None."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
