"""The state of the store: ``log``, ``check``, ``orphans``, ``reanchor``."""

from __future__ import annotations

from typing import Any

import click

from qualcode.app.check import check_project
from qualcode.cli.common import emit, emit_rows, format_option, pass_study
from qualcode.coding.orphans import delete, find_all_orphans, reattach
from qualcode.common.tabular import to_json, to_table
from qualcode.study.views import SEGMENT_LABELS


@click.command("log")
@click.option("--coder", metavar="NAME", help="Only this coder's changes.")
@click.option(
    "-n", "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Show the newest N entries."
)
@format_option("table", "json")
@pass_study
def log(study, coder, limit, fmt):
    """Show the audit log of coding changes: who, when, what.

    \b
    Example:
      qualcode log --coder ana -n 20
    """
    entries = study.store.read_log(coder, on_problem=lambda p: study.warning(f"{p}; the line is skipped"))[-limit:]

    def table(entries):
        rows = [
            {
                "timestamp": entry.get("timestamp"),
                "coder": entry.get("coder"),
                "action": entry.get("action"),
                "what": describe_change(entry),
            }
            for entry in entries
        ]
        return to_table(rows, ["timestamp", "coder", "action", "what"])

    emit_rows(fmt, entries, [], table)


def describe_change(entry: dict[str, Any]) -> str:
    """One audit-log entry as a person reads it: ``coaching on T#1c9e0f3a``, ``plc -> pl/plc``,
    ``T#1c9e0f3a -> #77c0a1de``, then the other details as ``key: value`` (lists comma-separated,
    each coder's codes as ``ana: plc; ben: -``, long texts shortened), never raw JSON."""
    detail = {
        k: v for k, v in entry.items() if k not in ("timestamp", "coder", "action") and v not in ("", None, [], {})
    }
    parts = []
    if "old_code" in detail:
        parts.append(f"{detail.pop('old_code')} -> {detail.pop('code', '?')}")
    elif "code" in detail:
        parts.append(str(detail.pop("code")))
    if "old_segment" in detail:
        old, new = str(detail.pop("old_segment")), str(detail.pop("segment", "?"))
        same = old.split("#")[0] == new.split("#")[0]
        parts.append(f"{old} -> {'#' + new.split('#', 1)[-1] if same else new}")
        detail.pop("transcript", None)
    elif "segment" in detail:
        segment = str(detail.pop("segment"))
        if parts:
            parts[-1] += f" on {segment}"
        else:
            parts.append(segment)
        detail.pop("transcript", None)
    elif "transcript" in detail:
        parts.append(str(detail.pop("transcript")))
    if detail.get("source") == "manual":
        del detail["source"]
    parts += [f"{key}: {_readable(value)}" for key, value in detail.items()]
    return "; ".join(parts)


def _readable(value: Any, limit: int = 40) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(_readable(v, limit) for v in value) or "-"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_readable(v, limit)}" for k, v in value.items())
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@click.command("check")
@click.option("--strict", is_flag=True, help="Exit with status 1 on warnings too (for CI).")
@format_option("text", "json", default="text")
@click.pass_context
def check(ctx, strict, fmt):
    """Check the whole project: config, codebook, transcripts, codings, orphans, memos.

    Prints every error and warning once, then counts exactly those. Exit status 1 when an
    error needs attention (orphaned codings, unknown codes, unreadable files), and with
    --strict on warnings too, so it can guard a team's CI. Interviewee segments are counted
    as in `cases` and `transcripts`; interviewer segments apart.

    \b
    Example:
      qualcode check --strict
    """
    sink = ctx.obj.warnings
    sink.hold()  # check lists every warning itself, once, and counts it
    findings, summary = check_project(ctx.obj.study)
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level != "error"]
    failed = bool(errors) or (strict and bool(warnings))
    if fmt == "json":
        emit(
            to_json(
                {
                    "ok": not failed,
                    "summary": summary,
                    "errors": len(errors),
                    "warnings": len(warnings),
                    "findings": [{"level": f.level, "message": f.message} for f in findings],
                }
            )
        )
    else:
        for finding in findings:
            if finding.level == "error" or not sink.quiet:
                click.echo(f"{finding.level}: {finding.message}", err=True)
        hidden = " (not shown: --quiet)" if sink.quiet and warnings else ""
        emit(f"checked {_checked(summary)}: {len(errors)} error(s), {len(warnings)} warning(s){hidden}")
    if failed:
        raise click.exceptions.Exit(1)


def _checked(summary):
    labels = {**SEGMENT_LABELS, "skipped_segments": f"{SEGMENT_LABELS['skipped_segments']} (not counted)"}
    return ", ".join(f"{v} {labels.get(k, k)}" for k, v in summary.items()) or "nothing"


