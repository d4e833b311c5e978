"""Reviewing pending suggestions, one coder at a time: the queue, its decisions, and undo.

No terminal I/O here: ``qualcode review`` (in :mod:`qualcode.cli.suggest_cmd`) reads the keys
and prints each suggestion (:mod:`qualcode.cli.review_view`). Rules:

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

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from qualcode.codebook.model import Codebook
from qualcode.coding.handcoding import add_codings, annotate, remove_codings
from qualcode.coding.store import CodingStore
from qualcode.study.corpus import Corpus
from qualcode.suggest.records import DEFAULT_MIN_SCORE, Suggestion, scope_codes
from qualcode.suggest.store import Decision, SuggestionStore

KEYS = "[a]ccept  [r]eject  [s]kip  [c] add code  [m]emo  [u]ndo  [q]uit"


@dataclass(frozen=True)
class ReviewParts:
    """What a review reads and writes: both stores, the corpus and the codebook."""

    codings: CodingStore
    suggestions: SuggestionStore
    corpus: Corpus
    codebook: Codebook


@dataclass(frozen=True)
class _Action:
    kind: str  # "accept", "reject" or "add"
    segment: str
    code: str
    created: bool
    suggestion: Suggestion | None = None


class Review:
    """One coder's pass over a queue of suggestions."""

    def __init__(self, parts: ReviewParts, coder: str, queue: list[Suggestion], pool: list[Suggestion] | None = None):
        self.parts = parts
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

    def _require_current(self) -> Suggestion:
        current = self.current
        if current is None:
            raise IndexError("the review queue is finished; there is no current suggestion")
        return current

    def _decide(self, kind: str, created: bool = False) -> Suggestion:
        s = self._require_current()
        memo = self.memo if kind == "accept" else ""
        self.parts.suggestions.add_decision(
            Decision(s.segment, s.transcript, s.code, kind, self.coder, s.rules, s.score, memo, created)
        )
        self._actions.append(_Action(kind, s.segment, s.code, created, s))
        self.counts[kind] += 1
        return s

    def _keep_memo(self) -> None:
        """A memo typed but not used by an accept becomes a note on the segment."""
        if self.memo and self.current is not None:
            annotate(self.parts.codings, self.parts.corpus, self.current.segment, self.memo, self.coder)
        self.memo = ""

    def _next(self) -> None:
        self._keep_memo()
        self.position += 1

    def close(self) -> None:
        """End the session (keeps a pending memo as a note)."""
        self._keep_memo()

    def accept(self) -> Suggestion:
        """Code the segment with the suggested code (source ``suggestion``)."""
        s = self._require_current()
        added, _ = self._code(s.segment, s.code, memo=self.memo, source="suggestion")
        self._decide("accept", created=bool(added))
        self.memo = ""
        self._next()
        return s

    def reject(self) -> Suggestion:
        s = self._decide("reject")
        self._next()
        return s

    def skip(self) -> Suggestion:
        s = self._require_current()
        self.counts["skip"] += 1
        self._next()
        return s

    def add_code(self, code_id: str) -> bool:
        """Code the current segment with another code (by hand); False when already coded."""
        s = self._require_current()
        added, _ = self._code(s.segment, code_id, source="manual")
        self._actions.append(_Action("add", s.segment, code_id, bool(added)))
        self.counts["add"] += 1
        return bool(added)

    def _code(self, segment: str, code: str, memo: str = "", source: str = "manual") -> tuple[list[str], list[str]]:
        parts = self.parts
        return add_codings(
            parts.codings, parts.corpus, parts.codebook, segment, [code], self.coder, memo=memo, source=source
        )

    def undo(self) -> str | None:
        """Revert the last decision; return what was undone, or None when there is nothing."""
        if self._actions:
            action = self._actions.pop()
            self.counts[action.kind] -= 1
            if action.kind != "add":
                self.parts.suggestions.pop_decision(self.coder, action.segment, action.code)
        else:
            decision = self.parts.suggestions.pop_decision(self.coder)
            if decision is None:
                return None
            action = _Action(
                decision.decision,
                decision.segment,
                decision.code,
                decision.created,
                self.pool.get((decision.segment, decision.code)),
            )
        if action.created:
            remove_codings(
                self.parts.codings, self.parts.corpus, self.parts.codebook, action.segment, [action.code], self.coder
            )
        if action.suggestion is not None and action.kind != "add":
            if action.suggestion in self.queue[: self.position]:  # decided in this session: step back to it
                self.queue.remove(action.suggestion)
                self.position -= 1
            self.queue.insert(self.position, action.suggestion)
        verb = {"accept": "accepted", "reject": "rejected", "add": "added"}[action.kind]
        return f"undone: {verb} {action.code} on {action.segment}"


def open_review(
    parts: ReviewParts,
    coder: str,
    compute: Callable[[], list[Suggestion]],
    transcript: str | None = None,
    code: str | None = None,
    min_score: float = DEFAULT_MIN_SCORE,
) -> tuple[Review, bool]:
    """The coder's review queue; also returns True when the suggestions were computed now.

    ``compute`` makes the suggestions of this scope (transcript, code) when none are saved.
    """
    corpus, codebook = parts.corpus, parts.codebook
    codes = scope_codes(codebook, code)
    if transcript is not None:
        corpus.transcript(transcript)

    def in_scope(s: Suggestion) -> bool:
        return (transcript is None or s.transcript == transcript) and (codes is None or s.code in codes)

    pending = [s for s in parts.suggestions.load_pending(corpus.segment_index, codebook) if in_scope(s)]
    computed = not pending
    if computed:
        pending = compute()
        parts.suggestions.save_pending(pending, transcript, codes)
    decided = {(d.segment, d.code) for d in parts.suggestions.load_decisions(corpus.segment_index, coder)}
    coded = set(parts.codings.read(coder).codings)
    segments = corpus.segment_index
    order = {c.id: n for n, c in enumerate(codebook.walk())}
    queue = [s for s in pending if s.score >= min_score and (s.segment, s.code) not in decided | coded]
    queue.sort(key=lambda s: (s.transcript, segments[s.segment].index, order[s.code]))
    return Review(parts, coder, queue, pool=pending), computed
