"""``qualcode memo new|list``: analytic memos as Markdown files."""

from __future__ import annotations

import sys

import click

from qualcode.cli.common import emit_rows, format_option, pass_study
from qualcode.coding.identity import resolve_coder
from qualcode.coding.memos import list_memos, new_memo
from qualcode.common.tabular import to_table


@click.group("memo")
def memo():
    """Analytic memos (Markdown files under memos/)."""


@memo.command("new")
@click.argument("title")
@click.option("--code", "codes", multiple=True, metavar="ID", help="A code the memo is about (repeatable).")
@click.option("--author", metavar="NAME", help="Default: the coder name ($QUALCODE_CODER or git user.name).")
@click.option("--no-edit", is_flag=True, help="Do not open $EDITOR even on a terminal.")
@pass_study
def new(study, title, codes, author, no_edit):
    """Create a memo titled TITLE and open it in $EDITOR (on a terminal).

    \b
    Example:
      qualcode memo new "Coaching without evaluation" --code coaching
    """
    author = resolve_coder(author, cwd=study.root)
    path = new_memo(study.project.memos_dir, study.codebook, title, author, codes)
    click.echo(study.display(path))
    if not no_edit and sys.stdin.isatty() and sys.stdout.isatty():
        click.edit(filename=str(path))


@memo.command("list")
@format_option("table", "json")
@pass_study
def list_(study, fmt):
    """List memos, newest first.

    \b
    Example:
      qualcode memo list
    """
    rows = [
        {
            "path": study.display(m.path),
            "title": m.title,
            "author": m.author,
            "date": m.date,
            "codes": m.codes,
            "words": m.words,
        }
        for m in list_memos(study.project.memos_dir, study.display, study.warning)
    ]

    def table(rows):
        for row in rows:
            row["codes"] = ", ".join(row["codes"])
        return to_table(rows, ["date", "author", "codes", "words", "title"])

    emit_rows(fmt, rows, [], table)


COMMANDS = [memo]