@click.group("orphans", invoke_without_command=True)
@click.option("--coder", metavar="NAME", help="Only this coder's orphans.")
@format_option("table", "json")
@click.pass_context
def orphans(ctx, coder, fmt):
    """List codings and notes whose text is gone from the transcripts, and decide about them.

    Orphans are kept in the store until you reattach or delete them.

    \b
    Example:
      qualcode orphans
      qualcode orphans reattach OLD_SEGMENT_ID NEW_SEGMENT_ID
      qualcode orphans delete OLD_SEGMENT_ID
    """
    if ctx.invoked_subcommand is not None:
        return
    study = ctx.obj.study
    found, notes = find_all_orphans(study.store, study.corpus, study.codebook, coder)
    rows: list[dict[str, Any]] = [
        {
            "kind": "coding",
            "segment": o.coding.segment,
            "transcript": o.coding.transcript,
            "code": o.coding.code,
            "coder": o.coding.coder,
            "reason": o.reason,
            "quote": o.coding.anchor.quote,
        }
        for o in found
    ]
    rows += [
        {
            "kind": "note",
            "segment": n.note.segment,
            "transcript": n.note.transcript,
            "code": None,
            "coder": n.note.coder,
            "reason": n.reason,
            "quote": n.note.anchor.quote,
            "note": n.note.text,
        }
        for n in notes
    ]
    if fmt == "table" and not rows:
        click.echo("no orphaned codings or notes", err=True)
        return

    def table(rows):
        shown = [{**r, "code": r["code"] or f"note: {r['note']}"} for r in rows]
        return to_table(shown, ["segment", "code", "coder", "quote"])

    emit_rows(fmt, rows, [], table)


@orphans.command("reattach")
@click.argument("old_segment")
@click.argument("new_segment")
@click.option("--coder", metavar="NAME", help="Only this coder's orphans.")
@click.option("--code", metavar="ID", help="Only the orphan with this code.")
@pass_study
def reattach_cmd(study, old_segment, new_segment, coder, code):
    """Move the orphaned codings and notes of OLD_SEGMENT onto NEW_SEGMENT.

    \b
    Example:
      qualcode orphans reattach bayview/coach-01#2e589360 bayview/coach-01#77c0a1de
    """
    moved, notes = reattach(study.store, study.corpus, study.codebook, old_segment, new_segment, coder, code)
    click.echo(f"reattached {moved} coding(s){_and_notes(notes)} to {new_segment}", err=True)


@orphans.command("delete")
@click.argument("old_segment", required=False)
@click.option("--all", "all_", is_flag=True, help="Delete every orphaned coding.")
@click.option("--coder", metavar="NAME", help="Only this coder's orphans.")
@click.option("--code", metavar="ID", help="Only orphans with this code.")
@pass_study
def delete_cmd(study, old_segment, all_, coder, code):
    """Delete the orphaned codings and notes of OLD_SEGMENT (or --all of them).

    Deleted codings stay recorded, with their quote, in the audit log (`qualcode log`), and
    deleted notes with their text.

    \b
    Example:
      qualcode orphans delete bayview/coach-01#2e589360 --coder ana
    """
    if bool(old_segment) == all_:
        raise click.UsageError("give either OLD_SEGMENT or --all")
    deleted, notes = delete(study.store, study.corpus, study.codebook, None if all_ else old_segment, coder, code)
    click.echo(f"deleted {deleted} orphaned coding(s){_and_notes(notes)}", err=True)


def _and_notes(count):
    return f" and {count} note(s)" if count else ""


@click.command("reanchor")
@click.option("--coder", metavar="NAME", help="Only this coder's codings.")
@pass_study
def reanchor(study, coder):
    """Save the new anchors of codings and notes that transcript edits moved to another segment id.

    Reading commands (matrix, report, quotes, agree…) resolve moved codings in memory and never
    write; commands that write a coder's file (code, uncode, done…) save that coder's moves as
    they go. Run this to save everyone's at once, e.g. before committing edited transcripts.
    Orphans are left alone (see `qualcode orphans`).

    \b
    Example:
      qualcode reanchor
    """
    saved = study.reanchor([coder] if coder else None)
    coders = sorted({old.coder for old, _, _ in saved.codings} | {old.coder for old, _, _ in saved.notes})
    if saved.codings or saved.notes:
        click.echo(
            f"saved {len(saved.codings)} re-anchored coding(s){_and_notes(len(saved.notes))} of {', '.join(coders)}",
            err=True,
        )
    else:
        click.echo("nothing to re-anchor: every coding and note is on a current segment (or an orphan)", err=True)


COMMANDS = [log, check, orphans, reanchor]
