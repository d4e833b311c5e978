"""``qualcode import codings`` and ``qualcode export codings``."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.analysis.retrieval import CODING_KEYS, coding_rows
from qualcode.cli.common import emit, format_option, pass_study, write_output
from qualcode.coding.identity import resolve_coder
from qualcode.common.tabular import to_csv, to_json
from qualcode.interop.codings_table import import_codings


@click.group("import")
def import_():
    """Import codings from other tools and spreadsheets."""


@import_.command("codings")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", metavar="NAME", help="Whose codings these are. Default: $QUALCODE_CODER or git user.name.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even when some rows are bad.")
@pass_study
def import_codings_cmd(study, file, coder, skip_bad):
    """Import codings from a CSV or XLSX file with columns transcript, quote, code[, memo].

    Each quote is anchored to the segment(s) containing it (exact, then fuzzy). Every bad row is
    listed with its row number; nothing is imported unless --skip-bad.

    \b
    Example:
      qualcode import codings team-sheet.xlsx --coder ana
    """
    coder = resolve_coder(coder, cwd=study.root)
    path = file.resolve()
    display = study.display(path)
    result = import_codings(study.store, study.corpus, study.codebook, path, display, coder, skip_bad=skip_bad)
    for problem in result.problems:
        click.echo(f"skipped: {problem}", err=True)
    for row, score in result.fuzzy:
        click.echo(f"row {row}: quote matched approximately (score {score:.0f}/100)", err=True)
    for row in result.skipped_speaker_rows:
        click.echo(
            f"row {row}: the quote is in an interviewer turn (speakers_to_skip); coded but not counted", err=True
        )
    click.echo(
        f"imported {result.added} coding(s) from {result.rows} row(s) for {coder}"
        + (f"; {result.already_present} already present" if result.already_present else "")
        + (f"; {len(result.problems)} bad row(s) skipped" if result.problems else ""),
        err=True,
    )


@click.group("export")
def export():
    """Export codings for spreadsheets and other tools."""


@export.command("codings")
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only this coder (repeatable). Default: all.")
@format_option("csv", "json", default="csv")
@click.option(
    "-o", "--output", metavar="FILE", help="Write to FILE instead of stdout (a relative path is inside the project)."
)
@pass_study
def export_codings(study, coders, fmt, output):
    """Export one row per coding with its quote and every transcript attribute.

    Columns: transcript, case, segment, speaker, code, coder, source, quote, memo, time_start,
    time_end (seconds, where the transcript has times), then the
    attributes. CSV cells are protected against spreadsheet formula injection.

    \b
    Example:
      qualcode export codings --format csv -o codings.csv
    """
    rows = coding_rows(study.corpus, study.load_codings(coders or None))
    if fmt == "json":
        text = to_json(rows)
    else:
        extra = [k for k in (rows[0] if rows else {}) if k not in CODING_KEYS]
        text = to_csv(rows, [*CODING_KEYS, *extra])
    if output:
        path = write_output(study, output, text)
        click.echo(f"wrote {len(rows)} coding(s) to {study.display(path)}", err=True)
    else:
        emit(text)


COMMANDS = [import_, export]
