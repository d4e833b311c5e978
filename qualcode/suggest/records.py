"""A suggestion and its evidence: plain records, no spaCy (stores and reports read them cheaply)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qualcode.codebook.model import Codebook

#: default of ``--min-score`` for ``suggest``, ``review`` and ``evaluate``
DEFAULT_MIN_SCORE = 0.4


@dataclass(frozen=True)
class Evidence:
    """A matched span: ``transcript.text[start:end] == text``."""

    text: str
    start: int
    end: int
    rule: str

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "rule": self.rule}


@dataclass(frozen=True)
class Suggestion:
    """A code suggested for a segment; never a coding until a coder accepts it."""

    segment: str
    transcript: str
    code: str
    score: float
    evidence: tuple[Evidence, ...]

    @property
    def rules(self) -> tuple[str, ...]:
        """The distinct rule names of the evidence, in text order."""
        return tuple(dict.fromkeys(e.rule for e in self.evidence))

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "transcript": self.transcript,
            "code": self.code,
            "score": self.score,
            "evidence": [e.to_json() for e in self.evidence],
        }


def scope_codes(codebook: Codebook, code: str | None) -> set[str] | None:
    """The codes a ``--code`` scope covers: the code and every code below it (None: all)."""
    if code is None:
        return None
    codebook.get(code)  # unknown code: error with did-you-mean
    return set(codebook.descendants(code))
