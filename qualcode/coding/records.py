"""The records a coder's file holds: :class:`Coding`, :class:`Note` and :class:`DoneMark`.

Also the two small rules every coding module shares: timestamps (:func:`now`, UTC to the second)
and coder file names (:func:`coder_slug`: ``Ana Ruiz`` -> ``ana-ruiz``; names with the same slug
are the same coder).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from qualcode.coding.anchoring import Anchor
from qualcode.errors import InputError

SOURCES = ("manual", "import", "suggestion")


def now() -> str:
    """UTC timestamp, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def coder_slug(coder: str) -> str:
    """File-name form of a coder name: ``Ana Ruiz`` -> ``ana-ruiz``."""
    slug = re.sub(r"[\W_]+", "-", coder.casefold()).strip("-")
    if not slug:
        raise InputError(f"coder name '{coder}' has no letters or digits; use a name like 'ana' or 'Ana Ruiz'")
    if len(slug) > 100:
        raise InputError(f"coder name '{coder[:40]}…' is {len(coder)} characters long; use at most 64")
    return slug


@dataclass(frozen=True)
class Coding:
    """One code applied to one segment by one coder."""

    transcript: str
    segment: str
    code: str
    coder: str
    source: str = "manual"
    timestamp: str = ""
    memo: str = ""
    anchor: Anchor = field(default_factory=lambda: Anchor(""))

    @property
    def key(self) -> tuple[str, str]:
        return (self.segment, self.code)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "coding",
            "transcript": self.transcript,
            "segment": self.segment,
            "code": self.code,
            "coder": self.coder,
            "source": self.source,
            "timestamp": self.timestamp,
            "memo": self.memo,
            "anchor": self.anchor.to_json(),
        }


@dataclass(frozen=True)
class Note:
    """A coder's note attached to a segment (``qualcode annotate``)."""

    transcript: str
    segment: str
    coder: str
    text: str
    timestamp: str = ""
    anchor: Anchor = field(default_factory=lambda: Anchor(""))

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "note",
            "transcript": self.transcript,
            "segment": self.segment,
            "coder": self.coder,
            "text": self.text,
            "timestamp": self.timestamp,
            "anchor": self.anchor.to_json(),
        }


@dataclass(frozen=True)
class DoneMark:
    """A transcript marked fully coded by a coder: uncoded segments mean 'code absent'."""

    transcript: str
    coder: str
    timestamp: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": "done", "transcript": self.transcript, "coder": self.coder, "timestamp": self.timestamp}
