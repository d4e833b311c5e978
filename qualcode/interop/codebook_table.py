"""Codebooks as spreadsheets: one row per code out to CSV/XLSX, and a codebook back in from a table.

**Export** (:func:`codebook_rows`, :func:`codebook_csv`, :func:`codebook_xlsx`): the columns of
:data:`COLUMNS`, one row per code, depth first in codebook order; ``parent`` is the parent's id
(empty for top-level codes); examples and keywords one per line of their cell; empty fields are
empty cells; every cell is formula-safe (:func:`~qualcode.common.tabular.safe_cell`). Exclude
keywords, patterns, colours, GUIDs and ``exclusive`` are not part of the table.

**Import** (:func:`read_codebook_table`): a CSV (encoding and separator found by
:func:`~qualcode.common.spreadsheet.read_sheet`: UTF-8, UTF-16, Windows-1252 or Latin-1; ``,``,
``;`` or tabs) or the first sheet of an XLSX workbook, in one of these shapes (column names in
any case, surrounding spaces ignored):

* qualcode's own columns, with at least ``id`` or ``label``;
* ``name`` / ``description`` (code lists from NVivo, MAXQDA…), optionally ``parent``;
* Taguette's codebook export: ``tag`` / ``description`` (its other columns are ignored).

``description`` is read as the definition. ``parent`` names the parent by id or by label, above
or below its children; children keep table order. Examples are split on line breaks, keywords on
line breaks and ``;``. A missing id is derived from the label
(:func:`~qualcode.interop.refi.codebook.slug`: ``Éducation spéciale`` -> ``education_speciale``),
an id that is not ``[a-z0-9_]+`` is converted the same way, and ids are made unique with ``_2``,
``_3``… (ids given in the table keep their spelling first); each change comes back as a note.
A ``'`` that :func:`~qualcode.common.tabular.safe_cell` put before a formula character is taken
off again, so an exported table imports as it was.

Every row problem (a row without an id or label, a parent that is no code of the table or could
be several, parents that form a cycle) is collected and raised in one
:class:`~qualcode.errors.ImportFileError`, a ``FILE:ROW: message`` line each, rows numbered as the
spreadsheet shows them (the header is row 1). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.codebook.model import ID_PATTERN, Code, Codebook
from qualcode.common.didyoumean import hint
from qualcode.common.spreadsheet import cell_text, read_sheet, to_xlsx
from qualcode.common.tabular import to_csv
from qualcode.errors import ImportFileError, Problem
from qualcode.interop.refi.codebook import slug

COLUMNS = ("id", "parent", "label", "definition", "include", "exclude", "examples", "keywords")
#: The column names read into each field of a code, most preferred first.
_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "parent": ("parent", "tag_parent"),
    "label": ("label", "name", "tag"),
    "definition": ("definition", "description"),
    "include": ("include",),
    "exclude": ("exclude",),
    "examples": ("examples",),
    "keywords": ("keywords",),
}
_ACCEPTED = "at least one of id, label, name or tag, and can also name parent, " + ", ".join(
    name for field_name in COLUMNS[3:] for name in _ALIASES[field_name]
)


# ------------------------------------------------------------------------------------------------
# Export
# ------------------------------------------------------------------------------------------------


def codebook_rows(book: Codebook) -> list[dict[str, str]]:
    """One row per code of ``book`` with the keys of :data:`COLUMNS`, depth first in codebook order."""
    return [
        {
            "id": code.id,
            "parent": code.parent or "",
            "label": code.label,
            "definition": code.definition,
            "include": code.include,
            "exclude": code.exclude,
            "examples": "\n".join(code.examples),
            "keywords": "\n".join(code.keywords),
        }
        for code in book.walk()
    ]


def codebook_csv(book: Codebook) -> str:
    """:func:`codebook_rows` as CSV text with a header row; cells are formula-safe."""
    return to_csv(codebook_rows(book), COLUMNS)


def codebook_xlsx(book: Codebook) -> bytes:
    """:func:`codebook_rows` as an XLSX workbook: sheet ``codebook``, header row frozen, cells formula-safe."""
    return to_xlsx(codebook_rows(book), COLUMNS, sheet="codebook", freeze="A2")


# ------------------------------------------------------------------------------------------------
# Import
# ------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """One code row of the table: its spreadsheet row number and its cells by field."""

    number: int
    cells: dict[str, str]
    id: str = ""
    parent: _Row | None = None
    code: Code = field(init=False)

    @property
    def name(self) -> str:
        """What messages call the row's code: its label, else the id written in the table."""
        return self.cells.get("label") or self.cells.get("id", "")


