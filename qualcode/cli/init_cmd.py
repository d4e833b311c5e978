"""``qualcode init``."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.study.scaffold import create_project


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a new project in DIRECTORY.

    Writes qualcode.yaml, the default codebook, one example transcript, and the codings/,
    memos/ and reports/ folders. Refuses to touch an existing project.

    \b
    Example:
      qualcode init my-study && cd my-study && qualcode segments
    """
    written = create_project(directory)
    for path in written:
        click.echo(f"created {path}", err=True)
    click.echo(f"Project ready in {directory}. Next: add transcripts to {directory / 'transcripts'}", err=True)


COMMANDS = [init]
