"""Suggestions: ``suggest`` (with ``--save`` and ``--stats``), ``review``, ``evaluate``."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from qualcode.cli.coder import coder_option, new_coder_option, writing_coder
from qualcode.cli.common import OUTPUT, emit, emit_rows, format_option, pass_study
from qualcode.cli.review_view import render, render_info, render_open
from qualcode.codebook.model import LEVELS
from qualcode.common.tabular import to_json, to_table
from qualcode.errors import InputError, UnknownCodeError
from qualcode.suggest.records import DEFAULT_MIN_SCORE
from qualcode.suggest.review import GROUP_KEYS, KEYS, parse_numbers
from qualcode.suggest.split import PARTS

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

    def __init__(self, label: str = "matching"):
        self.bar: Any = None
        self.label = label

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
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
@click.option("--no-model", is_flag=True, help="Do not use the learned model (models/learned.json).")
@pass_study
def suggest(study, transcript, code, min_score, fmt, save, stats, no_model):
    """Suggest codes for segments from the codebook's rules and the learned model.

    Each suggestion has a score (0-1: about that share of suggestions scored so turn out
    right) and its evidence: the matched text, its character span in the transcript and the
    rule that fired (`model:<code>` for the words that raised a learned model's score most).
    When models/learned.json exists (see `qualcode learn`) it is used; --no-model leaves it
    out. Suggestions never count as codings: review them with `qualcode review`. Only
    segments of coded speakers are considered.

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
    _note_model(study, not no_model)
    found = _run_suggest(study, transcript=transcript, code=code, min_score=min_score, use_model=not no_model)

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


def _read_line_of_keys(first: str) -> str | None:
    """A line of numbers typed on a terminal after its first key (echoed, Backspace works), up to
    Enter; None on Ctrl-C or Ctrl-D.

    The whole line is read in one raw-mode stretch: click.getchar per key would flush keys typed
    ahead each time it enters raw mode, and a fast typist's Enter would be lost.
    """
    import termios
    import tty

    fd = sys.stdin.fileno()
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:  # not a real terminal after all: read the rest as a line
        return (first + sys.stdin.readline()).strip()
    line, pending, ended = "", first, False
    try:
        tty.setraw(fd, termios.TCSANOW)  # TCSANOW: keep what is already typed
        while not ended:
            for key in pending:
                if key in "\r\n":
                    ended = True
                    break
                if key in "\x03\x04":  # Ctrl-C, Ctrl-D
                    return None
                if key in "\x7f\b":
                    if line:
                        line = line[:-1]
                        click.echo("\b \b", nl=False)
                elif key.isprintable():
                    line += key
                    click.echo(key, nl=False)
            if not ended:
                pending = os.read(fd, 32).decode(sys.stdin.encoding or "utf-8", "replace")
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        click.echo("")
    return line.strip()


def _read_command(prompt: str) -> tuple[str, str]:
    """``(key, numbers)``: ``("#", "1 3")`` for numbers, ``("r", "2")`` for ``r 2``, ``("a", "")``.

    On a terminal a letter acts on its keypress; a digit starts a line of numbers (ended by
    Enter). Otherwise each line is one command ('q' at end of input): its first letter, or the
    numbers it starts with.
    """
    if sys.stdin.isatty():
        click.echo(prompt + " ", nl=False)
        try:
            key = click.getchar()
        except EOFError:  # Ctrl-D
            key = "q"
        if key[:1].isdigit():
            line = _read_line_of_keys(key)
            return ("#", line) if line is not None else ("q", "")
        click.echo(key.strip())
        rest = key[1:].strip()
        return key[:1].lower(), rest if rest[:1].isdigit() else ""
    try:
        line = click.prompt(prompt, default="", show_default=False, prompt_suffix=" ").strip()
    except click.Abort:
        return "q", ""
    if line[:1].isdigit():
        return "#", line
    rest = line[1:].strip()
    return line[:1].lower(), rest if rest[:1].isdigit() else ""


@click.command("review")
@transcript_option
@code_option
@coder_option
@new_coder_option
@min_score_option
@pass_study
def review(study, transcript, code, coder, new_coder, min_score):
    """Review pending suggestions a segment at a time: accept, reject, skip, add a code, memo, undo.

    Shows each segment once, with the evidence highlighted, its case and speaker, and all its
    suggestions numbered, each with a one-line definition. Accepted suggestions become codings
    (source `suggestion`); rejected ones are never offered again; quitting and running it
    again resumes where you stopped. Without saved suggestions for this scope, they are
    computed and saved first.

    Keys: 1 3 or 1-3 accept those, a accept all, r reject all (r 2: one), s skip,
    i the codes' full definition, include, exclude and examples, c add another code,
    m memo, u undo the last command, q quit.

    \b
    Example:
      qualcode review --transcript bayview/coach-01 --coder ana
    """
    coder = writing_coder(study, coder, new_coder)
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
    click.echo(f"reviewing as {coder}: {len(session.queue)} suggestion(s) in this scope", err=True)
    shown: str | None = None  # the segment on screen
    while session.current is not None:
        numbered = session.numbered()
        if shown != session.current.segment:
            click.echo(
                render(
                    study.corpus,
                    study.codebook,
                    numbered,
                    session.position + 1,
                    len(session.queue),
                    styled,
                    coder=coder,
                )
            )
            shown = session.current.segment
        several = len(numbered) > 1
        key, numbers = _read_command((GROUP_KEYS if several else KEYS) + " >")
        try:
            chosen = parse_numbers(numbers) if numbers else None
            if key == "#":
                key = "a"
            if key == "a":
                done = session.accept_many(chosen)
                click.echo(f"accepted: {', '.join(s.code for s in done)} ({coder})\n")
            elif key == "r":
                done = session.reject_many(chosen)
                click.echo(f"rejected: {', '.join(s.code for s in done)}\n")
            elif key == "s":
                session.skip_many(chosen)
                click.echo("skipped\n")
            elif key == "i":
                picked = session.chosen(chosen)
                asked = [pair for pair in numbered if pair[1] in picked]
                click.echo(render_info(study.codebook, asked, show_numbers=several))
            elif key == "c":
                _add_code(study, session)
            elif key == "m":
                session.memo = click.prompt("memo", default=session.memo, show_default=False).strip()
                click.echo("memo kept: stored with the codings you accept next, else as a note on the segment")
            elif key == "u":
                message = session.undo()
                click.echo((message or "nothing to undo") + "\n")
                shown = None
            elif key == "q":
                break
            elif key:
                click.echo(f"unknown key '{key}'; use {GROUP_KEYS if several else KEYS}")
        except InputError as exc:
            click.echo(str(exc))
            continue
        if key in ("a", "r", "s") and session.current is not None and session.current.segment == shown:
            click.echo("still open on this segment:\n" + render_open(study.codebook, session.numbered(), styled))
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


part_option = click.option(
    "--part",
    type=click.Choice(PARTS),
    default=None,
    help="Which part of the evaluation split in qualcode.yaml: dev (for tuning), test, or all. "
    "Default: test when there is a split, else all.",
)
no_model_option = click.option("--no-model", is_flag=True, help="Do not use the learned model (models/learned.json).")


def _note_model(study, use_model: bool) -> None:
    model = study.model if use_model else None
    if model is not None:
        click.echo(
            f"using {study.display(study.project.model_path)} (learned {model.created[:10]} from "
            f"{', '.join(model.coders) or 'no coder'}: {len(model.codes)} code model(s)); --no-model to leave it out",
            err=True,
        )


def _calibration_rows(table):
    return [
        {
            "score": f"{row['low']:.1f}-{row['high']:.1f}",
            "suggestions": row["suggestions"],
            "mean score": "" if row["predicted"] is None else f"{row['predicted']:.2f}",
            "right": "" if row["observed"] is None else f"{row['observed']:.0%}",
        }
        for row in table
        if row["suggestions"]
    ]


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
@part_option
@no_model_option
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(2, 100),
    metavar="K",
    help="K-fold cross-validation by transcript: learn from the gold coder's other folds, score the held-out one.",
)
@format_option("table", "json")
@pass_study
def evaluate(study, gold, coder, level, min_score, part, no_model, folds, fmt):
    """Score the suggestions (or another coder) against a gold coder.

    Per code precision, recall, F1 and support, with micro and macro averages, over the
    segments of coded speakers in the transcripts the gold coder marked done (of the test
    part, when qualcode.yaml has an evaluation split). For suggestions it also shows the
    calibration table: per score bin, how many suggestions and how many of them were right.

    With --cv K, models learn from the gold coder's codings of K-1 folds of transcripts and
    are scored on the held-out fold; rules only, model only and combined are reported.

    \b
    Example:
      qualcode evaluate --gold gold
      qualcode evaluate --gold gold --part dev --format json
      qualcode evaluate --gold gold --cv 4
      qualcode evaluate --gold gold --coder ana --level all
    """
    if folds is not None:
        if coder:
            raise click.UsageError("--cv evaluates learned suggestions; leave out --coder")
        _cross_validation(study, gold, level, min_score, part, folds, fmt)
        return
    if coder is None:
        _note_model(study, not no_model)
    result = study.evaluate(gold=gold, coder=coder, level=level, min_score=min_score, part=part, use_model=not no_model)
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
        f"\npart: {result.part}; {result.units} segments in {result.transcripts} transcripts done by {gold}; "
        f"predictions: {predictions}; level: {level}"
    )
    if result.calibration is not None:
        click.echo("\ncalibration (every suggestion, whatever its score):")
        click.echo(to_table(_calibration_rows(result.calibration), ("score", "suggestions", "mean score", "right")))
    for note in result.notes:
        click.echo(f"note: {note}")


