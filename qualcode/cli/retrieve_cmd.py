"""Retrieval: ``quotes`` and ``stats``."""

from __future__ import annotations

import textwrap

import click

from qualcode.analysis.retrieval import QUOTE_KEYS, code_stats, parse_where
from qualcode.analysis.retrieval import quotes as find_quotes
from qualcode.cli.common import emit, emit_rows, format_option, pass_study
from qualcode.common.tabular import to_table


@click.command("quotes")
@click.argument("code_ids", nargs=-1, required=True)
@click.option("--case", metavar="CASE", help="Only this case (e.g. a district).")
@click.option(
    "--where",
    "where",
    multiple=True,
    metavar="ATTR=VALUE",
    help="Only transcripts with this attribute value (repeatable).",
)
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only codings by this coder (repeatable).")
@click.option("--exact", is_flag=True, help="Do not include the codes' children.")
@format_option("table", "json", "csv", "markdown")
@pass_study
def quotes(study, code_ids, case, where, coders, exact, fmt):
    """Retrieve the segments coded with CODE_IDs, grouped by case.

    A parent code includes its children unless --exact. Filters match case-insensitively.

    \b
    Example:
      qualcode quotes data_use --case "Alder Creek" --where role=principal
      qualcode quotes family_engagement --format markdown > family.md
    """
    codings = study.load_codings(coders or None)
    rows = find_quotes(
        study.corpus, study.codebook, codings, code_ids, case=case, where=parse_where(where), exact=exact
    )
    if fmt == "markdown":
        emit(_markdown(rows, code_ids))
    else:
        emit_rows(fmt, rows, QUOTE_KEYS, _table)
    click.echo(f"{len(rows)} quote(s)", err=True)


def _byline(row) -> str:
    role = row["attributes"].get("role")
    who = row["speaker"] or "—"
    return f"{who}{f' ({role})' if role else ''}"


def _table(rows) -> str:
    lines, current = [], object()
    for row in rows:
        if row["case"] != current:
            current = row["case"]
            count = sum(1 for r in rows if r["case"] == current)
            lines += ["", click.style(f"== {current or '(no case)'} ({count}) ==", bold=True)]
        lines.append(f"{_byline(row)}  {click.style(row['segment'], dim=True)}  [{', '.join(row['codes'])}]")
        lines.append(textwrap.fill(" ".join(row["text"].split()), 100, initial_indent="  ", subsequent_indent="  "))
    return "\n".join(lines).strip("\n")


def _markdown(rows, code_ids) -> str:
    lines, current = [f"# Quotes: {', '.join(code_ids)}"], object()
    for row in rows:
        if row["case"] != current:
            current = row["case"]
            lines += ["", f"## {current or '(no case)'}"]
        text = " ".join(row["text"].split())
        lines += ["", f"> {text}", ">", f"> — {_byline(row)}, `{row['segment']}` · {', '.join(row['codes'])}"]
    return "\n".join(lines)


@click.command("stats")
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only codings by this coder (repeatable).")
@format_option("table", "json", "csv")
@pass_study
def stats(study, coders, fmt):
    """Code frequencies as a tree: segments, transcripts and cases per code.

    A parent counts the distinct segments coded with it or any child.

    \b
    Example:
      qualcode stats --coder ana
    """
    rows = code_stats(study.corpus, study.codebook, study.load_codings(coders or None))
    columns = ["code", "path", "label", "segments", "own_segments", "codings", "transcripts", "cases"]

    def table(rows):
        for row in rows:
            row["tree"] = "  " * row["depth"] + row["code"]
        return to_table(
            rows,
            ["tree", "segments", "transcripts", "cases", "codings", "label"],
            headers=["code", "segments", "transcripts", "cases", "codings", "label"],
        )

    emit_rows(fmt, rows, columns, table)


COMMANDS = [quotes, stats]