def read_codebook_table(path: Path, display: str) -> tuple[Codebook, list[str]]:
    """The codebook in the table at ``path`` (CSV, or the first sheet of an XLSX), and notes for the user.

    See the module docstring for the shapes read; raises :class:`~qualcode.errors.ImportFileError`
    naming ``display`` (and the rows) when the file cannot give a codebook.
    """
    records, notes = _records(path, display)
    filled = [(number, values) for number, values in records if any(values)]
    if not filled:
        raise ImportFileError(
            f"{display}: the file is empty; its first row must name the columns, e.g. {', '.join(COLUMNS)}"
        )
    header_number, header = filled[0]
    names = [h.strip().casefold() for h in header]
    columns, ignored = _columns(names)
    if "id" not in columns and "label" not in columns:
        found = ", ".join(name for name in names if name) or "none"
        raise ImportFileError(
            f"{display}:{header_number}: no usable column (found: {found}); the first row must name {_ACCEPTED}"
        )
    if ignored:
        used = _and([names[index] for index in sorted(columns.values())])
        were = "was" if len(ignored) == 1 else "were"
        notes.append(
            f"the column{_s(ignored)} {_and(ignored, quote=True)} {were} ignored; the codes were read from {used}"
        )

    problems: list[Problem] = []
    rows: list[_Row] = []
    naming = " or ".join(names[columns[f]] for f in ("id", "label") if f in columns)
    for number, values in filled[1:]:
        cells = {name: values[index] if index < len(values) else "" for name, index in columns.items()}
        if not cells.get("id") and not cells.get("label"):
            problems.append(Problem(display, number, f"the row has no {naming}; fill it in or delete the row"))
            continue
        rows.append(_Row(number, cells))
    if not rows and not problems:
        raise ImportFileError(f"{display}: the table has a header row but no codes below it")

    notes += _assign_ids(rows)
    problems += _link_parents(rows, display)
    if problems:
        problems.sort()
        count = "this row problem" if len(problems) == 1 else f"these {len(problems)} row problems"
        lines = "\n".join(str(p) for p in problems)
        raise ImportFileError(f"{lines}\nnothing was imported: fix {count}", problems=problems)
    top, more = _build_codes(rows)
    book = Codebook(
        name=path.stem,
        version="",
        description=f"Imported from {path.name}",
        codes=top,
        display=display,
    )
    return book, notes + more


def _records(path: Path, display: str) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """Every row of the file as ``(row number, cell texts)``, and notes on how it was decoded."""
    sheet = read_sheet(path, display)
    return [(number, [cell_text(value) for value in row]) for number, row in sheet.rows], sheet.notes


