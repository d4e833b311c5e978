"""Listing commands: ``segments``, ``transcripts``, ``cases``."""

from __future__ import annotations

from typing import Any

import click

from qualcode.cli.common import emit_rows, format_option, pass_study
from qualcode.common.tabular import to_table
from qualcode.study.views import (
    CASE_KEYS,
    SEGMENT_KEYS,
    SEGMENT_LABELS,
    TRANSCRIPT_KEYS,
    case_rows,
    segment_rows,
    transcript_rows,
)


@click.command("segments")
@click.option(
    "--transcript", "transcript_id", metavar="ID", help="Only this transcript (id, e.g. alder-creek/principal-01)."
)
@format_option("table", "json", "csv")
@pass_study
def segments(study, transcript_id, fmt):
    """List segments with their stable ids (and times, where the transcript has them).

    Interviewer turns (speakers_to_skip) are listed too; they are never suggested or counted.
    Files that cannot be read are reported and left out (exit status 1).

    \b
    Example:
      qualcode segments --transcript alder-creek/principal-01 --format json
    """
    corpus = study.readable_corpus
    rows = segment_rows(corpus, transcript_id)
    emit_rows(fmt, rows, SEGMENT_KEYS, lambda r: to_table(r, ["id", "case", "speaker", "text"]))
    corpus.require_complete()  # the files that could not be read: listed, exit status 1


@click.command("transcripts")
@format_option("table", "json", "csv")
@pass_study
def transcripts(study, fmt):
    """List transcripts with their attributes, segments and words.

    "interviewee segments" count the coded speakers only, as `cases`, `check`, `matrix` and
    the report do; "interviewer segments" are the speakers_to_skip turns, never counted.

    \b
    Example:
      qualcode transcripts --format csv > transcripts.csv
    """
    corpus = study.readable_corpus
    rows = transcript_rows(corpus)
    if fmt == "json":
        emit_rows(fmt, rows, [])
        corpus.require_complete()
        return
    names = sorted({k for r in rows for k in r["attributes"]} - {study.config.case_attribute})
    flat: list[dict[str, Any]] = [
        {**{k: v for k, v in r.items() if k != "attributes"}, **r["attributes"]} for r in rows
    ]
    for row in flat:
        row["speakers"] = ", ".join(row["speakers"])
    shown = [n for n in ("role", "participant") if n in names]
    columns = [*(k for k in TRANSCRIPT_KEYS if k != "attributes"), *names]
    table = ["id", "case", *shown, "segments", "skipped_segments", "words", "speakers"]
    headers = [SEGMENT_LABELS.get(c, c) for c in table]
    emit_rows(fmt, flat, columns, lambda r: to_table(r, table, headers))
    corpus.require_complete()


@click.command("cases")
@format_option("table", "json", "csv")
@pass_study
def cases(study, fmt):
    """Summarise the study per case: counts and the case attributes of cases.csv.

    Counts: transcripts, participants, roles, segments, words.

    "interviewee segments" count the coded speakers only (not the interviewer), as
    `transcripts`, `check`, `matrix` and the report do.

    \b
    Example:
      qualcode cases
    """
    corpus = study.readable_corpus
    rows = case_rows(corpus)
    if fmt == "json":
        emit_rows(fmt, rows, CASE_KEYS)
        corpus.require_complete()
        return
    table = corpus.case_table
    taken = {"case", "transcripts", "participants", "segments", "words", "roles"}
    shown = [name for name in table.attributes if name not in taken]
    for row in rows:
        row["roles"] = ", ".join(row["roles"])
        for name in shown:
            written = table.texts.get(row["case"] or "", {}).get(name, "")
            row[name] = table.text(row["case"], name) if fmt == "table" else written
        row["case"] = row["case"] if row["case"] is not None else "(no case)"
    columns = ["case", "transcripts", "participants", "segments", "words", "roles", *shown]
    totals = ("transcripts", "participants", "segments", "words")
    total = {"case": "TOTAL", **{k: sum(r[k] for r in rows) for k in totals}, "roles": "", **dict.fromkeys(shown, "")}
    headers = [SEGMENT_LABELS.get(c, c) for c in columns]
    emit_rows(fmt, rows, columns, lambda r: to_table(r + [total], columns, headers))
    corpus.require_complete()


COMMANDS = [segments, transcripts, cases]
