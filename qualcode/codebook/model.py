"""The codebook as data: :class:`Codebook` and :class:`Code`, and the rules that belong to codes.

One home for each rule about codes:

* **levels** (:data:`LEVELS`): ``top`` rolls every code up into its top-level code; ``all``
  keeps every code as coded. Matrices, agreement and evaluation take the same two names.
* **colours**: a code's ``color`` is ``#rgb`` or ``#rrggbb`` in the YAML and always
  ``#rrggbb`` (lower case) here; :meth:`Codebook.color_of` gives the colour a code is drawn in:
  its own, else the nearest ancestor's, else its top-level code's place in :data:`PALETTE`. The
  report and ``qualcode show`` both draw with it.
* **ids**: lower case letters, digits and ``_`` (:data:`ID_PATTERN`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.common.didyoumean import hint
from qualcode.errors import InputError, UnknownCodeError

LEVELS = ("top", "all")
ID_PATTERN = re.compile(r"^[a-z0-9_]+$")
COLOR_PATTERN = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
#: Colours of top-level codes without a ``color`` of their own, in codebook order (Tableau 10).
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f")


def normalise_color(value: str) -> str | None:
    """``#ABC`` -> ``#aabbcc``, ``#1F77B4`` -> ``#1f77b4``; None when it is not a colour."""
    if not isinstance(value, str) or not COLOR_PATTERN.match(value):
        return None
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


@dataclass
class Code:
    """One code (theme) of the codebook; ``children`` are its sub-codes."""

    id: str
    label: str = ""
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    exclude_keywords: list[str] = field(default_factory=list)
    related_words: list[str] = field(default_factory=list)
    patterns: list[list[dict[str, Any]]] = field(default_factory=list)
    exclusive: bool = False
    color: str | None = None  # always #rrggbb, or None
    guid: str | None = None  # a REFI-QDA GUID kept in the YAML (lower case, no braces), or None
    children: list[Code] = field(default_factory=list)
    parent: str | None = None
    line: int = 0
    #: file line of each keyword / pattern, for rule-level messages
    keyword_lines: list[int] = field(default_factory=list)
    related_lines: list[int] = field(default_factory=list)
    pattern_lines: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass
class Codebook:
    """A validated codebook; ``codes`` are the top-level codes, in file order."""

    name: str
    version: str
    description: str
    codes: list[Code]
    path: Path | None = None
    display: str = ""
    sha256: str = ""

    def __post_init__(self) -> None:
        self.by_id: dict[str, Code] = {code.id: code for code in self.walk()}

    def walk(self) -> Iterator[Code]:
        """Every code, depth first, in file order."""
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            yield code
            stack.extend(reversed(code.children))

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.by_id

    def get(self, code_id: str) -> Code:
        """The code with this id, or an :class:`UnknownCodeError` with a did-you-mean."""
        try:
            return self.by_id[code_id]
        except KeyError:
            where = f"{self.display}: " if self.display else ""
            raise UnknownCodeError(
                f"{where}no code '{code_id}'{hint(code_id, self.by_id)}; `qualcode codebook show` lists the codes"
            ) from None

    def resolve(self, raw: str) -> str:
        """The id of the code ``raw`` names: an id (``coaching``) or a path
        (``collaborative_pl/coaching``, a trailing ``/`` ignored). A path must be the code's own
        path; anything else is an :class:`UnknownCodeError` with a did-you-mean."""
        text = raw.strip().rstrip("/")
        if "/" not in text:
            return self.get(text).id
        code_id = text.rsplit("/", 1)[-1]
        if code_id not in self.by_id:
            paths = {self.path_of(c): c for c in self.by_id}
            where = f"{self.display}: " if self.display else ""
            raise UnknownCodeError(
                f"{where}no code '{text}'{hint(text, paths)}; `qualcode codebook show` lists the codes"
            )
        if text != self.path_of(code_id):
            where = f"{self.display}: " if self.display else ""
            raise UnknownCodeError(
                f"{where}no code path '{text}': '{code_id}' is at {self.path_of(code_id)}; "
                f"give that path or the id '{code_id}'"
            )
        return code_id

    def path_of(self, code_id: str) -> str:
        """``collaborative_pl/coaching`` style path of a code."""
        parts = []
        code: Code | None = self.by_id[code_id]
        while code is not None:
            parts.append(code.id)
            code = self.by_id.get(code.parent) if code.parent else None
        return "/".join(reversed(parts))

    def top_level(self, code_id: str) -> str:
        """The id of the top-level code that ``code_id`` belongs to."""
        return self.path_of(code_id).split("/", 1)[0]

    def descendants(self, code_id: str) -> list[str]:
        """``code_id`` and every code below it."""
        out = []
        stack = [self.by_id[code_id]]
        while stack:
            code = stack.pop()
            out.append(code.id)
            stack.extend(code.children)
        return out

    def depth(self, code_id: str) -> int:
        return self.path_of(code_id).count("/")

    # -- levels ------------------------------------------------------------------------------
    def codes_at(self, level: str) -> list[str]:
        """The codes a table at ``level`` has rows for, in codebook order."""
        _check_level(level)
        return [c.id for c in self.codes] if level == "top" else [c.id for c in self.walk()]

    def label_at(self, code_id: str, level: str) -> str:
        """The code a coding with ``code_id`` counts as at ``level`` (its top-level code, or itself)."""
        _check_level(level)
        return self.top_level(code_id) if level == "top" else code_id

    # -- colours -----------------------------------------------------------------------------
    def color_of(self, code_id: str) -> str:
        """The colour ``code_id`` is drawn in (see the module docstring)."""
        code: Code | None = self.by_id[code_id]
        while code is not None:
            if code.color:
                return code.color
            code = self.by_id.get(code.parent) if code.parent else None
        top = self.top_level(code_id)
        position = next(n for n, c in enumerate(self.codes) if c.id == top)
        return PALETTE[position % len(PALETTE)]

    # -- the JSON shape of ``qualcode codebook show --format json`` --------------------------
    def to_json(self) -> dict[str, Any]:
        def code(c: Code) -> dict[str, Any]:
            return {
                "id": c.id,
                "path": self.path_of(c.id),
                "label": c.label,
                "definition": c.definition,
                "include": c.include,
                "exclude": c.exclude,
                "examples": c.examples,
                "keywords": c.keywords,
                "exclude_keywords": c.exclude_keywords,
                "related_words": c.related_words,
                "patterns": c.patterns,
                "exclusive": c.exclusive,
                "color": c.color,
                "guid": c.guid,
                "children": [code(ch) for ch in c.children],
            }

        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "codes": [code(c) for c in self.codes],
        }


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise InputError(f"unknown level '{level}'{hint(str(level), LEVELS)}; use one of {', '.join(LEVELS)}")