def _cross_validation(study, gold, level, min_score, part, folds, fmt) -> None:
    bar = _ProgressBar("learning") if sys.stderr.isatty() else None
    try:
        result = study.cross_validate(gold=gold, folds=folds, level=level, min_score=min_score, part=part)
    finally:
        if bar:
            bar.close()
    if fmt == "json":
        emit(to_json(result.to_json()))
        return
    variants = ("rules", "model", "combined")
    rows = []
    for code in result.combined.codes.keys() | result.rules.codes.keys() | result.model.codes.keys():
        rows.append({"code": code, **{v: getattr(result, v).codes.get(code) for v in variants}})
    order = {c: n for n, c in enumerate(study.codebook.codes_at(level))}
    rows.sort(key=lambda r: (order.get(r["code"], len(order)), r["code"]))
    rows += [{"code": avg, **{v: getattr(getattr(result, v), avg) for v in variants}} for avg in ("micro", "macro")]
    shown = [
        {"code": r["code"], **{f"{v} f1": "" if r[v] is None else f"{r[v].f1:.2f}" for v in variants}} for r in rows
    ]
    emit(to_table(shown, ("code", "rules f1", "model f1", "combined f1")))
    micro = {v: getattr(result, v).micro for v in variants}
    click.echo(
        f"\n{folds}-fold cross-validation by transcript; part: {result.part}; {result.units} segments in "
        f"{result.transcripts} transcripts done by {gold}; min score {min_score:.2f}; level: {level}"
    )
    click.echo(
        "micro precision/recall: " + "; ".join(f"{v} {m.precision:.2f}/{m.recall:.2f}" for v, m in micro.items())
    )


