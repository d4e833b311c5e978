"""Suggestions: ``suggest`` (with ``--save`` and ``--stats``), ``review``, ``evaluate``."""

from __future__ import annotations

import sys

import click

from qualcode.cli.common import emit, emit_rows, format_option, pass_study
from qualcode.cli.review_view import render
from qualcode.codebook.model import LEVELS
from qualcode.coding.identity import resolve_coder
from qualcode.common.tabular import to_json, to_table
from qualcode.errors import UnknownCodeError
from qualcode.suggest.records import DEFAULT_MIN_SCORE
from qualcode.suggest.review import KEYS

SUGGESTION_KEYS = ("segment", "transcript", "code", "score", "evidence")
STATS_KEYS = ("code", "rule", "decided", "accepted", "rejected", "acceptance")

min_score_option = click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MIN_SCORE,
    show_default=True,
    metavar="X",
    help="Leave out suggestions scoring below X (0-1).",
)
transcript_option = click.option("--transcript", metavar="ID", help="Only this transcript.")
code_option = click.option("--code", metavar="ID", help="Only this code and the codes below it.")


class _ProgressBar:
    """A progress callback drawing a bar on stderr, only when stderr is a terminal."""

    def __init__(self):
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="matching", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _run_suggest(study, **options):
    bar = _ProgressBar() if sys.stderr.isatty() else None
    try:
        return study.suggest(progress=bar, **options)
    finally:
        if bar:
            bar.close()


def _evidence_cell(suggestion) -> str:
    return "; ".join(f"{e.rule} \u201c{e.text}\u201d" for e in suggestion.evidence)


@click.command("suggest")
@transcript_option
@code_option
@min_score_option
@format_option("table", "json", "csv")
@click.option("--save", is_flag=True, help="Store them as pending suggestions for `qualcode review`.")
@click.option("--stats", is_flag=True, help="Instead: per rule, how often its suggestions were accepted.")
@pass_study
def suggest(study, transcript, code, min_score, fmt, save, stats):
    """Suggest codes for segments from the codebook's keywords and patterns.

    Each suggestion has a score (0-1) and its evidence: the matched text, its character span
    in the transcript and the rule that fired. Suggestions never count as codings: review
    them with `qualcode review`. Only segments of coded speakers are considered.

    \b
    Example:
      qualcode suggest --transcript bayview/coach-01 --min-score 0.5
      qualcode suggest --save && qualcode review --coder ana
      qualcode suggest --stats
    """
    if stats:
        if save:
            raise click.UsageError("--stats shows review statistics; run --save separately")
        rows = study.rule_stats()
        if fmt == "table" and not rows:
            click.echo("no review decisions yet; review suggestions with `qualcode review --coder NAME`", err=True)
            return
        emit_rows(fmt, rows, STATS_KEYS)
        return
    found = _run_suggest(study, transcript=transcript, code=code, min_score=min_score)

    def table(rows):
        shown = [
            {
                "score": s.score,
                "code": study.codebook.path_of(s.code),
                "segment": s.segment,
                "evidence": _evidence_cell(s),
            }
            for s in found
        ]
        return to_table(shown, ("score", "code", "segment", "evidence"))

    emit_rows(fmt, [s.to_json() for s in found], SUGGESTION_KEYS, table)
    click.echo(f"{len(found)} suggestion(s)", err=True)
    if save:
        study.save_suggestions(found, transcript, code)
        where = study.display(study.suggestion_store.pending_path)
        click.echo(
            f"saved {len(found)} pending suggestion(s) to {where}; review them with `qualcode review --coder NAME`",
            err=True,
        )


def _read_key(prompt: str) -> str:
    """One key: a keypress on a terminal, else the first letter of a line ('q' at end of input)."""
    if sys.stdin.isatty():
        click.echo(prompt + " ", nl=False)
        try:
            key = click.getchar()
        except EOFError:  # Ctrl-D
            key = "q"
        click.echo(key.strip())
        return key.strip().lower()
    try:
        line = click.prompt(prompt, default="", show_default=False, prompt_suffix=" ")
    except click.Abort:
        return "q"
    return line.strip()[:1].lower()