def _columns(names: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    """``{field: column index}`` for the columns read (``names`` in lower case), and the names of the
    columns ignored (a name used twice is read from its first column)."""
    columns: dict[str, int] = {}
    for field_name, aliases in _ALIASES.items():
        for alias in aliases:
            if alias in names:
                columns[field_name] = names.index(alias)
                break
    used = set(columns.values())
    ignored = [name for index, name in enumerate(names) if name and index not in used]
    return columns, ignored


def _assign_ids(rows: list[_Row]) -> list[str]:
    """Give every row a unique valid id; notes say which ids were converted or suffixed."""
    notes: list[str] = []
    used: set[str] = set()
    reserved: set[int] = set()
    for row in rows:  # ids written in the table keep their spelling before any derived id
        given = row.cells.get("id", "")
        if ID_PATTERN.match(given) and given not in used:
            used.add(given)
            reserved.add(row.number)
            row.id = given
    wanted: dict[str, list[_Row]] = {}
    for row in rows:
        given = row.cells.get("id", "")
        if row.number in reserved:
            wanted.setdefault(row.id, []).append(row)
            continue
        base = given if ID_PATTERN.match(given) else slug(given or row.cells["label"])
        code_id, n = base, 1
        while code_id in used:
            n += 1
            code_id = f"{base}_{n}"
        used.add(code_id)
        row.id = code_id
        wanted.setdefault(base, []).append(row)
        if given and not ID_PATTERN.match(given):
            notes.append(f"the id '{given}' in row {row.number} may only use a-z, 0-9 and _; it is now {code_id}")
    for base, group in wanted.items():
        if len(group) < 2:
            continue
        names = [row.name for row in group]
        ids = _and([row.id for row in group])
        if len(set(names)) == 1:
            notes.append(f"{len(group)} codes had the same name '{names[0]}'; their ids are {ids}")
        else:
            notes.append(
                f"{len(group)} codes ({_and(names, quote=True)}) would have had the id {base}; their ids are {ids}"
            )
    return notes


def _link_parents(rows: list[_Row], display: str) -> list[Problem]:
    """Point each row at its parent row (by id, the id written in the table, or label); problems if not."""
    by_id = {row.id: row for row in rows}
    by_given: dict[str, list[_Row]] = {}
    by_label: dict[str, list[_Row]] = {}
    for row in rows:
        if row.cells.get("id"):
            by_given.setdefault(row.cells["id"], []).append(row)
        if row.cells.get("label"):
            by_label.setdefault(row.cells["label"].casefold(), []).append(row)
    problems: list[Problem] = []
    for row in rows:
        ref = row.cells.get("parent", "")
        if not ref:
            continue
        found = [by_id[ref]] if ref in by_id else by_given.get(ref) or by_label.get(ref.casefold()) or []
        if len(found) == 1:
            row.parent = found[0]
        elif not found:
            choices = list(by_id) + [r.cells["label"] for r in rows if r.cells.get("label")]
            problems.append(
                Problem(
                    display,
                    row.number,
                    f"parent '{ref}' is not a code of the table{hint(ref, choices)}; give the id or label "
                    "of a code in the table, or leave parent empty for a top-level code",
                )
            )
        else:
            where = _and([str(r.number) for r in found])
            problems.append(
                Problem(
                    display,
                    row.number,
                    f"parent '{ref}' could be any of the codes in rows {where}; "
                    f"give the id of one of them instead ({_and([r.id for r in found], word='or')})",
                )
            )
    return problems + _cycles(rows, display)


def _cycles(rows: list[_Row], display: str) -> list[Problem]:
    """One problem per cycle of parents, at the cycle's first row."""
    problems: list[Problem] = []
    settled: set[int] = set()  # rows whose ancestors are known to end at a top-level code or a cycle
    for row in rows:
        path: list[_Row] = []
        on_path: dict[int, int] = {}
        current: _Row | None = row
        while current is not None and current.number not in settled and current.number not in on_path:
            on_path[current.number] = len(path)
            path.append(current)
            current = current.parent
        if current is not None and current.number in on_path:
            cycle = path[on_path[current.number] :]
            first = min(range(len(cycle)), key=lambda i: cycle[i].number)
            cycle = cycle[first:] + cycle[:first]
            if len(cycle) == 1:
                message = f"'{cycle[0].name}' names itself as its parent; leave its parent empty or name another code"
            else:
                links = [f"'{r.name}' (row {r.number})" for r in cycle]
                chain = f"{links[0]} is under " + ", which is under ".join(links[1:])
                message = (
                    f"the parents form a cycle: {chain}, which is under '{cycle[0].name}'; "
                    "leave the parent of one of them empty or name another code"
                )
            problems.append(Problem(display, cycle[0].number, message))
        settled.update(on_path)
    return problems


def _build_codes(rows: list[_Row]) -> tuple[list[Code], list[str]]:
    """The top-level codes, each with its children in table order; notes on dropped keywords."""
    notes: list[str] = []
    for row in rows:
        keywords: list[str] = []
        seen: set[str] = set()
        for keyword in _split(row.cells.get("keywords", ""), "\n;"):
            if keyword.casefold() in seen:
                notes.append(f"the keyword '{keyword}' is listed twice in row {row.number}; it is kept once")
                continue
            seen.add(keyword.casefold())
            keywords.append(keyword)
        row.code = Code(
            id=row.id,
            label=row.cells.get("label") or row.id,
            definition=row.cells.get("definition", ""),
            include=row.cells.get("include", ""),
            exclude=row.cells.get("exclude", ""),
            examples=_split(row.cells.get("examples", ""), "\n"),
            keywords=keywords,
            parent=row.parent.id if row.parent else None,
            line=row.number,
        )
    top: list[Code] = []
    for row in rows:
        (row.parent.code.children if row.parent else top).append(row.code)
    return top, notes


def _split(cell: str, separators: str) -> list[str]:
    """The non-empty entries of a cell, split at any of ``separators``."""
    for separator in separators[1:]:
        cell = cell.replace(separator, separators[0])
    return [entry.strip() for entry in cell.split(separators[0]) if entry.strip()]


def _and(items: Sequence[str], quote: bool = False, word: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c`` (each in quotes when ``quote``; ``or`` for ``word="or"``)."""
    shown = [f"'{item}'" if quote else item for item in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {word} " + shown[-1]


def _s(items: Sequence[object]) -> str:
    return "" if len(items) == 1 else "s"
