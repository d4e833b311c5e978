"""The terminal side of ``qualcode code TRANSCRIPT``: show a segment, read a line, repeat.

All decisions are made by :class:`~qualcode.coding.session.CodingSession`; this loop only
prints and reads. On a terminal, Tab completes code ids and paths (readline, where Python has
it). Piped input is read line by line, so a session can be scripted
(``printf 'coa\\n\\nd\\nq\\n' | qualcode code T --coder ana``); the end of input quits.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from typing import TYPE_CHECKING

import click

from qualcode.common.tabular import format_clock

if TYPE_CHECKING:
    from qualcode.app.study import Study
    from qualcode.coding.session import CodingSession

PROMPT = "codes (? for help) > "


def _setup_readline(session: CodingSession) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    matches: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            matches[:] = session.complete(text)
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" ,;\t\n-")
    readline.parse_and_bind("tab: complete")


def _read(prompt: str, tty: bool) -> str | None:
    """One line, or None at the end of input (Ctrl-D, Ctrl-C, or the end of a pipe)."""
    try:
        if tty:
            return input(prompt)
        line = sys.stdin.readline()
        return line.rstrip("\n") if line else None
    except (EOFError, KeyboardInterrupt):
        return None


def render(session: CodingSession, styled: bool) -> str:
    """The current segment: number, speaker, time, id, the coder's codes and notes, the text."""
    segment = session.current
    if segment is None:
        state = "done" if session.is_done() else "not marked done"
        return f"── end of {session.transcript.id} ({state}): d marks it done, b goes back, q quits"
    width = min(100, shutil.get_terminal_size((100, 24)).columns)
    bold = (lambda t: click.style(t, bold=True)) if styled else (lambda t: t)
    clock = f" [{format_clock(segment.time_start)}]" if segment.time_start is not None else ""
    codes = session.codes_here()
    lines = [
        bold(f"── {session.position + 1} of {session.total} ── {segment.speaker or 'no speaker'}{clock}  {segment.id}"),
        textwrap.fill(" ".join(segment.text.split()), width, initial_indent="  ", subsequent_indent="  "),
        "codes: " + (", ".join(session.codebook.path_of(c) for c in codes) if codes else "none"),
    ]
    lines += [f"note: {n.text}" for n in session.notes_here()]
    return "\n".join(lines)


def run_session(study: Study, transcript_id: str, coder: str) -> None:
    """Run the session until q or the end of input."""
    session = study.coding_session(transcript_id, coder)
    tty = sys.stdin.isatty()
    if tty:
        _setup_readline(session)
    where = f"resuming at segment {session.position + 1}" if session.resumed else "from the first segment"
    click.echo(
        f"coding {session.transcript.id} as {coder}: {session.total} segment(s) of coded speakers, {where}",
        err=True,
    )
    styled = sys.stdout.isatty()
    shown: int | None = None
    while True:
        if shown != session.position:
            click.echo(render(session, styled))
            shown = session.position
        line = _read(PROMPT, tty)
        if line is None:
            line = "q"
        reply = session.handle(line)
        if reply.needs_note:
            text = _read("note: ", tty)
            reply = session.handle(f"n {text}") if text and text.strip() else reply
            if reply.needs_note:
                reply.messages = ["no note added"]
        for message in reply.messages:
            click.echo(message, err=message.startswith(("error:", "saved;")))
        if line.strip() in ("u", "?"):
            shown = None
        if reply.quit:
            return
