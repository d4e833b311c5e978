"""Renaming and merging codes in the codebook's YAML text, keeping comments and layout.

The codebook is edited round-trip with ruamel.yaml so comments, key order and layout survive
(the team reviews the diff). These functions only compute the new text, validated;
:mod:`qualcode.app.recode` applies a rename or merge to the codings, suggestions and the codebook
file together.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Sequence
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from qualcode.codebook.model import ID_PATTERN, Codebook
from qualcode.codebook.parse import parse_codebook
from qualcode.errors import CodebookEditError, CodebookError

_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (2, 4, 0), (4, 6, 4), (4, 4, 0))


def _yaml_for(text: str) -> tuple[YAML, Any]:
    """A round-trip loader whose indentation reproduces ``text`` (keeps diffs minimal)."""
    chosen: tuple[YAML, Any] | None = None
    for mapping, sequence, offset in _INDENTS:
        yaml = YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        data = yaml.load(text)
        if _dump(yaml, data) == text:
            return yaml, data
        chosen = chosen or (yaml, data)
    assert chosen is not None  # _INDENTS is not empty
    return chosen


def _dump(yaml: YAML, data: Any) -> str:
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def _find(codes: CommentedSeq, code_id: str) -> tuple[CommentedSeq, CommentedMap] | None:
    for item in codes or []:
        if isinstance(item, CommentedMap):
            if str(item.get("id")) == code_id:
                return codes, item
            found = _find(item.get("children"), code_id)
            if found:
                return found
    return None


def _keep_unchanged_lines(original: str, new: str) -> str:
    """Restore original lines that ruamel re-wrote without changing their meaning.

    ruamel.yaml prints single-key maps inside flow lists in compact form
    (``[{LEMMA: x}]`` -> ``[LEMMA: x]``); same data, noisy diff. Where a changed line parses to
    the same value as the original line it replaced, the original is kept.
    """
    old_lines, new_lines = original.split("\n"), new.split("\n")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "replace" and a2 - a1 == b2 - b1:
            for old, line in zip(old_lines[a1:a2], new_lines[b1:b2]):
                out.append(old if _same_meaning(old, line) else line)
        else:
            out.extend(new_lines[b1:b2])
    return "\n".join(out)


def _same_meaning(old: str, new: str) -> bool:
    if len(old) - len(old.lstrip()) != len(new) - len(new.lstrip()):
        return False
    try:
        return pyyaml.safe_load(old.strip()) == pyyaml.safe_load(new.strip())
    except pyyaml.YAMLError:
        return False


def _checked(display: str, data: Any, yaml: YAML, original: str) -> str:
    """The edited YAML text, re-validated (an edit never produces an invalid codebook)."""
    new_text = _keep_unchanged_lines(original, _dump(yaml, data))
    _, problems = parse_codebook(new_text, display)
    if problems:  # pragma: no cover - would be a bug in this module
        raise CodebookError(problems)
    return new_text


def renamed_text(book: Codebook, text: str, old: str, new: str) -> str:
    """``text`` (the YAML of ``book``) with code ``old`` renamed to ``new``; comments kept."""
    book.get(old)
    if not ID_PATTERN.match(new):
        raise CodebookEditError(f"new code id '{new}' may only use a-z, 0-9 and _")
    if new in book:
        raise CodebookEditError(
            f"code '{new}' already exists; use `qualcode codebook merge {old} INTO {new}` to merge them"
        )
    yaml, data = _yaml_for(text)
    found = _find(data["codes"], old)
    assert found is not None  # book.get(old) succeeded
    found[1]["id"] = new
    return _checked(book.display, data, yaml, text)


def merged_text(book: Codebook, text: str, sources: Sequence[str], into: str) -> str:
    """``text`` with ``sources`` merged into ``into``: their rules, examples and children move."""
    book.get(into)
    for source in sources:
        book.get(source)
        if source == into:
            raise CodebookEditError(f"cannot merge '{into}' into itself")
        if into in book.descendants(source):
            raise CodebookEditError(f"'{into}' is inside '{source}'; merge the children first or choose another target")
    yaml, data = _yaml_for(text)
    _, target = _find(data["codes"], into) or (None, None)
    assert target is not None
    for source in sources:
        found = _find(data["codes"], source)
        assert found is not None
        siblings, item = found
        for key in ("keywords", "related_words", "exclude_keywords", "examples", "patterns", "children"):
            extra = item.get(key)
            if not extra:
                continue
            if key not in target or target[key] is None:
                target[key] = CommentedSeq()
                if key not in ("children", "examples"):
                    target[key].fa.set_flow_style()
            existing = (
                [str(v).casefold() for v in target[key]]
                if key in ("keywords", "related_words", "exclude_keywords")
                else []
            )
            for value in extra:
                if key in ("keywords", "related_words", "exclude_keywords") and str(value).casefold() in existing:
                    continue
                target[key].append(value)
        siblings.remove(item)
    return _checked(book.display, data, yaml, text)
