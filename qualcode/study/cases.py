"""Case attributes: ``cases.csv`` (or ``cases.yaml``) at the project root, one row per case.

A ``case`` column names the case, the other columns are its attributes in the file's order.
Numbers are read as numbers (``12,400`` -> 12400, ``3.5`` -> 3.5, ``38%`` -> 0.38: percentages
become shares 0-1); a column is numeric when every non-empty cell is a number. An empty cell is
a missing value. :func:`read_case_table` returns the table and every problem at once (file:line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.common.didyoumean import hint
from qualcode.common.spreadsheet import read_sheet
from qualcode.common.yamlfile import load_yaml, scalar_to_str
from qualcode.errors import ImportFileError, Problem
from qualcode.study.attributes import MISSING

__all__ = ["CASES_FILES", "CaseTable", "parse_number", "read_case_table"]

CASES_FILES = ("cases.csv", "cases.yaml")
Value = str | int | float | None
_Rows = tuple[list[str], list[tuple[int, str, dict[str, str]]]]

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(?:[, \u00a0\u202f]\d{3})+|\d+)(\.\d+)?$")


def parse_number(text: str) -> int | float | None:
    """``text`` as a number (thousands separators and a trailing ``%`` allowed), else None."""
    cell = text.strip()
    percent = cell.endswith("%")
    if percent:
        cell = cell[:-1].rstrip()
    match = _NUMBER.match(cell)
    if not match:
        return None
    digits = re.sub(r"[, \u00a0\u202f]", "", cell)
    number: int | float = float(digits) if match.group(2) else int(digits)
    if percent:
        return round(number / 100, 12)
    return number


@dataclass
class CaseTable:
    """The case attributes of a study (empty when the project has no cases file)."""

    path: Path | None = None
    attributes: tuple[str, ...] = ()
    numeric: frozenset[str] = frozenset()
    #: case -> {attribute: typed value}
    rows: dict[str, dict[str, Value]] = field(default_factory=dict)
    #: case -> {attribute: text as written}
    texts: dict[str, dict[str, str]] = field(default_factory=dict)

    def value(self, case: str | None, name: str) -> Value:
        """The attribute's typed value for the case (None when missing)."""
        return self.rows.get(case or "", {}).get(name)

    def text(self, case: str | None, name: str) -> str:
        """The attribute as a reader sees it (as written in the file), :data:`MISSING` when missing."""
        written = self.texts.get(case or "", {}).get(name, "")
        return written if written else MISSING

    def texts_of(self, case: str | None) -> dict[str, str]:
        """Every attribute of the case as text (missing ones as :data:`MISSING`)."""
        return {name: self.text(case, name) for name in self.attributes}

    def context(self) -> dict:
        """The table as plain data for the report page."""
        return {
            "attributes": list(self.attributes),
            "numeric": sorted(self.numeric),
            "rows": {
                case: {
                    name: {"text": self.text(case, name), "value": self.value(case, name)} for name in self.attributes
                }
                for case in self.rows
            },
        }


def find_cases_file(root: Path, configured: str | None = None) -> tuple[Path | None, list[Problem]]:
    """The project's cases file: ``configured`` (relative to root) or whichever of CASES_FILES exists."""
    if configured:
        path = root / configured
        if not path.is_file():
            return None, [
                Problem("qualcode.yaml", 0, f"'cases: {configured}' names no file; create it or remove the key")
            ]
        return path, []
    present = [root / name for name in CASES_FILES if (root / name).is_file()]
    if len(present) > 1:
        return None, [
            Problem(CASES_FILES[0], 0, f"both {CASES_FILES[0]} and {CASES_FILES[1]} exist; keep one (remove the other)")
        ]
    return (present[0] if present else None), []


