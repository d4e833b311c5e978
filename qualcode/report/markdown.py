"""A memo's Markdown as plain data the template renders with autoescape: paragraphs (hard-wrapped
lines joined), ``-``/``*``/``1.`` list items, ``#`` headings, ``**bold**``, ``*italic*`` and
`` `code` ``. Nothing else is interpreted (no HTML, links or images), so a memo can never add
markup to the report: every piece of text stays text."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["markdown_blocks"]

_INLINE = re.compile(r"\*\*(?P<b>[^*\n]+?)\*\*|`(?P<c>[^`\n]+)`|(?<![\w*])\*(?P<i>[^*\n]+?)\*(?![\w*])")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _spans(text: str) -> list[tuple[str, str]]:
    """``(style, text)`` pieces: style is "", "b", "i" or "c"."""
    out: list[tuple[str, str]] = []
    cursor = 0
    for match in _INLINE.finditer(text):
        if match.start() > cursor:
            out.append(("", text[cursor : match.start()]))
        style = match.lastgroup or ""
        out.append((style, match.group(style)))
        cursor = match.end()
    if cursor < len(text):
        out.append(("", text[cursor:]))
    return out


def markdown_blocks(text: str) -> list[dict[str, Any]]:
    """``[{"kind": "p" | "h" | "ul", "spans": [...]} | {"kind": "ul", "items": [spans, ...]}]``."""
    blocks: list[dict[str, Any]] = []
    lines: list[str] = []
    items: list[list[str]] = []

    def flush() -> None:
        if lines:
            blocks.append({"kind": "p", "spans": _spans(" ".join(line.strip() for line in lines))})
            lines.clear()
        if items:
            blocks.append({"kind": "ul", "items": [_spans(" ".join(part.strip() for part in i)) for i in items]})
            items.clear()

    for line in text.splitlines():
        heading, item = _HEADING.match(line), _ITEM.match(line)
        if not line.strip():
            flush()
        elif heading:
            flush()
            blocks.append({"kind": "h", "spans": _spans(heading.group(2))})
        elif item:
            if lines:
                flush()
            items.append([item.group(1)])
        elif items and line[:1].isspace():
            items[-1].append(line)
        else:
            if items:
                flush()
            lines.append(line)
    flush()
    return blocks
