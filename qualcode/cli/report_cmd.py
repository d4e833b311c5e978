"""``qualcode report``: the self-contained cross-case HTML report."""

from __future__ import annotations

import click

from qualcode.cli.common import OUTPUT, coders_option, pass_study, write_output
from qualcode.cli.matrix_cmd import check_min_score

DEFAULT_OUTPUT = "reports/cross-case.html"


@click.command("report")
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    default=DEFAULT_OUTPUT,
    show_default=True,
    help="Where to write the report (relative paths stay inside the project).",
)
@coders_option(help="Only these coders' codings (comma-separated). Default: all coders.")
@click.option(
    "--include-suggestions", is_flag=True, help="Count the current suggestions as one more coder, 'suggestions'."
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    metavar="X",
    help="With --include-suggestions: only suggestions scoring at least this.",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="ATTR",
    help="Attribute readers can filter the matrix by (repeatable). Default: every transcript attribute.",
)
@pass_study
def report(study, output, coders, include_suggestions, min_score, filters):
    """Write the cross-case report: one HTML file that opens offline in any browser.

    It holds the study's numbers and provenance, the themes x cases heatmap (switchable
    measure, themes or sub-themes, filters on every transcript attribute) with the quotes
    behind every cell (searchable, with their coding notes, to copy or save as CSV), the
    co-occurrence matrix, a profile per case, a page per code, agreement between the
    independent coders (with two or more; a coder made by reconcile is left out unless named
    in --coders), the analytic memos and the codebook. Everything is
    inline (no network access), so it can be e-mailed or copied to a USB stick as is.

    \b
    Example:
      qualcode report
      qualcode report --coders ana,ben -o reports/cross-case-ana-ben.html
    """
    from qualcode.report.context import AUTO
    from qualcode.report.render import build_report

    check_min_score(include_suggestions)
    selection = study.select(coders, include_suggestions, min_score)
    html = build_report(
        study.corpus,
        study.codebook,
        selection,
        filters=list(filters) or None,
        agreement=AUTO,
        reconciled=study.reconciled_coders(named=coders),
        memos=study.memo_texts(),
        summaries=study.summaries(coders),
    )
    path = write_output(study, output, html)
    size = len(html.encode("utf-8")) / 1024
    click.echo(f"wrote {study.display(path)} ({size:.0f} KB); open it in a browser", err=True)


COMMANDS = [report]