def read_case_table(
    path: Path | None,
    display: str,
    cases: Iterable[str],
    transcript_attributes: Iterable[str] = (),
    attributes_display: str = "the transcripts' attributes",
) -> tuple[CaseTable, list[Problem]]:
    """Read and validate a cases file against the study's ``cases``."""
    if path is None:
        return CaseTable(), []
    known = list(cases)
    try:
        raw, problems = _read_rows(path, display)
    except ImportFileError as exc:
        return CaseTable(path), [Problem(display, 0, str(exc).removeprefix(f"{display}: "))]
    if problems:
        return CaseTable(path), problems
    header, records = raw
    attributes = tuple(h for h in header if h != "case")
    for name in attributes:
        if name in set(transcript_attributes):
            problems.append(
                Problem(
                    display,
                    1,
                    f"column '{name}' is also a transcript attribute ({attributes_display}); "
                    "rename the column or remove the attribute from one of the two files",
                )
            )
    texts: dict[str, dict[str, str]] = {}
    first: dict[str, int] = {}
    for line, case, cells in records:
        if not case:
            problems.append(Problem(display, line, "the 'case' cell is empty; name the case or remove the row"))
            continue
        if case in first:
            problems.append(Problem(display, line, f"case '{case}' has a row already (line {first[case]}); keep one"))
            continue
        if case not in known:
            problems.append(
                Problem(
                    display,
                    line,
                    f"no case '{case}' in the transcripts{hint(case, known)}; cases: {', '.join(known) or '(none)'}",
                )
            )
            continue
        first[case] = line
        texts[case] = {name: cells.get(name, "").strip() for name in attributes}
    numeric = frozenset(
        name
        for name in attributes
        if any(row[name] for row in texts.values())
        and all(parse_number(row[name]) is not None for row in texts.values() if row[name])
    )
    rows: dict[str, dict[str, Value]] = {
        case: {name: (None if not t else parse_number(t) if name in numeric else t) for name, t in row.items()}
        for case, row in texts.items()
    }
    return CaseTable(path, attributes, numeric, rows, texts), problems


def _read_rows(path: Path, display: str) -> tuple[_Rows, list[Problem]]:
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml(path, display)
    sheet = read_sheet(path, display)
    if not sheet.rows:
        return ([], []), [Problem(display, 0, "the file is empty; the first row must name the columns, one 'case'")]
    _, header = sheet.rows[0]
    header = [h.strip() for h in header]
    if "case" not in header:
        return ([], []), [
            Problem(display, 1, f"no 'case' column{hint('case', header)}; the first row names the columns, one 'case'")
        ]
    records = []
    for number, cells in sheet.rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        row = dict(zip(header, cells, strict=False))
        records.append((number, row.get("case", "").strip(), row))
    return (header, records), []


def _read_yaml(path: Path, display: str) -> tuple[_Rows, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ([], []), [Problem(display, 0, f"cannot read the file ({exc})")]
    data, problems = load_yaml(text, display)
    if problems:
        return ([], []), problems
    header: list[str] = ["case"]
    records: list[tuple[int, str, dict[str, str]]] = []

    def add(line: int, case: str, values: object) -> None:
        if not isinstance(values, Mapping):
            problems.append(Problem(display, line, f"case '{case}': expected a mapping of attribute: value"))
            return
        cells = {str(k): ("" if v is None else scalar_to_str(v)) for k, v in values.items() if str(k) != "case"}
        for name in cells:
            if name not in header:
                header.append(name)
        records.append((line, case, cells))

    if isinstance(data, Mapping):
        for case, values in data.items():
            add(data.line_of(case) if hasattr(data, "line_of") else 0, str(case), values)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            line = data.line_of(index) if hasattr(data, "line_of") else 0
            if not isinstance(item, Mapping) or "case" not in item:
                problems.append(Problem(display, line, "each item needs a 'case:' key"))
                continue
            add(line, scalar_to_str(item["case"]), item)
    elif data is not None:
        problems.append(Problem(display, 1, "expected a mapping case -> {attribute: value}, or a list with 'case:'"))
    return (header, records), problems
