"""Reviewing pending suggestions, one coder at a time: the queue, its decisions, and undo.

No terminal I/O here: ``qualcode review`` (in :mod:`qualcode.cli.suggest_cmd`) reads the keys
and prints each segment with its suggestions (:mod:`qualcode.cli.review_view`). Rules:

* The queue is the saved pending suggestions in scope (when none are saved for the scope,
  they are computed and saved first), minus those the coder already decided (accepted or
  rejected) and those the coder already coded. So a review resumes where it stopped and a
  rejected suggestion is never offered again. Skipping leaves it for next time.
* The suggestions of one segment are a group: shown once, numbered, and decided all at once
  (accept all, reject all, skip) or by number (accept 1 and 3); the others stay open.
* Accepting codes the segment with source ``suggestion``; rejecting only records the decision.
* A memo goes with the codings the next accept creates; when the segment is left without an
  accept (rejected or skipped), it is kept as a note on the segment, so nothing typed is lost.
* Undo reverts the last command of this session (every accept or reject it made, or an added
  code, removing the codings it created) and offers those suggestions again; with nothing left
  in this session it reverts the coder's latest stored decision.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from qualcode.codebook.model import Codebook
from qualcode.coding.handcoding import add_codings, annotate, remove_codings
from qualcode.coding.store import CodingStore
from qualcode.errors import InputError
from qualcode.study.corpus import Corpus
from qualcode.suggest.records import DEFAULT_MIN_SCORE, Suggestion, scope_codes
from qualcode.suggest.store import Decision, SuggestionStore

KEYS = "[a]ccept  [r]eject  [s]kip  [i]nfo  [c] add code  [m]emo  [u]ndo  [q]uit"
#: the keys when a segment has several suggestions: numbers accept those, letters act on all
GROUP_KEYS = "[1 3, 1-2] accept those  [a]ccept all  [r]eject all  [s]kip  [i]nfo  [c] add code  [m]emo  [u]ndo  [q]uit"
_NUMBER = re.compile(r"^(\d+)(?:-(\d+))?$")


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


def parse_numbers(text: str) -> list[int]:
    """``"1 3"``, ``"1,3"``, ``"2-4"``, ``"1 3-4"`` -> the numbers, in order, each once."""
    numbers: list[int] = []
    for part in re.split(r"[\s,]+", text.replace(" - ", "-").strip()):
        if not part:
            continue
        found = _NUMBER.match(part)
        if found is None:
            raise InputError(f"'{part}' is not a number; type numbers such as 1 3 or a range such as 1-3")
        low, high = int(found[1]), int(found[2] or found[1])
        if high < low:
            raise InputError(f"'{part}' runs backwards; write the smaller number first ({high}-{low})")
        numbers += [n for n in range(low, high + 1) if n not in numbers]
    if not numbers:
        raise InputError("no numbers given; type numbers such as 1 3 or a range such as 1-3")
    return numbers


class Review:
    """One coder's pass over a queue of suggestions, a segment at a time.

    The suggestions of one segment are next to each other in the queue and form its *group*:
    they are shown together, numbered (:meth:`numbered`, numbers stay put while the segment is
    on screen), and decided together or by number (``accept_many([1, 3])``). ``accept``,
    ``reject`` and ``skip`` decide the current suggestion alone.
    """

    def __init__(self, parts: ReviewParts, coder: str, queue: list[Suggestion], pool: list[Suggestion] | None = None):
        self.parts = parts
        self.coder = coder
        self.queue = list(queue)
        self.position = 0
        self.memo = ""
        self.counts: Counter[str] = Counter()
        self._actions: list[list[_Action]] = []  # one entry per command: undo reverts a command
        self.pool = {(s.segment, s.code): s for s in (pool if pool is not None else queue)}
        self._numbered_segment: str | None = None
        self._numbered: list[Suggestion] = []
        self._code_order = {c.id: n for n, c in enumerate(parts.codebook.walk())}

    @property
    def current(self) -> Suggestion | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    @property
    def remaining(self) -> int:
        return len(self.queue) - self.position

    @property
    def group(self) -> list[Suggestion]:
        """The undecided suggestions of the current segment, in queue order."""
        current = self.current
        found: list[Suggestion] = []
        if current is not None:
            for s in self.queue[self.position :]:
                if s.segment != current.segment:
                    break
                found.append(s)
        return found

    def numbered(self) -> list[tuple[int, Suggestion]]:
        """The group with the numbers the coder types; a number keeps its suggestion while the
        segment stays current (deciding 1 leaves 2 and 3 as 2 and 3)."""
        group = self.group
        if not group:
            return []
        if group[0].segment != self._numbered_segment:
            self._numbered_segment, self._numbered = group[0].segment, []
        order = self._code_order
        self._numbered += sorted((s for s in group if s not in self._numbered), key=lambda s: order.get(s.code, 0))
        return sorted(((self._numbered.index(s) + 1, s) for s in group), key=lambda pair: pair[0])

    def chosen(self, numbers: Iterable[int] | None = None) -> list[Suggestion]:
        """The group's suggestions with these numbers (all of the group for None)."""
        numbered = self.numbered()
        if not numbered:
            raise IndexError("the review queue is finished; there is no current suggestion")
        if numbers is None:
            return [s for _, s in numbered]
        by_number = dict(numbered)
        wanted = list(dict.fromkeys(numbers))
        missing = [n for n in wanted if n not in by_number]
        if missing:
            open_ = ", ".join(str(n) for n in by_number)
            raise InputError(
                f"no open suggestion {', '.join(str(n) for n in missing)} on this segment; the open ones are {open_}"
            )
        return [by_number[n] for n in wanted]

    def _require_current(self) -> Suggestion:
        current = self.current
        if current is None:
            raise IndexError("the review queue is finished; there is no current suggestion")
        return current

    def _record(self, kind: str, chosen: list[Suggestion], created: set[str] | None = None) -> list[_Action]:
        created = created or set()
        memo = self.memo if kind == "accept" else ""
        batch = []
        for s in chosen:
            made = s.code in created
            self.parts.suggestions.add_decision(
                Decision(s.segment, s.transcript, s.code, kind, self.coder, s.rules, s.score, memo, made)
            )
            batch.append(_Action(kind, s.segment, s.code, made, s))
        self.counts[kind] += len(chosen)
        self._actions.append(batch)
        return batch

    def _keep_memo(self, segment: str) -> None:
        """A memo typed but not used by an accept becomes a note on the segment."""
        if self.memo:
            annotate(self.parts.codings, self.parts.corpus, segment, self.memo, self.coder)
        self.memo = ""

    def _pass(self, chosen: list[Suggestion]) -> None:
        """Move the decided suggestions behind the position; leaving the segment keeps the memo."""
        segment = chosen[0].segment
        rest = [s for s in self.queue[self.position :] if s not in chosen]
        self.queue[self.position :] = chosen + rest
        self.position += len(chosen)
        if self.current is None or self.current.segment != segment:
            self._keep_memo(segment)

    def close(self) -> None:
        """End the session (keeps a pending memo as a note)."""
        if self.current is not None:
            self._keep_memo(self.current.segment)

    def accept_many(self, numbers: Iterable[int] | None = None) -> list[Suggestion]:
        """Code the segment with the chosen suggestions' codes (all of the group for None), in
        one write; a memo goes with each coding this creates."""
        chosen = self.chosen(numbers)
        added, _ = self._code(chosen[0].segment, [s.code for s in chosen], memo=self.memo, source="suggestion")
        self._record("accept", chosen, set(added))
        self.memo = ""
        self._pass(chosen)
        return chosen

    def reject_many(self, numbers: Iterable[int] | None = None) -> list[Suggestion]:
        """Reject the chosen suggestions (all of the group for None): never offered again."""
        chosen = self.chosen(numbers)
        self._record("reject", chosen)
        self._pass(chosen)
        return chosen

    def skip_many(self, numbers: Iterable[int] | None = None) -> list[Suggestion]:
        """Leave the chosen suggestions (all of the group for None) for the next review."""
        chosen = self.chosen(numbers)
        self.counts["skip"] += len(chosen)
        self._pass(chosen)
        return chosen

    def _number_of_current(self) -> list[int]:
        current = self._require_current()
        return [n for n, s in self.numbered() if s == current]

    def accept(self) -> Suggestion:
        """Code the segment with the current suggestion's code (source ``suggestion``)."""
        return self.accept_many(self._number_of_current())[0]

    def reject(self) -> Suggestion:
        return self.reject_many(self._number_of_current())[0]

    def skip(self) -> Suggestion:
        return self.skip_many(self._number_of_current())[0]

    def add_code(self, code_id: str) -> bool:
        """Code the current segment with another code (by hand); False when already coded."""
        s = self._require_current()
        added, _ = self._code(s.segment, [code_id], source="manual")
        self._actions.append([_Action("add", s.segment, code_id, bool(added))])
        self.counts["add"] += 1
        return bool(added)

    def _code(
        self, segment: str, codes: list[str], memo: str = "", source: str = "manual"
    ) -> tuple[list[str], list[str]]:
        parts = self.parts
        return add_codings(
            parts.codings, parts.corpus, parts.codebook, segment, codes, self.coder, memo=memo, source=source
        )

    def undo(self) -> str | None:
        """Revert the last command (every decision it made); return what was undone, or None."""
        if self._actions:
            batch = self._actions.pop()
            for action in batch:
                self.counts[action.kind] -= 1
                if action.kind != "add":
                    self.parts.suggestions.pop_decision(self.coder, action.segment, action.code)
        else:
            decision = self.parts.suggestions.pop_decision(self.coder)
            if decision is None:
                return None
            batch = [
                _Action(
                    decision.decision,
                    decision.segment,
                    decision.code,
                    decision.created,
                    self.pool.get((decision.segment, decision.code)),
                )
            ]
        created = [a.code for a in batch if a.created]
        if created:
            parts = self.parts
            remove_codings(parts.codings, parts.corpus, parts.codebook, batch[0].segment, created, self.coder)
        for action in reversed(batch):
            if action.suggestion is not None and action.kind != "add":
                if action.suggestion in self.queue[: self.position]:  # decided in this session: step back to it
                    self.queue.remove(action.suggestion)
                    self.position -= 1
                self.queue.insert(self.position, action.suggestion)
        verb = {"accept": "accepted", "reject": "rejected", "add": "added"}[batch[0].kind]
        return f"undone: {verb} {', '.join(a.code for a in batch)} on {batch[0].segment}"


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
