"""``qualcode import codings|qdpx`` and ``qualcode export codings|qdpx``."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.analysis.retrieval import CODING_KEYS, coding_rows
from qualcode.cli.coder import new_coder_option, writing_coder
from qualcode.cli.common import OUTPUT, emit, format_option, pass_study, write_output
from qualcode.common.tabular import to_csv, to_json
from qualcode.interop.codings_table import import_codings


@click.group("import")
def import_():
    """Import codings from spreadsheets, or a whole project from NVivo, ATLAS.ti, MAXQDA…"""


@import_.command("qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-C",
    "--into",
    "into",
    type=click.Path(file_okay=False, path_type=Path),
    help="The new project's folder (must not exist, or be empty). Default: the file's name.",
)
@click.pass_context
def import_qdpx_cmd(ctx, file, into):
    """Create a qualcode project from a REFI-QDA project (.qdpx, or a .qde with its sources/).

    The codebook, the text sources (as transcripts), their variables and cases (as attributes),
    every user's codings (mapped onto segments) and notes come through; the README lists what
    is left out and why. Nothing is written when anything is wrong.

    \b
    Example:
      qualcode import qdpx nvivo-export.qdpx -C my-study
    """
    from qualcode.interop.refi.project_import import import_qdpx

    target = into or (Path(ctx.obj.project_dir) if ctx.obj.project_dir else Path(file.stem))
    report = import_qdpx(file, str(file), target.resolve())
    origin = f" (from {report.origin})" if report.origin else ""
    click.echo(
        f"created {target}{origin}: {report.transcripts} transcript(s), {report.codes} code(s), "
        f"{report.codings} coding(s) by {len(report.users)} user(s) ({', '.join(report.users) or 'none'}) from "
        f"{report.selections} selection(s), {report.notes} note(s), {report.memos} memo(s)",
        err=True,
    )
    if report.off_boundary:
        click.echo(
            f"{report.off_boundary} selection(s) did not follow segment boundaries: each codes every segment it "
            "overlaps, and keeps its exact text in the coding's anchor",
            err=True,
        )
    for note in [*report.codebook_notes, *report.left_out]:
        click.echo(f"note: {note}", err=True)


@import_.command("codings")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--coder", metavar="NAME", help="Whose codings these are. Default: $QUALCODE_CODER or git user.name.")
@new_coder_option
@click.option("--skip-bad", is_flag=True, help="Import the good rows even when some rows are bad.")
@pass_study
def import_codings_cmd(study, file, coder, new_coder, skip_bad):
    """Import codings from a CSV or XLSX file with columns transcript, quote, code[, memo].

    Each quote is anchored to the segment(s) containing it (exact, then fuzzy). Every bad row is
    listed with its row number; nothing is imported unless --skip-bad.

    \b
    Example:
      qualcode import codings team-sheet.xlsx --coder ana
    """
    coder = writing_coder(study, coder, new_coder)
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
    """Export codings for spreadsheets, or the whole project for NVivo, ATLAS.ti, MAXQDA…"""


@export.command("qdpx")
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE.qdpx",
    required=True,
    help="Where to write the project (relative paths stay inside the project).",
)
@pass_study
def export_qdpx_cmd(study, output):
    """Export the whole project as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder.

    Coders become users, transcripts text sources with their attributes as variables and their
    case as a Case, each coding a selection of the exact segment, memos and notes Notes.

    \b
    Example:
      qualcode export qdpx -o reports/study.qdpx
    """
    data, summary = study.export_qdpx()
    path = write_output(study, output, data)
    click.echo(
        f"wrote {study.display(path)}: {summary.sources} transcript(s), {summary.codes} code(s), "
        f"{summary.codings} coding(s) in {summary.selections} selection(s) by {summary.users} user(s), "
        f"{summary.notes} note(s), {summary.memos} memo(s)",
        err=True,
    )
    for item in summary.left_out:
        click.echo(f"left out: {item}", err=True)


@export.command("codings")
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only this coder (repeatable). Default: all.")
@format_option("csv", "json", default="csv")
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    help="Write to FILE instead of stdout (a relative path is inside the project).",
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
