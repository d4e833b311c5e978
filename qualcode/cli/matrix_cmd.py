"""Cross-case matrices: ``matrix`` and ``cooccur``."""

from __future__ import annotations

import io

import click
import pandas as pd

from qualcode.errors import QualcodeError
from qualcode.analysis.matrix import LEVELS, MEASURES, build_matrix, cooccurrence, matrix_json, select_codings
from qualcode.common.tabular import safe_cell, to_csv, to_json, to_table
from qualcode.common.storage import atomic_write
from qualcode.cli.common import emit, format_option, output_path, pass_project

FORMATS = ("table", "csv", "json", "markdown", "xlsx")


def split_list(value: str | None) -> list[str] | None:
    """``"ana,ben"`` -> ``["ana", "ben"]``; None stays None (meaning: all)."""
    if value is None:
        return None
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise click.BadParameter(f"'{value}' has an empty name; separate names with commas, e.g. ana,ben")
    return items


def check_min_score(include_suggestions: bool) -> None:
    """``--min-score`` means nothing without ``--include-suggestions``: say so, don't ignore it."""
    ctx = click.get_current_context()
    if not include_suggestions and ctx.get_parameter_source("min_score") is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--min-score only applies together with --include-suggestions")


def selection_options(func):
    """--coders, --include-suggestions, --min-score, --level (shared by matrix and cooccur)."""
    options = [
        click.option("--coders", metavar="A,B", help="Only these coders (comma-separated). Default: all coders."),
        click.option("--include-suggestions", is_flag=True,
                     help="Count the current suggestions as one more coder, 'suggestions'."),
        click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True, metavar="X",
                     help="With --include-suggestions: only suggestions scoring at least this."),
        click.option("--level", type=click.Choice(LEVELS), default="top", show_default=True,
                     help="top: roll child codes up into their top-level code; all: every code."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _label(value) -> str:
    return " / ".join(value) if isinstance(value, tuple) else str(value)


def _rows(table: pd.DataFrame, project, indent: bool, safe: bool) -> tuple[list[dict], list[str]]:
    book = project.codebook
    headers = [safe_cell(_label(c)) if safe else _label(c) for c in table.columns]
    rows = []
    for code, values in zip(table.index, table.to_numpy().tolist()):
        name = ("  " * book.depth(code) if indent else "") + code
        rows.append({"code": name, "label": book.by_id[code].name, **dict(zip(headers, values))})
    return rows, headers


def _markdown(rows: list[dict], columns: list[str]) -> str:
    def cell(value) -> str:
        if isinstance(value, float):
            value = f"{value:.2f}"
        return " ".join(str(value).split()).replace("|", "\\|")

    lines = ["| " + " | ".join(cell(c) for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _xlsx(rows: list[dict], columns: list[str], sheet: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(columns)
    for row in rows:
        ws.append([row[c] if isinstance(row[c], (int, float)) else safe_cell(row[c]) for c in columns])
    ws.freeze_panes = "C2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(table: pd.DataFrame, project, fmt: str, sheet: str) -> str | bytes:
    """The table in ``fmt``: text for table/csv/json/markdown, bytes for xlsx."""
    if fmt == "json":
        return to_json(matrix_json(table))
    rows, headers = _rows(table, project, indent=fmt in ("table", "markdown"), safe=fmt in ("csv", "xlsx"))
    if fmt == "table":
        return to_table(rows, ["code", *headers])
    if fmt == "markdown":
        return _markdown(rows, ["code", "label", *headers])
    if fmt == "csv":
        return to_csv(rows, ["code", "label", *headers])
    return _xlsx(rows, ["code", "label", *headers], sheet)


def _write(project, table, fmt, output, sheet) -> None:
    if fmt == "xlsx" and not output:
        raise QualcodeError("--format xlsx needs a file: add -o FILE, e.g. -o reports/matrix.xlsx")
    result = render(table, project, fmt, sheet)
    if not output:
        emit(result)
        return
    path = output_path(project, output)
    atomic_write(path, result if isinstance(result, bytes) else result.rstrip("\n") + "\n")
    click.echo(f"wrote {project.display(path)}", err=True)


@click.command("matrix")
@click.option("--by", metavar="ATTR[,ATTR]", help="Column attribute(s), comma-separated. Default: the case attribute.")
@click.option("--measure", type=click.Choice(MEASURES), default="segments", show_default=True,
              help="segments, transcripts or participants with the code, or share of the column's segments (0-1).")
@selection_options
@format_option(*FORMATS)
@click.option("-o", "--output", metavar="FILE",
              help="Write to FILE (relative paths stay inside the project; required for xlsx).")
@pass_project
def matrix(project, by, measure, coders, include_suggestions, min_score, level, fmt, output):
    """Cross-case matrix: codes x values of an attribute (default: the case).

    Only segments of coded speakers count, and a segment coded by several coders counts once.
    Measures per cell: segments carrying the code; transcripts with the code; distinct
    participants (the 'participant' attribute, else the speaker); share of the column's
    coded-speaker segments carrying the code (0-1).

    \b
    Example:
      qualcode matrix --measure share
      qualcode matrix --by case,role --level all --format csv > matrix.csv
      qualcode matrix --coders ana,ben --format xlsx -o reports/matrix.xlsx
    """
    check_min_score(include_suggestions)
    selection = select_codings(project, split_list(coders), include_suggestions, min_score)
    table = build_matrix(project, selection.codings, split_list(by), measure, level)
    _write(project, table, fmt, output, sheet=measure)


@click.command("cooccur")
@selection_options
@format_option(*FORMATS)
@click.option("-o", "--output", metavar="FILE",
              help="Write to FILE (relative paths stay inside the project; required for xlsx).")
@pass_project
def cooccur(project, coders, include_suggestions, min_score, level, fmt, output):
    """Code co-occurrence: segments carrying both codes (the diagonal: the code alone).

    With --level all, codes count as applied (a parent and its child co-occur only when both
    were applied to the segment).

    \b
    Example:
      qualcode cooccur
      qualcode cooccur --level all --format csv > cooccurrence.csv
    """
    check_min_score(include_suggestions)
    selection = select_codings(project, split_list(coders), include_suggestions, min_score)
    _write(project, cooccurrence(project, selection.codings, level), fmt, output, sheet="cooccurrence")


COMMANDS = [matrix, cooccur]
