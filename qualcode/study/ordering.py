"""How attribute values (cases, roles...) are ordered in tables and in the report: naturally,
so that ``P2`` comes before ``P10``, with ``(none)`` last, unless the project gives a case order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from qualcode.study.attributes import MISSING

__all__ = ["natural_key", "ordered_values"]

_NUMBER = re.compile(r"(\d+)")


def natural_key(value: str) -> tuple:
    """A sort key that compares runs of digits as numbers and the rest case-insensitively
    (``P2`` < ``P10`` < ``p11``); ``(none)`` sorts last, exact text breaks ties."""
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in _NUMBER.split(value) if p)
    return (value == MISSING, parts, value)


def ordered_values(values: Iterable[str], order: Sequence[str] = ()) -> list[str]:
    """``values`` in ``order`` first (those present), then the rest naturally sorted."""
    present = set(values)
    first = [v for v in dict.fromkeys(order) if v in present]
    rest = sorted(present - set(first), key=natural_key)
    return first + rest
