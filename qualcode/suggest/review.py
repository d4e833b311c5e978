"""Reviewing pending suggestions, one coder at a time: the queue, its decisions, and undo.

No terminal I/O here: ``qualcode review`` (in :mod:`qualcode.commands.suggest_cmd`) reads the
keys and prints :func:`render`. Rules:

* The queue is the saved pending suggestions in scope (when none are saved for the scope,
  they are computed and saved first), minus those the coder already decided (accepted or
  rejected) and those the coder already coded. So a review resumes where it stopped and a
  rejected suggestion is never offered again. Skipping leaves it for next time.
* Accepting codes the segment with source ``suggestion``; rejecting only records the decision.
* A memo goes with the coding the next accept creates; when the suggestion is rejected or
  skipped instead, it is kept as a note on the segment, so nothing typed is lost.
* Undo reverts the last accept, reject or added code of this session (removing the coding it
  created) and offers the suggestion again; with nothing left in this session it reverts the
  coder's latest stored decision.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualcode.coding.store import store_for
from qualcode.coding.handcoding import add_codings, annotate, remove_codings
from qualcode.suggest.engine import DEFAULT_MIN_SCORE, Suggestion, suggest
from qualcode.suggest.store import Decision, add_decision, load_decisions, load_pending, pop_decision, save_pending

if TYPE_CHECKING:
    from qualcode.study.project import Project

KEYS = "[a]ccept  [r]eject  [s]kip  [c] add code  [m]emo  [u]ndo  [q]uit"


@dataclass(frozen=True)
class _Action:
    kind: str  # "accept", "reject" or "add"
    segment: str
    code: str
    created: bool
    suggestion: Suggestion | None = None


class Review:
    """One coder's pass over a queue of suggestions."""

    def __init__(self, project: "Project", coder: str, queue: list[Suggestion], pool: list[Suggestion] | None = None):
        self.project = project
        self.coder = coder
        self.queue = list(queue)
        self.position = 0
        self.memo = ""
        self.counts: Counter[str] = Counter()
        self._actions: list[_Action] = []
        self.pool = {(s.segment, s.code): s for s in (pool if pool is not None else queue)}

    @property
    def current(self) -> Suggestion | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    @property
    def remaining(self) -> int:
        return len(self.queue) - self.position

    def _decide(self, kind: str, created: bool = False) -> Suggestion:
        s = self.current
        memo = self.memo if kind == "accept" else ""
        add_decision(self.project, Decision(s.segment, s.transcript, s.code, kind, self.coder, s.rules, s.score,
                                            memo, created))
        self._actions.append(_Action(kind, s.segment, s.code, created, s))
        self.counts[kind] += 1
        return s

    def _keep_memo(self) -> None:
        """A memo typed but not used by an accept becomes a note on the segment."""
        if self.memo and self.current is not None:
            annotate(self.project, self.current.segment, self.memo, self.coder)
        self.memo = ""

    def _next(self) -> None:
        self._keep_memo()
        self.position += 1

    def close(self) -> None:
        """End the session (keeps a pending memo as a note)."""
        self._keep_memo()

    def accept(self) -> Suggestion:
        """Code the segment with the suggested code (source ``suggestion``)."""
        s = self.current
        added, _ = add_codings(self.project, s.segment, [s.code], self.coder, memo=self.memo, source="suggestion")
        self._decide("accept", created=bool(added))
        self.memo = ""
        self._next()
        return s

    def reject(self) -> Suggestion:
        s = self._decide("reject")
        self._next()
        return s

    def skip(self) -> Suggestion:
        s = self.current
        self.counts["skip"] += 1
        self._next()
        return s

    def add_code(self, code_id: str) -> bool:
        """Code the current segment with another code (by hand); False when already coded."""
        s = self.current
        added, _ = add_codings(self.project, s.segment, [code_id], self.coder, source="manual")
        self._actions.append(_Action("add", s.segment, code_id, bool(added)))
        self.counts["add"] += 1
        return bool(added)

    def undo(self) -> str | None:
        """Revert the last decision; return what was undone, or None when there is nothing."""
        if self._actions:
            action = self._actions.pop()
            self.counts[action.kind] -= 1
            if action.kind != "add":
                pop_decision(self.project, self.coder, action.segment, action.code)
        else:
            decision = pop_decision(self.project, self.coder)
            if decision is None:
                return None
            action = _Action(decision.decision, decision.segment, decision.code, decision.created,
                             self.pool.get((decision.segment, decision.code)))
        if action.created:
            remove_codings(self.project, action.segment, [action.code], self.coder)
        if action.suggestion is not None and action.kind != "add":
            if action.suggestion in self.queue[: self.position]:  # decided in this session: step back to it
                self.queue.remove(action.suggestion)
                self.position -= 1
            self.queue.insert(self.position, action.suggestion)
        verb = {"accept": "accepted", "reject": "rejected", "add": "added"}[action.kind]
        return f"undone: {verb} {action.code} on {action.segment}"


