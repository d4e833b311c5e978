"""Hand coding: ``code``, ``uncode``, ``annotate``, ``done``, ``show``, ``coders``."""

from __future__ import annotations

import shutil
import textwrap

import click

from qualcode.analysis.retrieval import coder_summary
from qualcode.cli.coder import coder_option, new_coder_option, writing_coder
from qualcode.cli.common import emit_rows, format_option, pass_study
from qualcode.coding.records import coder_slug
from qualcode.common.tabular import format_clock, to_table


@click.command("code")
@click.argument("target", metavar="SEGMENT_ID|TRANSCRIPT_ID")
@click.argument("code_ids", nargs=-1)
@coder_option
@new_coder_option
@click.option("--memo", default="", help="A short memo stored with each new coding.")
@pass_study
def code(study, target, code_ids, coder, new_coder, memo):
    """Code SEGMENT_ID with one or more CODE_IDs (ids or paths such as collaborative_pl/coaching),
    or code TRANSCRIPT_ID interactively, segment by segment.

    Coding a segment again with the same code changes nothing. Given a transcript id and no
    codes, an interactive session walks the transcript's coded-speaker segments (resuming after
    the last one you touched) and reads code ids with Tab completion and fuzzy matching; type ?
    in it for the keys. Piped input is read line by line, so a session can be scripted.

    \b
    Example:
      qualcode code alder-creek/principal-01#3fa9c2d1 data_use collaborative_pl/coaching --coder ana
      qualcode code alder-creek/principal-01 --coder ana
    """
    if not code_ids:
        if target not in study.corpus.by_id:
            if "#" in target:
                raise click.UsageError(f"give the CODE_IDs to code {target} with, e.g. qualcode code {target} data_use")
            study.corpus.transcript(target)  # unknown transcript: did-you-mean
        if memo:
            raise click.UsageError("--memo is for coding one segment; in a session, n adds a note")
        from qualcode.cli.session_loop import run_session

        run_session(study, target, writing_coder(study, coder, new_coder))
        return
    if target in study.corpus.by_id:
        raise click.UsageError(
            f"'{target}' is a transcript; give a segment id (`qualcode show {target}` lists them) to code one "
            f"segment, or leave out the codes to code the transcript interactively"
        )
    segment_id = target
    coder = writing_coder(study, coder, new_coder)
    added, present = study.code(segment_id, code_ids, coder, memo=memo)
    if added:
        click.echo(f"{segment_id}: coded {', '.join(added)} ({coder})", err=True)
    if present:
        click.echo(f"{segment_id}: already coded {', '.join(present)} ({coder}); nothing changed", err=True)


@click.command("uncode")
@click.argument("segment_id")
@click.argument("code_ids", nargs=-1, required=True)
@coder_option
@new_coder_option
@pass_study
def uncode(study, segment_id, code_ids, coder, new_coder):
    """Remove CODE_IDs from SEGMENT_ID.

    \b
    Example:
      qualcode uncode alder-creek/principal-01#3fa9c2d1 plc --coder ana
    """
    coder = writing_coder(study, coder, new_coder)
    removed = study.uncode(segment_id, code_ids, coder)
    if removed:
        click.echo(f"{segment_id}: removed {', '.join(removed)} ({coder})", err=True)
    else:
        click.echo(f"{segment_id}: not coded {', '.join(code_ids)} by {coder}; nothing changed", err=True)


@click.command("annotate")
@click.argument("segment_id")
@click.argument("text", required=False)
@coder_option
@new_coder_option
@click.option(
    "--delete",
    is_flag=True,
    help="Delete your notes on SEGMENT_ID instead (all of them, or the one whose text is TEXT).",
)
@pass_study
def annotate(study, segment_id, text, coder, new_coder, delete):
    """Attach a note (TEXT) to SEGMENT_ID, or --delete notes.

    \b
    Example:
      qualcode annotate bayview/coach-01#fb8b9b27 "coaching kept apart from evaluation" --coder ana
      qualcode annotate bayview/coach-01#fb8b9b27 --delete --coder ana
    """
    coder = writing_coder(study, coder, new_coder)
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
@new_coder_option
@click.option("--undo", is_flag=True, help="Unmark instead.")
@pass_study
def done(study, transcript_ids, coder, new_coder, undo):
    """Mark transcripts as fully coded by a coder.

    In a done transcript, a segment the coder left uncoded means "code absent" for agreement
    statistics and evaluation.

    \b
    Example:
      qualcode done alder-creek/principal-01 --coder ana
    """
    coder = writing_coder(study, coder, new_coder)
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
    codings = study.load_codings(transcripts=[transcript.id])
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


@click.group("coders", invoke_without_command=True)
@format_option("table", "json")
@pass_study
@click.pass_context
def coders(ctx, study, fmt):
    """Summarise each coder's work: codings, segments, transcripts covered and done.

    A coder file with no codings and no done marks is not a coder (it is not counted here, by
    `agree`, the matrix or the report); `qualcode coders rm NAME` removes it.

    \b
    Example:
      qualcode coders
      qualcode coders rm anna
    """
    if ctx.invoked_subcommand is not None:
        return
    codings = study.load_codings()
    rows = coder_summary(codings)
    for name in codings.empty_coders:
        click.echo(
            f"{name}: a coder file without codings or done marks, not counted; `qualcode coders rm {name}` removes it",
            err=True,
        )

    def table(rows):
        for row in rows:
            row["sources"] = ", ".join(f"{k} {v}" for k, v in row["sources"].items())
        return to_table(
            rows, ["coder", "codings", "segments", "codes", "transcripts", "done", "sources", "last_change"]
        )

    emit_rows(fmt, rows, [], table)


@coders.command("rm")
@click.argument("name")
@click.option("--force", is_flag=True, help="Remove the coder even with codings, notes or done marks.")
@pass_study
def coders_rm(study, name, force):
    """Remove coder NAME: their codings file and its audit log.

    Refused when the coder has codings, notes or done marks, unless --force (git keeps the
    history of committed files).

    \b
    Example:
      qualcode coders rm anna
      qualcode coders rm trial-coder --force
    """
    from qualcode.coding.identity import remove_coder

    removed = remove_coder(study.store, name, force=force)
    what = ", ".join(study.display(p) for p in removed.paths)
    click.echo(f"removed coder '{removed.coder}' ({removed.describe()}): deleted {what}", err=True)


COMMANDS = [code, uncode, annotate, done, show, coders]
