"""The state of the store: ``log``, ``check``, ``orphans``."""

from __future__ import annotations

import click

from qualcode.coding.store import store_for
from qualcode.app.check import check_project
from qualcode.coding.orphans import delete, find_orphans, reattach
from qualcode.common.tabular import to_json, to_table
from qualcode.cli.common import emit, format_option, pass_project


@click.command("log")
@click.option("--coder", metavar="NAME", help="Only this coder's changes.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=50, show_default=True, help="Show the newest N entries.")
@format_option("table", "json")
@pass_project
def log(project, coder, limit, fmt):
    """Show the audit log of coding changes: who, when, what.

    \b
    Example:
      qualcode log --coder ana -n 20
    """
    entries = store_for(project).read_log(coder)[-limit:]
    if fmt == "json":
        emit(to_json(entries))
        return
    rows = []
    for entry in entries:
        detail = {k: v for k, v in entry.items() if k not in ("timestamp", "coder", "action")}
        what = " ".join(f"{k}={v}" for k, v in detail.items() if v not in ("", None))
        rows.append({"timestamp": entry.get("timestamp"), "coder": entry.get("coder"), "action": entry.get("action"), "what": what})
    emit(to_table(rows, ["timestamp", "coder", "action", "what"]))


@click.command("check")
@format_option("text", "json", default="text")
@pass_project
def check(project, fmt):
    """Check the whole project: config, codebook, transcripts, codings, orphans.

    Exit status 1 when an error needs attention (orphaned codings, unknown codes, unreadable
    files), so it can guard a team's CI.

    \b
    Example:
      qualcode check
    """
    findings, summary = check_project(project)
    errors = [f for f in findings if f.level == "error"]
    if fmt == "json":
        emit(to_json({"ok": not errors, "summary": summary,
                      "findings": [{"level": f.level, "message": f.message} for f in findings]}))
    else:
        for finding in findings:
            click.echo(f"{finding.level}: {finding.message}", err=True)
        parts = ", ".join(f"{v} {k}" for k, v in summary.items())
        emit(f"checked {parts}: {len(errors)} error(s), {len(findings) - len(errors)} warning(s)")
    if errors:
        raise click.exceptions.Exit(1)


@click.group("orphans", invoke_without_command=True)
@click.option("--coder", metavar="NAME", help="Only this coder's orphans.")
@format_option("table", "json")
@click.pass_context
def orphans(ctx, coder, fmt):
    """List codings whose text is gone from the transcripts, and decide about them.

    Orphans are kept in the store until you reattach or delete them.

    \b
    Example:
      qualcode orphans
      qualcode orphans reattach OLD_SEGMENT_ID NEW_SEGMENT_ID
      qualcode orphans delete OLD_SEGMENT_ID
    """
    if ctx.invoked_subcommand is not None:
        return
    found = find_orphans(ctx.obj.project, coder)
    rows = [{"segment": o.coding.segment, "transcript": o.coding.transcript, "code": o.coding.code,
             "coder": o.coding.coder, "reason": o.reason, "quote": o.coding.anchor.quote} for o in found]
    if fmt == "json":
        emit(to_json(rows))
    elif rows:
        emit(to_table(rows, ["segment", "code", "coder", "quote"]))
    else:
        click.echo("no orphaned codings", err=True)


@orphans.command("reattach")
@click.argument("old_segment")
@click.argument("new_segment")
@click.option("--coder", metavar="NAME", help="Only this coder's orphans.")
@click.option("--code", metavar="ID", help="Only the orphan with this code.")
@pass_project
def reattach_cmd(project, old_segment, new_segment, coder, code):
    """Move the orphaned codings of OLD_SEGMENT onto NEW_SEGMENT.

    \b
    Example:
      qualcode orphans reattach bayview/coach-01#2e589360 bayview/coach-01#77c0a1de
    """
    moved = reattach(project, old_segment, new_segment, coder, code)
    click.echo(f"reattached {moved} coding(s) to {new_segment}", err=True)


@orphans.command("delete")
@click.argument("old_segment", required=False)
@click.option("--all", "all_", is_flag=True, help="Delete every orphaned coding.")
@click.option("--coder", metavar="NAME", help="Only this coder's orphans.")
@click.option("--code", metavar="ID", help="Only orphans with this code.")
@pass_project
def delete_cmd(project, old_segment, all_, coder, code):
    """Delete the orphaned codings of OLD_SEGMENT (or --all of them).

    Deleted codings stay recorded, with their quote, in the audit log (`qualcode log`).

    \b
    Example:
      qualcode orphans delete bayview/coach-01#2e589360 --coder ana
    """
    if bool(old_segment) == all_:
        raise click.UsageError("give either OLD_SEGMENT or --all")
    deleted = delete(project, None if all_ else old_segment, coder, code)
    click.echo(f"deleted {deleted} orphaned coding(s)", err=True)


COMMANDS = [log, check, orphans]
