"""Listing commands: ``segments``, ``transcripts``, ``cases``."""

from __future__ import annotations

import click

from qualcode.common.tabular import to_csv, to_json, to_table
from qualcode.study.views import SEGMENT_KEYS, case_rows, segment_rows, transcript_rows
from qualcode.cli.common import emit, format_option, pass_project


@click.command("segments")
@click.option("--transcript", "transcript_id", metavar="ID", help="Only this transcript (id, e.g. alder-creek/principal-01).")
@format_option("table", "json", "csv")
@pass_project
def segments(project, transcript_id, fmt):
    """List segments with their stable ids.

    Interviewer turns (speakers_to_skip) are listed too; they are never suggested or counted.

    \b
    Example:
      qualcode segments --transcript alder-creek/principal-01 --format json
    """
    rows = segment_rows(project.corpus, transcript_id)
    if fmt == "json":
        emit(to_json(rows))
    elif fmt == "csv":
        emit(to_csv(rows, SEGMENT_KEYS))
    else:
        emit(to_table(rows, ["id", "case", "speaker", "text"]))


@click.command("transcripts")
@format_option("table", "json", "csv")
@pass_project
def transcripts(project, fmt):
    """List transcripts with their attributes, segments and words.

    \b
    Example:
      qualcode transcripts --format csv > transcripts.csv
    """
    rows = transcript_rows(project.corpus)
    if fmt == "json":
        emit(to_json(rows))
        return
    names = sorted({k for r in rows for k in r["attributes"]} - {project.config.case_attribute})
    flat = [{**{k: v for k, v in r.items() if k != "attributes"}, **r["attributes"]} for r in rows]
    for row in flat:
        row["speakers"] = ", ".join(row["speakers"])
    if fmt == "csv":
        emit(to_csv(flat, ["id", "path", "case", "speakers", "segments", "coded_segments", "words", *names]))
    else:
        shown = [n for n in ("role", "participant") if n in names]
        emit(to_table(flat, ["id", "case", *shown, "segments", "words", "speakers"]))


@click.command("cases")
@format_option("table", "json", "csv")
@pass_project
def cases(project, fmt):
    """Summarise the study per case: transcripts, participants, roles, segments, words.

    Segments count the coded speakers only (not the interviewer).

    \b
    Example:
      qualcode cases
    """
    rows = case_rows(project.corpus)
    if fmt == "json":
        emit(to_json(rows))
        return
    for row in rows:
        row["roles"] = ", ".join(row["roles"])
        row["case"] = row["case"] if row["case"] is not None else "(no case)"
    columns = ["case", "transcripts", "participants", "segments", "words", "roles"]
    if fmt == "csv":
        emit(to_csv(rows, columns))
    else:
        total = {
            "case": "TOTAL",
            **{k: sum(r[k] for r in rows) for k in ("transcripts", "participants", "segments", "words")},
            "roles": "",
        }
        emit(to_table(rows + [total], columns))


COMMANDS = [segments, transcripts, cases]
