"""Small helpers shared by command modules."""

from __future__ import annotations

import functools
from pathlib import Path

import click


def format_option(*choices: str, default: str = "table"):
    """``--format`` with the given choices."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format; json and csv print only data on stdout.",
    )


def pass_project(func):
    """Pass the opened project (found via -C or the current folder) as first argument."""

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args, **kwargs):
        return func(ctx.obj.project, *args, **kwargs)

    return wrapper


def emit(text: str) -> None:
    """Print a result on stdout (without adding a second trailing newline)."""
    click.echo(text.rstrip("\n"))


def output_path(project, output: str | Path) -> Path:
    """Where ``-o`` writes: an absolute path as given; a relative one inside the project
    (``..`` that would leave it is refused)."""
    path = Path(output)
    return path if path.is_absolute() else project.path(path)
