"""'Did you mean ...?' hints for misspelt keys, codes and ids (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process


def closest(word: str, choices: Iterable[str], limit: int = 1, cutoff: float = 60) -> list[str]:
    """The ``limit`` choices most similar to ``word``, best first, above ``cutoff`` (0-100)."""
    found = process.extract(word, list(choices), scorer=fuzz.WRatio, limit=limit, score_cutoff=cutoff)
    return [choice for choice, _score, _index in found]


def hint(word: str, choices: Iterable[str], cutoff: float = 60) -> str:
    """`` (did you mean 'x'?)`` or an empty string when nothing is close."""
    found = closest(word, choices, cutoff=cutoff)
    return f" (did you mean '{found[0]}'?)" if found else ""
