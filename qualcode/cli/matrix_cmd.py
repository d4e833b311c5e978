"""Cross-case matrices: ``matrix`` and ``cooccur``."""

from __future__ import annotations

from typing import Any

import click
import pandas as pd

from qualcode.analysis.matrix import MEASURES, build_matrix, cooccurrence, matrix_json
from qualcode.cli.common import (
    OUTPUT,
    coders_option,
    emit,
    format_option,
    order_options,
    pass_study,
    split_names,
    write_output,
)
from qualcode.codebook.model import LEVELS, Codebook
from qualcode.common.spreadsheet import to_xlsx
from qualcode.common.tabular import safe_cell, to_csv, to_json, to_markdown, to_table
from qualcode.errors import InputError, UsageError

FORMATS = ("table", "csv", "json", "markdown", "xlsx")


def check_min_score(include_suggestions: bool) -> None:
    """``--min-score`` means nothing without ``--include-suggestions``: say so, don't ignore it."""
    ctx = click.get_current_context()
    if not include_suggestions and ctx.get_parameter_source("min_score") is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--min-score only applies together with --include-suggestions")


def selection_options(func):
    """--coders, --include-suggestions, --min-score, --level (shared by matrix and cooccur)."""
    options = [
        coders_option(),
        click.option(
            "--include-suggestions",
            is_flag=True,
            help="Count the current suggestions as one more coder, 'suggestions'.",
        ),
        click.option(
            "--min-score",
            type=click.FloatRange(0, 1),
            default=0.0,
            show_default=True,
            metavar="X",
            help="With --include-suggestions: only suggestions scoring at least this.",
        ),
        click.option(
            "--level",
            type=click.Choice(LEVELS),
            default="top",
            show_default=True,
            help="top: roll child codes up into their top-level code; all: every code.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _label(value) -> str:
    return " / ".join(value) if isinstance(value, tuple) else str(value)


def _rows(table: pd.DataFrame, book: Codebook, indent: bool, safe: bool) -> tuple[list[dict[str, Any]], list[str]]:
    headers = [safe_cell(_label(c)) if safe else _label(c) for c in table.columns]
    rows = []
    for code, values in zip(table.index, table.to_numpy().tolist()):
        name = ("  " * book.depth(code) if indent else "") + code
        rows.append({"code": name, "label": book.by_id[code].name, **dict(zip(headers, values))})
    return rows, headers


def render(table: pd.DataFrame, book: Codebook, fmt: str, sheet: str) -> str | bytes:
    """The table in ``fmt``: text for table/csv/json/markdown, bytes for xlsx."""
    if fmt == "json":
        return to_json(matrix_json(table))
    rows, headers = _rows(table, book, indent=fmt in ("table", "markdown"), safe=fmt in ("csv", "xlsx"))
    if fmt == "table":
        return to_table(rows, ["code", *headers])
    if fmt == "markdown":
        return to_markdown(rows, ["code", "label", *headers])
    if fmt == "csv":
        return to_csv(rows, ["code", "label", *headers])
    return to_xlsx(rows, ["code", "label", *headers], sheet, freeze="C2")


def _write(study, table, fmt, output, sheet) -> None:
    if fmt == "xlsx" and not output:
        raise InputError("--format xlsx needs a file: add -o FILE, e.g. -o reports/matrix.xlsx")
    result = render(table, study.codebook, fmt, sheet)
    if not output:
        assert isinstance(result, str)
        emit(result)
        return
    path = write_output(study, output, result)
    click.echo(f"wrote {study.display(path)}", err=True)


@click.command("matrix")
@click.option("--by", metavar="ATTR[,ATTR]", help="Column attribute(s), comma-separated. Default: the case attribute.")
@click.option(
    "--measure",
    type=click.Choice(MEASURES),
    default="segments",
    show_default=True,
    help="segments, transcripts or participants with the code, or share of the column's segments (0-1).",
)
@order_options
@selection_options
@format_option(*FORMATS)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    help="Write to FILE (relative paths stay inside the project; required for xlsx).",
)
@pass_study
def matrix(study, by, measure, order_by, descending, coders, include_suggestions, min_score, level, fmt, output):
    """Cross-case matrix: codes x values of an attribute (default: the case).

    Only segments of coded speakers count, and a segment coded by several coders counts once.
    Measures per cell: segments carrying the code; transcripts with the code; distinct
    participants (the 'participant' attribute, else the speaker); share of the column's
    coded-speaker segments carrying the code (0-1).

    \b
    Example:
      qualcode matrix --measure share
      qualcode matrix --by case,role --level all --format csv > matrix.csv
      qualcode matrix --order-by enrollment --descending
      qualcode matrix --by locale
      qualcode matrix --coders ana,ben --format xlsx -o reports/matrix.xlsx
    """
    check_min_score(include_suggestions)
    if descending and order_by is None:
        raise UsageError("--descending goes with --order-by ATTR, e.g. --order-by enrollment --descending")
    selection = study.select(coders, include_suggestions, min_score)
    table = build_matrix(
        study.corpus, study.codebook, selection.codings, split_names(by, "--by"), measure, level, order_by, descending
    )
    _write(study, table, fmt, output, sheet=measure)


@click.command("cooccur")
@selection_options
@format_option(*FORMATS)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    help="Write to FILE (relative paths stay inside the project; required for xlsx).",
)
@pass_study
def cooccur(study, coders, include_suggestions, min_score, level, fmt, output):
    """Code co-occurrence: segments carrying both codes (the diagonal: the code alone).

    With --level all, codes count as applied (a parent and its child co-occur only when both
    were applied to the segment).

    \b
    Example:
      qualcode cooccur
      qualcode cooccur --level all --format csv > cooccurrence.csv
    """
    check_min_score(include_suggestions)
    selection = study.select(coders, include_suggestions, min_score)
    table = cooccurrence(study.corpus, study.codebook, selection.codings, level)
    _write(study, table, fmt, output, sheet="cooccurrence")


COMMANDS = [matrix, cooccur]
