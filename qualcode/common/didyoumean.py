"""'Did you mean ...?' hints for misspelt keys, codes and ids (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from rapidfuzz import fuzz, process

#: for short fixed names (spaCy's LEMMA, OP, REGEX): whole-word similarity, so 'FOO' is not 'OP'
WHOLE_WORD: Callable[..., float] = fuzz.ratio


def closest(
    word: str, choices: Iterable[str], limit: int = 1, cutoff: float = 60, scorer: Callable[..., Any] = fuzz.WRatio
) -> list[str]:
    """The ``limit`` choices most similar to ``word``, best first, above ``cutoff`` (0-100)."""
    found = process.extract(word, list(choices), scorer=scorer, limit=limit, score_cutoff=cutoff)
    return [choice for choice, _score, _index in found]


def hint(word: str, choices: Iterable[str], cutoff: float = 60, scorer: Callable[..., Any] = fuzz.WRatio) -> str:
    """`` (did you mean 'x'?)`` or an empty string when nothing is close."""
    found = closest(word, choices, cutoff=cutoff, scorer=scorer)
    return f" (did you mean '{found[0]}'?)" if found else ""