LEARN_KEYS = ("code", "positives", "negatives", "cv_precision", "cv_recall", "cv_f1", "rules_f1", "status")


def learn_rows(study, model) -> list[dict]:
    """One row per code: its examples, cross-validated scores and what suggest will use for it."""
    rows = []
    for code in study.codebook.walk():
        row: dict = {"code": code.id}
        if code.id in model.codes:
            m = model.codes[code.id]
            row.update(positives=m.positives, negatives=m.negatives, cv=m.cv, status="model")
        elif code.id in model.rules_better:
            cv = model.rules_better[code.id]
            row.update(positives=cv.get("positives"), negatives=cv.get("negatives"), cv=cv, status="rules better")
        else:
            row.update(positives=model.too_few.get(code.id, 0), negatives=None, cv={}, status="too few examples")
        cv = row.pop("cv")
        row.update(
            cv_precision=cv.get("precision"),
            cv_recall=cv.get("recall"),
            cv_f1=cv.get("f1"),
            rules_f1=cv.get("rules_f1"),
        )
        rows.append(row)
    return rows


@click.command("learn")
@click.option(
    "--coder",
    "coders",
    multiple=True,
    metavar="NAME",
    help="Learn from this coder's codings (repeat for several). Default: every coder.",
)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    help="Where to write the model. Default: models/learned.json (used by suggest).",
)
@click.option(
    "--part",
    type=click.Choice(("dev", "all")),
    default=None,
    help="With an evaluation split: learn from the dev part only, or from all transcripts. "
    "Default: every transcript except the test part.",
)
@format_option("table", "json")
@pass_study
def learn(study, coders, output, part, fmt):
    """Learn a model per code from the team's coding, for `qualcode suggest`.

    For every code with enough examples, a logistic regression on the segment's words
    (lemma unigrams and bigrams) and the codebook rules' evidence: positives are the
    segments the coders coded with the code (or one below it), negatives the other segments
    of the transcripts they covered and the suggestions they rejected. It prints per code
    the examples and the cross-validated precision, recall and F1, and keeps a code's model
    only when it beats the code's rules alone. The model is a readable JSON file; delete it
    to go back to rules only.

    \b
    Example:
      qualcode learn
      qualcode learn --coder ana --coder ben
      qualcode suggest --transcript bayview/coach-01
    """
    bar = _CodeBar() if sys.stderr.isatty() else None
    try:
        model = study.learn(coders=list(coders) or None, part=part, progress=bar)
    finally:
        if bar:
            bar.close()
    path = study.save_model(model, output)
    rows = learn_rows(study, model)
    if fmt == "json":
        emit(
            to_json(
                {
                    "model": study.display(path),
                    "coders": model.coders,
                    "transcripts": len(model.transcripts),
                    "codes": rows,
                }
            )
        )
    else:
        shown = [
            {
                key: ("" if row[key] is None else f"{row[key]:.2f}" if isinstance(row[key], float) else row[key])
                for key in LEARN_KEYS
            }
            for row in rows
        ]
        emit(to_table(shown, LEARN_KEYS))
    few = [r["code"] for r in rows if r["status"] == "too few examples"]
    click.echo(
        f"wrote {study.display(path)}: {len(model.codes)} code model(s) learned from {', '.join(model.coders)} "
        f"in {len(model.transcripts)} transcript(s)",
        err=True,
    )
    if few:
        click.echo(
            f"too few examples (fewer than {model.min_positives} positives or negatives) for {len(few)} code(s): "
            f"{', '.join(few)}; they keep the rule score",
            err=True,
        )
    if study.config.split and part != "all":
        click.echo("the evaluation split's test part was left out (--part all to learn from it too)", err=True)


class _CodeBar:
    """Progress over codes while learning, on a terminal only."""

    def __init__(self):
        self.bar = _ProgressBar("learning")

    def __call__(self, code: str, done: int, total: int) -> None:
        self.bar(done, total)

    def close(self) -> None:
        self.bar.close()


COMMANDS = [suggest, review, evaluate, learn]
