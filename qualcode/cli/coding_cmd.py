"""Hand coding: ``code``, ``uncode``, ``annotate``, ``done``, ``show``, ``coders``."""

from __future__ import annotations

import shutil
import textwrap

import click

from qualcode.analysis.retrieval import coder_summary
from qualcode.cli.common import emit_rows, format_option, pass_study
from qualcode.coding.identity import resolve_coder
from qualcode.coding.records import coder_slug
from qualcode.common.tabular import format_clock, to_table

coder_option = click.option(
    "--coder", metavar="NAME", help="Coder name. Default: $QUALCODE_CODER, else `git config user.name`."
)


@click.command("code")
@click.argument("segment_id")
@click.argument("code_ids", nargs=-1, required=True)
@coder_option
@click.option("--memo", default="", help="A short memo stored with each new coding.")
@pass_study
def code(study, segment_id, code_ids, coder, memo):
    """Code SEGMENT_ID with one or more CODE_IDs.

    Coding a segment again with the same code changes nothing.

    \b
    Example:
      qualcode code alder-creek/principal-01#3fa9c2d1 data_use plc --coder ana
    """
    coder = resolve_coder(coder, cwd=study.root)
    added, present = study.code(segment_id, code_ids, coder, memo=memo)
    if added:
        click.echo(f"{segment_id}: coded {', '.join(added)} ({coder})", err=True)
    if present:
        click.echo(f"{segment_id}: already coded {', '.join(present)} ({coder}); nothing changed", err=True)


@click.command("uncode")
@click.argument("segment_id")
@click.argument("code_ids", nargs=-1, required=True)
@coder_option
@pass_study
def uncode(study, segment_id, code_ids, coder):
    """Remove CODE_IDs from SEGMENT_ID.

    \b
    Example:
      qualcode uncode alder-creek/principal-01#3fa9c2d1 plc --coder ana
    """
    coder = resolve_coder(coder, cwd=study.root)
    removed = study.uncode(segment_id, code_ids, coder)
    if removed:
        click.echo(f"{segment_id}: removed {', '.join(removed)} ({coder})", err=True)
    else:
        click.echo(f"{segment_id}: not coded {', '.join(code_ids)} by {coder}; nothing changed", err=True)


@click.command("annotate")
@click.argument("segment_id")
@click.argument("text", required=False)
@coder_option
@click.option(
    "--delete",
    is_flag=True,
    help="Delete your notes on SEGMENT_ID instead (all of them, or the one whose text is TEXT).",
)
@pass_study
def annotate(study, segment_id, text, coder, delete):
    """Attach a note (TEXT) to SEGMENT_ID, or --delete notes.

    \b
    Example:
      qualcode annotate bayview/coach-01#fb8b9b27 "coaching kept apart from evaluation" --coder ana
      qualcode annotate bayview/coach-01#fb8b9b27 --delete --coder ana
    """
    coder = resolve_coder(coder, cwd=study.root)
    if delete:
        removed = study.remove_notes(segment_id, coder, text)
        click.echo(f"{segment_id}: {removed} note(s) deleted ({coder})", err=True)
        return
    if text is None:
        raise click.UsageError("give the note TEXT (or --delete)")
    study.annotate(segment_id, text, coder)
    click.echo(f"{segment_id}: note added ({coder})", err=True)


@click.command("done")
@click.argument("transcript_ids", nargs=-1, required=True)
@coder_option
@click.option("--undo", is_flag=True, help="Unmark instead.")
@pass_study
def done(study, transcript_ids, coder, undo):
    """Mark transcripts as fully coded by a coder.

    In a done transcript, a segment the coder left uncoded means "code absent" for agreement
    statistics and evaluation.

    \b
    Example:
      qualcode done alder-creek/principal-01 --coder ana
    """
    coder = resolve_coder(coder, cwd=study.root)
    changed = study.mark_done(transcript_ids, coder, undo=undo)
    state = "not done" if undo else "done"
    for transcript_id in transcript_ids:
        note = "" if transcript_id in changed else " (already)"
        click.echo(f"{transcript_id}: {state} for {coder}{note}", err=True)


def _style_code(book, code_id: str) -> str:
    """``[path]`` in the code's colour (the codebook's one colour rule, as in the report)."""
    if code_id not in book:
        return click.style(f"[{code_id}]", bold=True)
    color = book.color_of(code_id)
    rgb = (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))
    return click.style(f"[{book.path_of(code_id)}]", fg=rgb, bold=True)


@click.command("show")
@click.argument("transcript_id")
@click.option("--coder", "coders", multiple=True, metavar="NAME", help="Only this coder's codes (repeatable).")
@pass_study
def show(study, transcript_id, coders):
    """Print a transcript segment by segment with speakers, ids and codes.

    Shows every coder's codes (and who gave them). To code blind, independently of the
    others, pass --coder with your own name: only your codes and notes are shown. Codes are
    coloured per code on a terminal and plain when piped.

    \b
    Example:
      qualcode show bayview/principal-01 --coder ana | less -R
    """
    transcript = study.corpus.transcript(transcript_id)
    codings = study.load_codings()
    visible = codings.blind(coders)
    mine = visible.codings
    for name in coders:
        if not any(coder_slug(c.coder) == coder_slug(name) for c in mine):
            click.echo(f"{name} has no codings yet", err=True)
    by_segment: dict[str, dict[str, list[str]]] = {}
    for coding in mine:
        by_segment.setdefault(coding.segment, {}).setdefault(coding.code, []).append(coding.coder)
    notes: dict[str, list] = {}
    for note in visible.notes:
        notes.setdefault(note.segment, []).append(note)
    width = min(100, shutil.get_terminal_size((100, 24)).columns)
    attributes = " · ".join(f"{k}: {v}" for k, v in transcript.attributes.items())
    lines = [click.style(transcript.id, bold=True), attributes, ""]
    several = len({c.coder for c in mine}) > 1
    for segment in study.corpus.segments_by_transcript[transcript.id]:
        codes = by_segment.get(segment.id, {})
        chips = " ".join(
            _style_code(study.codebook, c) + (f"({', '.join(sorted(who))})" if several else "")
            for c, who in sorted(codes.items())
        )
        speaker = segment.speaker or "—"
        name = click.style(speaker, bold=not segment.skipped, dim=segment.skipped)
        clock = f"  [{format_clock(segment.time_start)}]" if segment.time_start is not None else ""
        head = f"{name}{clock}  {click.style(segment.id, dim=True)}"
        lines.append(f"{head}  {chips}".rstrip())
        body = textwrap.fill(" ".join(segment.text.split()), width, initial_indent="  ", subsequent_indent="  ")
        lines.append(click.style(body, dim=True) if segment.skipped else body)
        for note in notes.get(segment.id, []):
            lines.append(click.style(f"  note ({note.coder}): {note.text}", fg="cyan"))
        lines.append("")
    click.echo("\n".join(lines).rstrip())


@click.command("coders")
@format_option("table", "json")
@pass_study
def coders(study, fmt):
    """Summarise each coder's work: codings, segments, transcripts covered and done.

    \b
    Example:
      qualcode coders
    """
    rows = coder_summary(study.load_codings())

    def table(rows):
        for row in rows:
            row["sources"] = ", ".join(f"{k} {v}" for k, v in row["sources"].items())
        return to_table(
            rows, ["coder", "codings", "segments", "codes", "transcripts", "done", "sources", "last_change"]
        )

    emit_rows(fmt, rows, [], table)


COMMANDS = [code, uncode, annotate, done, show, coders]
