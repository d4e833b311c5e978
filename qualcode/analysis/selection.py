"""Which codings a matrix or report counts: some coders' codings, plus suggestions if asked.

Suggestions count as one more coder, the pseudo-coder :data:`SUGGESTIONS_CODER`, and only at or
above ``min_score``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qualcode.coding.records import Coding
from qualcode.coding.resolve import CodingSet
from qualcode.suggest.records import Suggestion

SUGGESTIONS_CODER = "suggestions"


@dataclass
class Selection:
    """The codings counted (hand codings and suggestions as codings) and where they came from."""

    codings: list[Coding]
    coders: list[str]
    suggestions: list[Suggestion] = field(default_factory=list)
    include_suggestions: bool = False
    min_score: float = 0.0
    #: the hand coders' resolved codings, with done marks (agreement needs them)
    hand: CodingSet = field(default_factory=lambda: CodingSet(codings=[]))

    @property
    def hand_coders(self) -> list[str]:
        return [c for c in self.coders if c != SUGGESTIONS_CODER]


def suggestion_codings(suggestions: Iterable[Suggestion]) -> list[Coding]:
    """Suggestions as codings by the pseudo-coder ``suggestions``."""
    return [Coding(s.transcript, s.segment, s.code, SUGGESTIONS_CODER, "suggestion") for s in suggestions]


def select(codings: CodingSet, suggestions: Sequence[Suggestion] | None = None, min_score: float = 0.0) -> Selection:
    """The hand codings of ``codings`` and, when ``suggestions`` is given, those at or above ``min_score``."""
    found = [s for s in suggestions if s.score >= min_score] if suggestions is not None else []
    include = suggestions is not None
    names = list(codings.coders) + ([SUGGESTIONS_CODER] if include else [])
    return Selection(list(codings.codings) + suggestion_codings(found), names, found, include, min_score, codings)