@click.command("review")
@transcript_option
@code_option
@click.option("--coder", metavar="NAME", help="Coder name. Default: $QUALCODE_CODER, else `git config user.name`.")
@min_score_option
@pass_study
def review(study, transcript, code, coder, min_score):
    """Review pending suggestions one by one: accept, reject, skip, add a code, memo, undo.

    Shows each segment with its evidence highlighted, its case and speaker, and the code's
    definition. Accepted suggestions become codings (source `suggestion`); rejected ones are
    never offered again; quitting and running it again resumes where you stopped. Without
    saved suggestions for this scope, they are computed and saved first.

    Keys: a accept, r reject, s skip, c add another code, m memo, u undo, q quit.

    \b
    Example:
      qualcode review --transcript bayview/coach-01 --coder ana
    """
    coder = resolve_coder(coder, cwd=study.root)
    session, computed = study.open_review(coder, transcript=transcript, code=code, min_score=min_score)
    if computed:
        click.echo(
            f"no saved suggestions for this scope: computed {len(session.pool)} and saved them to "
            f"{study.display(study.suggestion_store.pending_path)}",
            err=True,
        )
    if session.current is None:
        click.echo(f"nothing to review for {coder}: every suggestion in scope is decided or coded", err=True)
        return
    styled = sys.stdout.isatty()
    shown = None
    while session.current is not None:
        current = session.current
        if shown is not current:
            click.echo(render(study.corpus, study.codebook, current, session.position + 1, len(session.queue), styled))
            shown = current
        key = _read_key(KEYS + " >")
        if key == "a":
            session.accept()
            click.echo(f"accepted: {current.code} ({coder})\n")
        elif key == "r":
            session.reject()
            click.echo(f"rejected: {current.code}\n")
        elif key == "s":
            session.skip()
            click.echo("skipped\n")
        elif key == "c":
            _add_code(study, session)
        elif key == "m":
            session.memo = click.prompt("memo", default=session.memo, show_default=False).strip()
            click.echo("memo kept: stored with the coding if you accept, else as a note on the segment")
        elif key == "u":
            message = session.undo()
            click.echo((message or "nothing to undo") + "\n")
            shown = None
        elif key == "q":
            break
        elif key:
            click.echo(f"unknown key '{key}'; use {KEYS}")
    session.close()
    counts = session.counts
    left = session.remaining
    click.echo(
        f"{counts['accept']} accepted, {counts['reject']} rejected, {counts['skip']} skipped, "
        f"{counts['add']} code(s) added; {left} left" + (" (run again to continue)" if left else ""),
        err=True,
    )


def _add_code(study, session) -> None:
    try:
        code_id = click.prompt("add code (id)").strip()
    except click.Abort:
        return
    try:
        study.codebook.get(code_id)
    except UnknownCodeError as exc:
        click.echo(str(exc).split(": ", 1)[-1])
        return
    if session.add_code(code_id):
        click.echo(f"added: {code_id}")
    else:
        click.echo(f"already coded {code_id}")


@click.command("evaluate")
@click.option("--gold", required=True, metavar="CODER", help="The coder taken as the reference.")
@click.option("--coder", metavar="OTHER", help="Score this coder's codings instead of the suggestions.")
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="top",
    show_default=True,
    help="top: roll child codes up into their top-level code; all: exact codes.",
)
@min_score_option
@format_option("table", "json")
@pass_study
def evaluate(study, gold, coder, level, min_score, fmt):
    """Score the suggestions (or another coder) against a gold coder.

    Per code precision, recall, F1 and support, with micro and macro averages, over the
    segments of coded speakers in the transcripts the gold coder marked done.

    \b
    Example:
      qualcode evaluate --gold gold
      qualcode evaluate --gold gold --coder ana --level all --format json
    """
    result = study.evaluate(gold=gold, coder=coder, level=level, min_score=min_score)
    if fmt == "json":
        emit(to_json(result.to_json()))
        for note in result.notes:
            click.echo(f"note: {note}", err=True)
        return
    rows = [{"code": code, **s.to_json()} for code, s in result.codes.items()]
    rows += [{"code": "micro", **result.micro.to_json()}, {"code": "macro", **result.macro.to_json()}]
    emit(to_table(rows, ("code", "precision", "recall", "f1", "support")))
    predictions = f"coder {coder}" if coder else f"suggestions (min score {min_score:.2f})"
    click.echo(
        f"\n{result.units} segments in {result.transcripts} transcripts done by {gold}; "
        f"predictions: {predictions}; level: {level}"
    )
    for note in result.notes:
        click.echo(f"note: {note}")


COMMANDS = [suggest, review, evaluate]