def open_review(project: "Project", coder: str, transcript: str | None = None, code: str | None = None,
                min_score: float = DEFAULT_MIN_SCORE) -> tuple[Review, bool]:
    """The coder's review queue; also returns True when the suggestions were computed now."""
    codes = None
    if code is not None:
        project.codebook.get(code)
        codes = set(project.codebook.descendants(code))
    if transcript is not None:
        project.corpus.transcript(transcript)

    def in_scope(s: Suggestion) -> bool:
        return (transcript is None or s.transcript == transcript) and (codes is None or s.code in codes)

    pending = [s for s in load_pending(project) if in_scope(s)]
    computed = not pending
    if computed:
        pending = suggest(project, transcript=transcript, code=code, min_score=min_score)
        save_pending(project, pending, transcript, codes)
    decided = {(d.segment, d.code) for d in load_decisions(project, coder)}
    coded = set(store_for(project).read(coder).codings)
    segments = project.corpus.segment_index
    order = {c.id: n for n, c in enumerate(project.codebook.walk())}
    queue = [s for s in pending if s.score >= min_score and (s.segment, s.code) not in decided | coded]
    queue.sort(key=lambda s: (s.transcript, segments[s.segment].index, order[s.code]))
    return Review(project, coder, queue, pool=pending), computed


# -- presentation (plain strings; the command prints them) --------------------------------------
def render(project: "Project", suggestion: Suggestion, number: int, total: int, styled: bool = False,
           width: int = 88) -> str:
    """The segment with its evidence highlighted, its case and speaker, and the code's definition."""
    import click

    corpus, codebook = project.corpus, project.codebook
    segment = corpus.segment_index[suggestion.segment]
    transcript = corpus.by_id[segment.transcript]
    code = codebook.by_id[suggestion.code]
    role = transcript.attributes.get("role")
    speaker = (segment.speaker or "no speaker") + (f" ({role})" if role else "")
    bold = (lambda t: click.style(t, bold=True)) if styled else (lambda t: t)
    lines = [
        bold(f"── {number} of {total} ── {segment.id}"),
        f"case: {corpus.case_of(segment.transcript) or '—'} · speaker: {speaker}",
        f"suggested: {bold(codebook.path_of(code.id))} — {code.name} (score {suggestion.score:.2f})",
    ]
    for key in ("definition", "include", "exclude"):
        value = " ".join(getattr(code, key).split())
        if value:
            lines.append("  " + textwrap.shorten(f"{key}: {value}", width - 2, placeholder=" …"))
    lines.append(f"  rules: {', '.join(suggestion.rules)}")
    lines.append("")
    lines.append(_highlight(segment, suggestion, styled, width))
    return "\n".join(lines)


def _highlight(segment, suggestion: Suggestion, styled: bool, width: int) -> str:
    """The segment text, wrapped, with evidence spans styled (or ``[[...]]`` when plain)."""
    import click

    spans: list[list[int]] = []
    for e in sorted(suggestion.evidence, key=lambda e: e.start):
        start, end = e.start - segment.start, e.end - segment.start
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    text, cursor, parts = segment.text, 0, []
    for start, end in spans:
        parts += [text[cursor:start], "\x01", text[start:end], "\x02"]
        cursor = end
    parts.append(text[cursor:])
    marked = " ".join("".join(parts).split())
    wrapped = textwrap.fill(marked, width, initial_indent="  ", subsequent_indent="  ")
    if styled:
        on, off = click.style("", fg="yellow", bold=True, reverse=True, reset=False), click.style("", reset=True)
        return wrapped.replace("\x01", on).replace("\x02", off)
    return wrapped.replace("\x01", "[[").replace("\x02", "]]")
