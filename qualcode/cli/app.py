"""The ``qualcode`` command line: a thin click layer over the library.

Commands live in :mod:`qualcode.commands`; each opens the project, calls one library
function and prints. Library errors (:class:`QualcodeError`) become ``Error: …`` on stderr
with exit status 1; click's usage errors exit with 2.
"""

from __future__ import annotations

import os
import sys

import click

from qualcode import __version__
from qualcode.errors import QualcodeError
from qualcode.study.project import Project, open_project


class State:
    """Per-invocation state: the ``-C`` folder and the lazily opened project."""

    def __init__(self, project_dir: str | None):
        self.project_dir = project_dir
        self._project: Project | None = None

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = open_project(self.project_dir, warn=warn)
        return self._project


def warn(message: str) -> None:
    """Warnings go to stderr so that stdout stays machine-readable."""
    click.echo(click.style("warning: ", fg="yellow") + message, err=True)


class QualcodeGroup(click.Group):
    """Loads commands lazily and turns library errors into clean CLI errors (no tracebacks
    for user mistakes)."""

    def list_commands(self, ctx):
        from qualcode.cli.registry import REGISTRY

        return sorted(set(super().list_commands(ctx)) | set(REGISTRY))

    def get_command(self, ctx, name):
        if name not in self.commands:
            from qualcode.cli.registry import load_command

            command = load_command(name)
            if command is not None:
                self.add_command(command)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QualcodeError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=QualcodeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    "project_dir",
    type=click.Path(file_okay=False),
    help="Project folder (holding qualcode.yaml). Default: the nearest one above the current folder.",
)
@click.version_option(__version__, prog_name="qualcode")
@click.pass_context
def main(ctx: click.Context, project_dir: str | None) -> None:
    """qualcode: code interview transcripts, compare coders, build cross-case reports.

    \b
    Example:
      qualcode init study && cd study
      qualcode segments --transcript example/teacher-01
    """
    ctx.obj = State(project_dir)


def run() -> None:
    """Console-script entry point; exits quietly when stdout is closed (``| head``)."""
    try:
        main()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)

