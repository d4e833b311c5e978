"""The ``qualcode`` click group: ``-C``, lazy loading of command modules, errors to exit codes.

Commands live in ``qualcode/cli/*_cmd.py``; each opens the study, calls the library and prints.
Library errors (:class:`~qualcode.errors.QualcodeError`) become ``Error: …`` on stderr with the
error's exit status (1 for a problem in the user's files or data, 2 for a usage mistake);
click's own usage errors exit with 2.
"""

from __future__ import annotations

import errno
import gc
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from qualcode import __version__
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.app.study import Study


class State:
    """Per-invocation state: the ``-C`` folder, the lazily opened study, the run's warnings."""

    def __init__(self, project_dir: str | None, quiet: bool = False):
        self.project_dir = project_dir
        self._study: Study | None = None
        self.warnings = WarningSink(quiet)

    @property
    def study(self) -> Study:
        if self._study is None:
            from qualcode.app.study import open_project

            self._study = open_project(self.project_dir, warn=self.warnings)
        return self._study


def warn(message: str) -> None:
    """Warnings go to stderr so that stdout stays machine-readable."""
    click.echo(click.style("warning: ", fg="yellow") + message, err=True)


class WarningSink:
    """The run's warnings: the first :attr:`LIMIT` printed as they come, the rest counted and
    summarised once at the end (:meth:`close`); none at all with ``--quiet``. A command that
    lists every warning itself (``check``) calls :meth:`hold`."""

    LIMIT = 5

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.held = False
        self.shown = 0
        self.more = 0

    def __call__(self, message: str) -> None:
        if self.quiet or self.held:
            return
        if self.shown < self.LIMIT:
            self.shown += 1
            warn(message)
        else:
            self.more += 1

    def hold(self) -> None:
        """Print nothing from now on: the command reports the warnings itself."""
        self.held = True

    def close(self) -> None:
        if self.more and not self.quiet:
            warn(f"… and {self.more} more warning(s): run `qualcode check` to see them all")
        self.more = 0


class _UserError(click.ClickException):
    """A QualcodeError about the user's files or data: ``Error: message``, exit status 1."""

    exit_code = 1


class _UsageError(click.ClickException):
    """A QualcodeError about how a command was called: ``Error: message``, exit status 2."""

    exit_code = 2


def cli_error(error: QualcodeError) -> click.ClickException:
    """The click exception that prints ``error`` and exits with its status."""
    return (_UsageError if error.exit_code == 2 else _UserError)(str(error))


class QualcodeGroup(click.Group):
    """Loads commands lazily and turns library errors into clean CLI errors (no tracebacks
    for user mistakes)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from qualcode.cli.registry import REGISTRY

        return sorted(set(super().list_commands(ctx)) | set(REGISTRY))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from the registry's summaries: no command module (and
        so no pandas or spaCy) is imported just to print the help. Same layout as click's."""
        import textwrap

        from qualcode.cli.registry import SUMMARIES

        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None and command.hidden:
                continue
            if command is not None or name in SUMMARIES:
                rows.append((name, command))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        listed = []
        for name, command in rows:
            if command is not None:
                listed.append((name, command.get_short_help_str(limit)))
            else:  # one sentence: shortened as click shortens it
                text = SUMMARIES[name]
                short = (
                    text
                    if len(text) <= limit
                    else textwrap.shorten(text, limit, placeholder="...", break_on_hyphens=False)
                )
                listed.append((name, short))
        with formatter.section("Commands"):
            formatter.write_dl(listed)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            from qualcode.cli.registry import load_command

            command = load_command(name)
            if command is not None:
                self.add_command(command)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QualcodeError as exc:
            raise cli_error(exc) from None
        finally:
            if isinstance(ctx.obj, State):
                ctx.obj.warnings.close()


@click.group(cls=QualcodeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    "project_dir",
    type=click.Path(file_okay=False),
    help="Project folder (holding qualcode.yaml). Default: the nearest one above the current folder.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings (errors are still printed).")
@click.version_option(__version__, prog_name="qualcode")
@click.pass_context
def main(ctx: click.Context, project_dir: str | None, quiet: bool) -> None:
    """qualcode: code interview transcripts, compare coders, build cross-case reports.

    \b
    Example:
      qualcode init study && cd study
      qualcode segments --transcript example/teacher-01
    """
    ctx.obj = State(project_dir, quiet)
    # A command builds up to hundreds of thousands of small objects that live until it exits
    # (segments, codings, anchors); with the default thresholds the collector rescans them all
    # again and again (a third of loading 100,000 codings). Collect cycles rarely instead;
    # reference counting frees everything else as before.
    gc.set_threshold(100_000, 50, 100)


#: Errors of a full or failing output device (``> /dev/full``, a full disk under a redirect).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG})


def run() -> None:
    """Console-script entry point; exits quietly when stdout is closed (``| head``), and with a
    clear error when stdout cannot be written (a full device)."""
    try:
        try:
            main()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(1)
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            raise
        _silence_stdout()
        reason = (exc.strerror or str(exc)).rstrip(".")
        sys.stderr.write(f"Error: cannot write to standard output: {reason[:1].lower() + reason[1:]}\n")
        sys.exit(1)


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
