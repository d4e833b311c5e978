"""Helpers every command module shares: the study, ``--format``, ``--coders``, printing, ``-o``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from qualcode.coding.identity import split_coders
from qualcode.common.storage import atomic_write
from qualcode.common.tabular import to_csv, to_json, to_table
from qualcode.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    """``--format`` with the given choices; its help names exactly those."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help=format_help(choices),
    )


def format_help(choices: Sequence[str]) -> str:
    """``Output format: table, json or csv; json and csv print only data on stdout.``"""
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
    pure = [c for c in choices if c in ("json", "csv")]
    notes = []
    if pure:
        notes.append(f"{' and '.join(pure)} {'print' if len(pure) > 1 else 'prints'} only data on stdout")
    if "xlsx" in choices:
        notes.append("xlsx needs -o FILE")
    return f"Output format: {listed}" + (f"; {'; '.join(notes)}." if notes else ".")


def pass_study(func: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the opened study (found via -C or the current folder) as first argument."""

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return func(ctx.obj.study, *args, **kwargs)

    return wrapper


def emit(text: str) -> None:
    """Print a result on stdout (without adding a second trailing newline)."""
    click.echo(text.rstrip("\n"))


def emit_rows(
    fmt: str,
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    table: Callable[[list[dict[str, Any]]], str] | None = None,
) -> None:
    """The one output-format branch: rows as JSON (as they are), CSV (``columns``) or a table.

    ``table`` renders the terminal table (default: an aligned table of ``columns``).
    """
    if fmt == "json":
        emit(to_json(rows))
    elif fmt == "csv":
        emit(to_csv(rows, columns))
    else:
        emit(table(rows) if table is not None else to_table(rows, columns))


def split_names(value: str | None, option: str) -> list[str] | None:
    """``"case,role"`` -> ``["case", "role"]``; None stays None (meaning: the default)."""
    if value is None:
        return None
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise click.BadParameter(
            f"'{value}' has an empty name; separate names with commas, e.g. case,role", param_hint=option
        )
    return items


def coders_option(
    minimum: int = 1,
    exactly: int | None = None,
    required: bool = False,
    help: str = "Only these coders (comma-separated). Default: all coders.",
) -> Callable[[F], F]:
    """``--coders A,B`` parsed by the one coder-list rule (:func:`~qualcode.coding.identity.split_coders`).

    Too few names (or not ``exactly`` as many) is a usage error (exit 2), like a malformed list.
    """

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
        if value is None:
            return None
        try:
            names = split_coders(value)
        except InputError as exc:
            raise click.BadParameter(str(exc), param_hint="--coders") from None
        if exactly is not None and len(names) != exactly:
            raise click.BadParameter(
                f"name exactly {exactly} coders, e.g. --coders ana,ben (got {len(names)})", param_hint="--coders"
            )
        if len(names) < minimum:
            raise click.BadParameter("name two or more coders, e.g. --coders ana,ben", param_hint="--coders")
        return names

    return click.option("--coders", "coders", metavar="A,B", required=required, callback=parse, help=help)


class OutputFile(click.ParamType):
    """``-o FILE``: any path, but not an empty one (the checks on the path itself are the project's)."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not str(value).strip():
            self.fail("needs a file name, e.g. -o reports/out.csv", param, ctx)
        return str(value)


OUTPUT = OutputFile()


def order_options(func: F) -> F:
    """--order-by ATTR and --descending: case columns ordered by a case attribute (matrix, framework)."""
    func = click.option("--descending", is_flag=True, help="With --order-by: largest (or last) first.")(func)
    return click.option(
        "--order-by",
        "order_by",
        metavar="ATTR",
        help="Order the case columns by a case attribute of cases.csv (numbers numerically, missing last).",
    )(func)


def write_output(study: Any, output: str | Path, data: str | bytes) -> Path:
    """Write a result to ``-o`` (relative paths stay inside the project) atomically; return the path."""
    path = study.project.output_path(output)
    if isinstance(data, str):
        data = data.rstrip("\n") + "\n"
    atomic_write(path, data, study.display(path))
    return path
