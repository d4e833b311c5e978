"""``qualcode import codings|qdpx`` and ``qualcode export codings|qdpx``."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.analysis.retrieval import CODING_KEYS, coding_rows
from qualcode.cli.coder import new_coder_option, writing_coder
from qualcode.cli.common import OUTPUT, emit, format_option, pass_study, write_output
from qualcode.common.spreadsheet import to_xlsx
from qualcode.common.tabular import to_csv, to_json
from qualcode.errors import InputError
from qualcode.interop.codings_table import import_codings, read_table

#: How many "changed to fit XLSX" notes are printed before the rest are counted.
_NOTES_SHOWN = 5


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
    """Import codings from a CSV or XLSX file with columns transcript, quote, code[, memo, segment].

    CSV may be separated by commas, semicolons or tabs, in UTF-8, Windows-1252 or Latin-1 (found
    and said on stderr). A row whose segment is still in its transcript codes that segment (so a
    file from `export codings` imports as it was); otherwise its quote is anchored to the
    segment(s) containing it (exact, then fuzzy). Every bad row is listed with its row number;
    nothing is imported unless --skip-bad.

    \b
    Example:
      qualcode import codings team-sheet.xlsx --coder ana
    """
    coder = writing_coder(study, coder, new_coder)
    path = file.resolve()
    display = study.display(path)
    table = read_table(path, display)
    click.echo(f"read {display} as {table.described}", err=True)
    for note in table.notes:
        click.echo(f"note: {note}", err=True)
    result = import_codings(
        study.store, study.corpus, study.codebook, path, display, coder, skip_bad=skip_bad, table=table
    )
    for problem in result.problems:
        click.echo(f"skipped: {problem}", err=True)
    for row, score in result.fuzzy:
        click.echo(f"row {row}: quote matched approximately (score {score:.0f}/100)", err=True)
    for row in result.skipped_speaker_rows:
        click.echo(
            f"row {row}: the quote is in an interviewer turn (speakers_to_skip); coded but not counted", err=True
        )
    if result.stale_segment_rows:
        click.echo(
            f"{len(result.stale_segment_rows)} row(s) name a segment that is not in their transcript (edited since?); "
            "anchored by their quote instead",
            err=True,
        )
    if result.other_coders:
        click.echo(
            f"note: the file's coder column names {', '.join(result.other_coders)}; every row was imported "
            f"for {coder} (export and import one coder at a time to keep coders apart)",
            err=True,
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
@format_option("csv", "json", "xlsx", default="csv")
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    help="Write to FILE instead of stdout (a relative path is inside the project; required for xlsx).",
)
@pass_study
def export_codings(study, coders, fmt, output):
    """Export one row per coding with its quote and every transcript attribute (csv, json or xlsx).

    Columns: transcript, case, segment, speaker, code, coder, source, quote, memo, time_start,
    time_end (seconds, where the transcript has times), then the
    attributes. CSV and XLSX cells are protected against spreadsheet formula injection; in XLSX,
    control characters are removed and a text longer than a cell holds (32,767 characters) is
    cut, each said on stderr. `import codings` reads the file back.

    \b
    Examples:
      qualcode export codings --format csv -o codings.csv
      qualcode export codings --format xlsx --coder ana -o exports/ana.xlsx
    """
    if fmt == "xlsx" and not output:
        raise InputError("--format xlsx needs a file: add -o FILE, e.g. -o exports/codings.xlsx")
    rows = coding_rows(study.corpus, study.load_codings(coders or None))
    columns = [*CODING_KEYS, *[k for k in (rows[0] if rows else {}) if k not in CODING_KEYS]]
    notes: list[str] = []
    data: str | bytes
    if fmt == "json":
        data = to_json(rows)
    elif fmt == "xlsx":
        data = to_xlsx(rows, columns, sheet="codings", freeze="A2", notes=notes)
    else:
        data = to_csv(rows, columns)
    for note in notes[:_NOTES_SHOWN]:
        click.echo(f"note: {note}", err=True)
    if len(notes) > _NOTES_SHOWN:
        click.echo(f"note: and {len(notes) - _NOTES_SHOWN} more cell(s) changed to fit XLSX", err=True)
    if output:
        path = write_output(study, output, data)
        click.echo(f"wrote {len(rows)} coding(s) to {study.display(path)}", err=True)
    else:
        assert isinstance(data, str)
        emit(data)


COMMANDS = [import_, export]
