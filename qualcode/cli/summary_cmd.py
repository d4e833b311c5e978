"""``qualcode summarize`` and ``qualcode summaries``: the researcher's synthesis per cell."""

from __future__ import annotations

import click

from qualcode.cli.common import emit, format_option, pass_study
from qualcode.coding.identity import resolve_coder
from qualcode.common.tabular import to_json, to_table


@click.command("summarize")
@click.argument("case")
@click.argument("code")
@click.option("--coder", metavar="NAME", help="Only this coder's quotes; also the author. Default: all coders' quotes.")
@click.option("--text", metavar="MARKDOWN", help="Write this summary instead of opening $EDITOR.")
@pass_study
def summarize(study, case, code, coder, text):
    """Write the summary of a cell: what CASE shows for CODE, in summaries/<case>/<code>.md.

    Without --text, $EDITOR opens on the current summary, or for a new cell on a template
    listing the cell's quotes with their ids (cite one as [[segment-id]]). An empty summary
    writes no file.

    \b
    Example:
      qualcode summarize "Alder Creek" coaching --text "Coaching is **voluntary** here."
    """
    from qualcode.synthesis.summaries import edited_body, editor_text, read_summary, summary_path, write_summary

    author = resolve_coder(coder, cwd=study.root)
    case, code, quotes = study.summary_cell(case, code, coder)
    folder = study.project.summaries_dir
    path = summary_path(folder, case, code)
    existing = read_summary(path, study.display(path))
    if text is None:
        segments = study.corpus.segment_index
        start = editor_text(case, code, author, [(q, segments[q].text) for q in quotes], existing)
        edited = click.edit(start, extension=".md", require_save=True)
        if edited is None:
            click.echo("no change; nothing written", err=True)
            return
        text = edited_body(edited)
        if existing is not None and text == existing.body.strip():
            click.echo("no change; nothing written", err=True)
            return
    written = write_summary(folder, study.display, case, code, text, author, quotes)
    if written is None:
        click.echo(f"empty summary; nothing written ({study.display(path)})", err=True)
        return
    where = study.display(written.path)
    click.echo(f"wrote {where} ({len(quotes)} quote(s), {len(written.citations)} cited)", err=True)


@click.command("summaries")
@click.option("--coder", metavar="NAME", help="Count only this coder's quotes. Default: every coder's.")
@click.option("--current", "show_current", is_flag=True, help="List the up-to-date summaries too.")
@click.option(
    "--limit", type=click.IntRange(min=1), metavar="N", help="Show at most N missing cells in the table (JSON: all)."
)
@format_option("table", "json")
@pass_study
def summaries(study, coder, show_current, limit, fmt):
    """List cells with quotes but no summary (most quotes first) and summaries whose quotes changed.

    \b
    Example:
      qualcode summaries --limit 10
      qualcode summaries --format json
    """
    status = study.summary_status(coder)
    if fmt == "json":
        emit(to_json(status))
        return
    missing, stale, current = status["missing"], status["stale"], status["current"]
    parts = []
    if missing:
        parts.append(f"Cells with quotes but no summary ({len(missing)}):")
        parts.append(to_table(missing[:limit] if limit else missing, ["case", "code", "quotes"]))
        if limit and len(missing) > limit:
            parts.append(f"… and {len(missing) - limit} more (without --limit: all)")
    else:
        parts.append("Every cell with quotes has a summary.")
    if stale:
        rows = [{**r, "changed": f"{r['added']} added, {r['removed']} removed"} for r in stale]
        parts.append(f"\nSummaries whose quotes changed since written ({len(stale)}):")
        parts.append(to_table(rows, ["case", "code", "changed", "path"]))
    if show_current and current:
        parts.append(f"\nUp-to-date summaries ({len(current)}):")
        parts.append(to_table(current, ["case", "code", "quotes", "path"]))
    else:
        parts.append(f"\n{len(current)} summary(ies) up to date.")
    emit("\n".join(parts))


COMMANDS = [summarize, summaries]
