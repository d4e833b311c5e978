"""A :class:`~qualcode.codebook.model.Codebook` as the YAML a team keeps in ``codebooks/``.

For codebooks that arrive from elsewhere (``qualcode codebook import``): keys in the order the
README documents, empty keys left out, multi-line text as literal blocks, an optional comment
block at the top (where the codebook came from, what was dropped). The text is parsed back before
it is returned, so what is written is always a valid codebook.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml

from qualcode.codebook.model import Code, Codebook
from qualcode.codebook.parse import parse_codebook
from qualcode.errors import CodebookError


class _Dumper(yaml.SafeDumper):
    """Block style everywhere; multi-line strings as ``|`` blocks; lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _code(code: Code) -> dict[str, Any]:
    out: dict[str, Any] = {"id": code.id}
    if code.label and code.label != code.id:
        out["label"] = code.label
    for key in ("definition", "include", "exclude"):
        value = getattr(code, key)
        if value:
            out[key] = value
    for key in ("examples", "keywords", "related_words", "exclude_keywords", "patterns"):
        value = getattr(code, key)
        if value:
            out[key] = list(value)
    if code.exclusive:
        out["exclusive"] = True
    if code.color:
        out["color"] = code.color
    if code.guid:
        out["guid"] = code.guid
    if code.children:
        out["children"] = [_code(child) for child in code.children]
    return out


def codebook_yaml(book: Codebook, comments: Iterable[str] = ()) -> str:
    """The YAML text of ``book``, with ``comments`` as ``#`` lines at the top."""
    data: dict[str, Any] = {"name": book.name or "Imported codebook"}
    if book.version:
        data["version"] = book.version
    if book.description:
        data["description"] = book.description
    data["codes"] = [_code(code) for code in book.codes]
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    header = "".join(f"# {line}\n" if line else "#\n" for comment in comments for line in comment.split("\n"))
    text = header + body
    _, problems = parse_codebook(text, "imported codebook")
    if problems:  # pragma: no cover - would be a bug in this module
        raise CodebookError(problems)
    return text
