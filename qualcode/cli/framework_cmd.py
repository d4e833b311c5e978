"""``qualcode framework``: the framework matrix as Markdown, Word, CSV or XLSX."""

from __future__ import annotations

import click

from qualcode.cli.common import OUTPUT, coders_option, emit, order_options, pass_study, write_output
from qualcode.codebook.model import LEVELS
from qualcode.errors import InputError, UsageError

FORMATS = ("md", "docx", "csv", "xlsx")


@click.command("framework")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="Output format: md, docx, csv or xlsx; md and csv print to stdout without -o; docx and xlsx need -o FILE.",
)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    help="Write to FILE (relative paths stay inside the project; required for docx and xlsx).",
)
@click.option("--quotes", type=click.IntRange(min=0), default=0, metavar="N", help="Up to N exemplar quotes per cell.")
@coders_option()
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="top",
    show_default=True,
    help="top: one row per top-level code; all: every code.",
)
@order_options
@pass_study
def framework(study, fmt, output, quotes, coders, level, order_by, descending):
    """Export the framework matrix: cases x themes with each cell's summary (md, docx, csv, xlsx).

    One column per case, the case attributes on top, one row per theme; each cell holds the
    summary of `qualcode summarize` (or its quote count) and, with --quotes N, up to N exemplar
    quotes (cited ones first) with their participant ids.

    \b
    Example:
      qualcode framework --quotes 1 -o reports/framework.md
      qualcode framework --format docx --order-by enrollment --descending -o reports/framework.docx
    """
    from qualcode.common.spreadsheet import to_xlsx
    from qualcode.common.tabular import safe_cell, to_csv
    from qualcode.synthesis.framework import framework_rows, to_docx, to_markdown_table

    if descending and order_by is None:
        raise UsageError("--descending goes with --order-by ATTR, e.g. --order-by enrollment --descending")
    if fmt in ("docx", "xlsx") and not output:
        raise InputError(f"--format {fmt} needs a file: add -o FILE, e.g. -o reports/framework.{fmt}")
    matrix = study.framework(coders, level, order_by, descending)
    result: str | bytes
    if fmt == "md":
        result = to_markdown_table(matrix, quotes)
    elif fmt == "docx":
        result = to_docx(matrix, quotes)
    else:
        columns, rows = framework_rows(matrix, quotes)
        safe_columns = [safe_cell(c) for c in columns]
        safe_rows = [{safe_cell(c): safe_cell(row[c]) for c in columns} for row in rows]
        result = to_csv(safe_rows, safe_columns) if fmt == "csv" else to_xlsx(safe_rows, safe_columns, "framework")
    if not output:
        assert isinstance(result, str)
        emit(result)
        return
    path = write_output(study, output, result)
    click.echo(f"wrote {study.display(path)}", err=True)


COMMANDS = [framework]
