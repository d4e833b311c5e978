"""Coding one transcript by hand, segment by segment, without copying segment ids.

A :class:`CodingSession` walks a transcript's coded-speaker segments in order, starting after
the last segment the coder touched (from their audit log). It turns what the coder types into
changes: code ids, paths or fuzzy abbreviations (``coa`` -> ``collaborative_pl/coaching``),
several per line, and one-letter keys (:data:`KEYS`). Every change goes through
:mod:`qualcode.coding.handcoding`, so it uses the same store, lock and audit log as
``qualcode code``. The class does no I/O of its own: the terminal loop lives in
``qualcode/cli/session_loop.py``, and :meth:`CodingSession.handle` returns the lines to show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from qualcode.codebook.model import Codebook
from qualcode.coding import handcoding
from qualcode.coding.records import Coding, Note
from qualcode.coding.resolve import CodingSet, resolve_file
from qualcode.coding.store import CodingStore
from qualcode.errors import AmbiguousCodeError, InputError, QualcodeError, UnknownCodeError
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment

Warn = Callable[[str], None]

#: The keys of a session, as ``?`` lists them.
KEYS = {
    "CODE ...": "code this segment (ids, paths or abbreviations; several, space or comma separated) "
    "and go on; -CODE removes a code",
    "Enter or s": "skip to the next segment",
    "b": "back to the previous segment",
    "n TEXT": "add a note to this segment",
    "u": "undo the last change",
    "d": "mark the transcript done (fully coded by you)",
    "q": "quit (everything is already saved)",
    "?": "this help",
}
_EDIT_ACTIONS = ("code", "uncode", "annotate", "delete-note")


@dataclass
class Reply:
    """What :meth:`CodingSession.handle` did: lines to show, and whether the session ends."""

    messages: list[str] = field(default_factory=list)
    quit: bool = False
    needs_note: bool = False


@dataclass
class _Step:
    """One change, for undo."""

    kind: str  # "code", "note" or "done"
    position: int
    segment: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text: str = ""


class CodingSession:
    """One coder coding one transcript (see the module docstring)."""

    def __init__(
        self,
        store: CodingStore,
        corpus: Corpus,
        codebook: Codebook,
        transcript_id: str,
        coder: str,
        warn: Warn | None = None,
    ):
        self.store, self.corpus, self.codebook, self.coder, self.warn = store, corpus, codebook, coder, warn
        self.transcript = corpus.transcript(transcript_id)  # unknown id: did-you-mean
        self.segments: list[Segment] = [s for s in corpus.segments_by_transcript[self.transcript.id] if not s.skipped]
        if not self.segments:
            raise InputError(
                f"transcript '{self.transcript.id}' has no segments of coded speakers "
                "(every turn is by one of speakers_to_skip)"
            )
        self.paths: dict[str, str] = {codebook.path_of(c.id): c.id for c in codebook.walk()}
        self.history: list[_Step] = []
        self._mine: CodingSet | None = None
        self.position = self._resume_position()
        self.resumed = self.position > 0

    # -- where we are ------------------------------------------------------------------------
    @property
    def current(self) -> Segment | None:
        """The segment being coded; None after the last one."""
        return self.segments[self.position] if self.position < len(self.segments) else None

    @property
    def total(self) -> int:
        return len(self.segments)

    def _resume_position(self) -> int:
        """After the last segment of this transcript the coder coded, uncoded or annotated."""
        index = {s.id: n for n, s in enumerate(self.segments)}
        log = self.store.read_log(self.coder)
        moved = {
            e.get("old_segment"): e.get("segment")
            for e in log
            if e.get("action") == "reanchor" and e.get("transcript") == self.transcript.id
        }
        for entry in reversed(log):
            if entry.get("transcript") != self.transcript.id or entry.get("action") not in _EDIT_ACTIONS:
                continue
            segment = entry.get("segment")
            segment = segment if segment in index else moved.get(segment)
            if segment in index:
                return min(index[segment] + 1, len(self.segments) - 1)
        return 0

    def _resolved(self) -> CodingSet:
        if self._mine is None:
            self._mine = resolve_file(self.store.read(self.coder), self.corpus, self.codebook)
        return self._mine

    def codes_here(self, segment: Segment | None = None) -> list[str]:
        """The coder's codes on the segment (the current one by default), as ids."""
        segment = segment or self.current
        if segment is None:
            return []
        return sorted(c.code for c in self._resolved().codings if c.segment == segment.id)

    def notes_here(self, segment: Segment | None = None) -> list[Note]:
        segment = segment or self.current
        if segment is None:
            return []
        return [n for n in self._resolved().notes if n.segment == segment.id]

    def coded(self) -> list[Coding]:
        """The coder's codings in this transcript."""
        return [c for c in self._resolved().codings if c.transcript == self.transcript.id]

    def is_done(self) -> bool:
        return self.transcript.id in self.store.read(self.coder).done

    # -- reading code ids --------------------------------------------------------------------
    def match(self, typed: str) -> str:
        """The code id for an id, a path, an unambiguous prefix or a close spelling."""
        text = typed.strip().strip("/")
        if text in self.codebook.by_id:
            return text
        if text in self.paths:
            return self.paths[text]
        low = text.casefold()
        stages = (
            lambda path, cid: cid.casefold().startswith(low),
            lambda path, cid: path.casefold().startswith(low),
            lambda path, cid: low in path.casefold(),
        )
        for test in stages:
            found = list(dict.fromkeys(cid for path, cid in self.paths.items() if test(path, cid)))
            if len(found) == 1:
                return found[0]
            if found:
                raise AmbiguousCodeError(typed, [self.codebook.path_of(c) for c in found])
        close = process.extract(low, list(self.paths), scorer=fuzz.WRatio, limit=5, score_cutoff=60)
        if not close:
            raise UnknownCodeError(f"no code matches '{typed}'; Tab completes code ids, `?` lists the keys")
        if len(close) == 1 or close[0][1] - close[1][1] >= 10:
            return self.paths[close[0][0]]
        raise AmbiguousCodeError(typed, [path for path, _score, _n in close])

    def complete(self, prefix: str) -> list[str]:
        """Code ids that start with ``prefix`` (for Tab completion); paths once it has a ``/``
        (or when no id starts so)."""
        low = prefix.casefold()
        ids = sorted(cid for cid in self.paths.values() if cid.casefold().startswith(low))
        if ids and "/" not in prefix:
            return ids
        return sorted(path for path in self.paths if path.casefold().startswith(low))

    # -- changes -------------------------------------------------------------------------------
    def apply(self, line: str) -> tuple[list[str], list[str]]:
        """Code the current segment with the codes on ``line`` (``-code`` removes one) and move
        on; return ``(added, removed)``. Nothing is written if any code cannot be read."""
        segment = self._require_segment()
        tokens = [t for t in re.split(r"[\s,;]+", line.strip()) if t]
        wanted = [self.match(t) for t in tokens if not t.startswith("-")]
        unwanted = [self.match(t[1:]) for t in tokens if t.startswith("-") and len(t) > 1]
        added: list[str] = []
        removed: list[str] = []
        if wanted:
            added, _present = handcoding.add_codings(
                self.store, self.corpus, self.codebook, segment.id, wanted, self.coder, warn=self.warn
            )
        if unwanted:
            removed = handcoding.remove_codings(
                self.store, self.corpus, self.codebook, segment.id, unwanted, self.coder
            )
        self._mine = None
        if added or removed:
            self.history.append(_Step("code", self.position, segment.id, added, removed))
        self.position += 1
        return added, removed

    def note(self, text: str) -> Note:
        """Attach a note to the current segment (the session stays on it)."""
        segment = self._require_segment()
        note = handcoding.annotate(self.store, self.corpus, segment.id, text, self.coder)
        self._mine = None
        self.history.append(_Step("note", self.position, segment.id, text=note.text))
        return note

    def mark_done(self) -> bool:
        """Mark the transcript done for the coder; False when it already was."""
        changed = bool(handcoding.mark_done(self.store, self.corpus, [self.transcript.id], self.coder))
        if changed:
            self.history.append(_Step("done", self.position))
        return changed

    def undo(self) -> str | None:
        """Take back the last change of this session and go back to its segment; None if none."""
        if not self.history:
            return None
        step = self.history.pop()
        self.position = step.position
        self._mine = None
        if step.kind == "done":
            handcoding.mark_done(self.store, self.corpus, [self.transcript.id], self.coder, undo=True)
            return f"undone: {self.transcript.id} is not done"
        if step.kind == "note":
            handcoding.remove_notes(self.store, self.corpus, step.segment, self.coder, step.text)
            return f"undone: note on {step.segment}"
        if step.added:
            handcoding.remove_codings(self.store, self.corpus, self.codebook, step.segment, step.added, self.coder)
        if step.removed:
            handcoding.add_codings(self.store, self.corpus, self.codebook, step.segment, step.removed, self.coder)
        parts = [f"removed {', '.join(step.added)}"] if step.added else []
        parts += [f"restored {', '.join(step.removed)}"] if step.removed else []
        return f"undone on {step.segment}: {'; '.join(parts)}"

    def skip(self) -> None:
        self.position = min(self.position + 1, len(self.segments))

    def back(self) -> bool:
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def _require_segment(self) -> Segment:
        if self.current is None:
            raise InputError("past the last segment: b goes back, d marks the transcript done, q quits")
        return self.current

    # -- one line of input -----------------------------------------------------------------------
    def handle(self, line: str) -> Reply:
        """Do what one typed line asks (see :data:`KEYS`); errors become messages."""
        text = line.strip()
        key, _, rest = text.partition(" ")
        try:
            if text in ("", "s"):
                if self.current is None:
                    return Reply(["past the last segment: b goes back, d marks the transcript done, q quits"])
                self.skip()
                return Reply()
            if text == "q":
                return Reply([f"saved; run `qualcode code {self.transcript.id}` again to go on"], quit=True)
            if text == "?":
                return Reply([f"  {k:<12} {v}" for k, v in KEYS.items()])
            if text == "b":
                return Reply([] if self.back() else ["already at the first segment"])
            if text == "u":
                return Reply([self.undo() or "nothing to undo in this session"])
            if text == "d":
                changed = self.mark_done()
                state = "marked done" if changed else "already done"
                return Reply([f"{self.transcript.id}: {state} for {self.coder}"])
            if key == "n":
                if not rest.strip():
                    return Reply(needs_note=True)
                self.note(rest)
                return Reply(["note added"])
            added, removed = self.apply(text)
            said = [f"coded {', '.join(self.codebook.path_of(c) for c in added)}"] if added else []
            said += [f"removed {', '.join(removed)}"] if removed else []
            return Reply(["; ".join(said) if said else "nothing changed (already coded so)"])
        except QualcodeError as exc:
            return Reply([f"error: {exc}"])
