"""Finding segments again: anchors, re-anchoring after edits, and locating quotes.

A coding stores an :class:`Anchor`: the segment's text (``quote``) and a little context on each
side. When a transcript is edited and a coding's segment id disappears, :func:`reanchor` looks
for the best-matching segment of the same transcript with rapidfuzz:

    score = 0.85 * ratio(quote, segment text) + 0.15 * ratio(stored context, current context)

(both on whitespace-collapsed text, 0-100). The coding moves to the best segment when its score
is at least :data:`REANCHOR_THRESHOLD`, or when the context still matches closely
(>= :data:`CONTEXT_THRESHOLD`) and the text at least half (>= :data:`SHORT_EDIT_THRESHOLD`): a
short answer whose name was replaced sits between the same neighbours. Otherwise the coding is
an orphan, kept until the user decides.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from qualcode.study.segment import Segment

#: Minimum re-anchoring score (0-100). A typo fix scores ~95+, a name replaced by
#: ``[TEACHER]`` in a sentence-length segment ~80-90, an unrelated segment well below 60.
REANCHOR_THRESHOLD = 75.0
#: Minimum fuzzy score for anchoring an imported quote that has no exact match.
QUOTE_THRESHOLD = 85.0
#: Context agreement that lets a heavily edited short segment keep its codings.
CONTEXT_THRESHOLD = 90.0
SHORT_EDIT_THRESHOLD = 50.0
CONTEXT_CHARS = 60
_SPACES = re.compile(r"\s+")
_LONG_SPACES = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class Anchor:
    """The quoted segment text plus up to CONTEXT_CHARS of context before and after.

    ``selection`` is the exact text another tool selected, when a coding came from a selection
    that does not follow segment boundaries (REFI-QDA imports); empty otherwise.
    """

    quote: str
    before: str = ""
    after: str = ""
    selection: str = ""

    def to_json(self) -> dict[str, str]:
        data = {"quote": self.quote, "before": self.before, "after": self.after}
        if self.selection:
            data["selection"] = self.selection
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Anchor:
        return cls(
            str(data.get("quote", "")),
            str(data.get("before", "")),
            str(data.get("after", "")),
            str(data.get("selection", "")),
        )


def squash(text: str) -> str:
    """Whitespace runs -> one space, stripped."""
    return _SPACES.sub(" ", text).strip()


def anchor_for(segment: Segment, transcript_text: str) -> Anchor:
    before = transcript_text[max(0, segment.start - CONTEXT_CHARS) : segment.start]
    after = transcript_text[segment.end : segment.end + CONTEXT_CHARS]
    return Anchor(segment.text, squash(before), squash(after))


def reanchor(anchor: Anchor, candidates: Sequence[Segment], transcript_text: str) -> tuple[Segment, float] | None:
    """The best-matching candidate and its score, or None when nothing reaches the threshold."""
    quote = squash(anchor.quote)
    context = f"{anchor.before} {anchor.after}".strip()
    best: tuple[Segment, float] | None = None
    for segment in candidates:
        text_score = fuzz.ratio(quote, squash(segment.text))
        if text_score < SHORT_EDIT_THRESHOLD:
            continue
        current = anchor_for(segment, transcript_text)
        context_score = fuzz.ratio(context, f"{current.before} {current.after}".strip()) if context else text_score
        score = 0.85 * text_score + 0.15 * context_score
        accepted = score >= REANCHOR_THRESHOLD or (context and context_score >= CONTEXT_THRESHOLD)
        if accepted and (best is None or score > best[1]):
            best = (segment, score)
    return best


def locate_quote(quote: str, transcript_text: str) -> tuple[int, int, float] | None:
    """Where ``quote`` occurs in the transcript: ``(start, end, score)``.

    Exact match first (ignoring differences in whitespace and case), then fuzzy alignment
    (rapidfuzz partial_ratio_alignment) at or above QUOTE_THRESHOLD. To locate many quotes in
    one transcript, build a :class:`QuoteIndex` once and call its ``locate``.
    """
    return QuoteIndex(transcript_text).locate(quote)


class QuoteIndex:
    """One transcript prepared for locating many quotes: :meth:`locate` is :func:`locate_quote`.

    The text is kept whitespace-collapsed and lower-cased (each whitespace run one space), with
    where each collapsed run sits in the original, so an exact match is one ``str.find`` and
    positions map back by bisection. Where lower-casing changes a text's length (a few
    non-English letters), or ``find`` misses, the word-by-word regular expression decides, so
    results are the same as matching the original text directly.
    """

    def __init__(self, text: str):
        self.text = text
        self._lower: str | None = None
        lowered = text.lower()
        self._exact = len(lowered) == len(text)
        self._collapsed = _SPACES.sub(" ", lowered)
        # Only runs of two or more characters move positions; a single newline or tab becomes a space.
        run_at, shift_after, shift = [], [], 0
        for run in _LONG_SPACES.finditer(text):
            run_at.append(run.start() - shift)  # where this run's one space is in the collapsed text
            shift += run.end() - run.start() - 1
            shift_after.append(shift)
        self._run_at = run_at
        self._shift_after = shift_after

    def _original(self, position: int) -> int:
        """The original index of a non-space character of the collapsed text."""
        runs_before = bisect_left(self._run_at, position)
        return position + (self._shift_after[runs_before - 1] if runs_before else 0)

    def locate(self, quote: str) -> tuple[int, int, float] | None:
        words = quote.split()
        if not words:
            return None
        needle = " ".join(words).lower()
        if self._exact and len(needle) == len(" ".join(words)):
            found = self._collapsed.find(needle)
            if found >= 0:
                return self._original(found), self._original(found + len(needle) - 1) + 1, 100.0
        pattern = r"\s+".join(re.escape(w) for w in words)
        match = re.search(pattern, self.text, flags=re.IGNORECASE)
        if match:
            return match.start(), match.end(), 100.0
        if self._lower is None:
            self._lower = self.text.lower()
        alignment = fuzz.partial_ratio_alignment(squash(quote).lower(), self._lower, score_cutoff=QUOTE_THRESHOLD)
        if alignment is None or alignment.score < QUOTE_THRESHOLD:
            return None
        return alignment.dest_start, alignment.dest_end, alignment.score


def segments_overlapping(segments: Sequence[Segment], start: int, end: int) -> list[Segment]:
    """Segments whose span overlaps [start, end)."""
    return [s for s in segments if s.start < end and start < s.end]
