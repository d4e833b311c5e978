"""Renaming and merging codes in the codebook *and* every coder's codings together.

The codebook is edited round-trip with ruamel.yaml so comments, key order and layout survive
(the team reviews the diff). Everything is read and validated before anything is written; then
coder files are rewritten (each atomically, under the store lock) and the codebook last. If the
process dies in between, running the same command again finishes the job.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from qualcode.codebook.model import parse_codebook
from qualcode.coding.store import Coding, store_for
from qualcode.errors import CodebookError, QualcodeError
from qualcode.common.storage import atomic_write

if TYPE_CHECKING:
    from qualcode.study.project import Project

_ID = re.compile(r"^[a-z0-9_]+$")
_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (2, 4, 0), (4, 6, 4), (4, 4, 0))


def _yaml_for(text: str) -> tuple[YAML, object]:
    """A round-trip loader whose indentation reproduces ``text`` (keeps diffs minimal)."""
    chosen = None
    for mapping, sequence, offset in _INDENTS:
        yaml = YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096
        yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        data = yaml.load(text)
        if _dump(yaml, data) == text:
            return yaml, data
        chosen = chosen or (yaml, data)
    return chosen


def _dump(yaml: YAML, data) -> str:
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


def _load(project: "Project"):
    path = project.codebook_path
    book = project.codebook  # validates first: never edit a broken codebook
    text = path.read_text(encoding="utf-8")
    yaml, data = _yaml_for(text)
    return book, path, yaml, data, text


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


def _write(project: "Project", path, yaml, data, original: str) -> None:
    new_text = _keep_unchanged_lines(original, _dump(yaml, data))
    _, problems = parse_codebook(new_text, project.display(path))
    if problems:  # pragma: no cover - would be a bug in this module
        raise CodebookError(problems)
    atomic_write(path, new_text)


def _recode(project: "Project", mapping: dict[str, str], action: str) -> int:
    """Replace code ids in every coder's file; a segment coded with both keeps one coding."""
    store = store_for(project)
    changed = 0
    files = store.read_all()  # refuse to start when any file is unreadable
    for coder_file in files:
        if not any(c.code in mapping for c in coder_file.codings.values()):
            continue
        with store.transaction(coder_file.coder) as current:
            for key, coding in sorted(current.codings.items()):
                new_code = mapping.get(coding.code)
                if new_code is None:
                    continue
                del current.codings[key]
                new_key = (coding.segment, new_code)
                existing = current.codings.get(new_key)
                if existing is None or coding.timestamp < existing.timestamp:
                    current.codings[new_key] = Coding(coding.transcript, coding.segment, new_code, coding.coder,
                                                      coding.source, coding.timestamp, coding.memo, coding.anchor)
                current.record(action, transcript=coding.transcript, segment=coding.segment,
                               old_code=coding.code, code=new_code)
                changed += 1
    from qualcode.suggest.store import recode_suggestions  # pending suggestions and decisions follow

    recode_suggestions(project, mapping)
    return changed


def rename_code(project: "Project", old: str, new: str) -> int:
    """Rename code ``old`` to ``new``; return the number of codings updated."""
    book, path, yaml, data, original = _load(project)
    book.get(old)
    if not _ID.match(new):
        raise QualcodeError(f"new code id '{new}' may only use a-z, 0-9 and _")
    if new in book:
        raise QualcodeError(f"code '{new}' already exists; use `qualcode codebook merge {old} INTO {new}` to merge them")
    _, item = _find(data["codes"], old)
    item["id"] = new
    changed = _recode(project, {old: new}, "rename")
    _write(project, path, yaml, data, original)
    return changed


def merge_codes(project: "Project", sources: Sequence[str], into: str) -> int:
    """Merge ``sources`` into ``into``: rules, examples and children move, codings are recoded."""
    book, path, yaml, data, original = _load(project)
    book.get(into)
    for source in sources:
        book.get(source)
        if source == into:
            raise QualcodeError(f"cannot merge '{into}' into itself")
        if into in book.descendants(source):
            raise QualcodeError(f"'{into}' is inside '{source}'; merge the children first or choose another target")
    _, target = _find(data["codes"], into)
    for source in sources:
        siblings, item = _find(data["codes"], source)
        for key in ("keywords", "exclude_keywords", "examples", "patterns", "children"):
            extra = item.get(key)
            if not extra:
                continue
            if key not in target or target[key] is None:
                target[key] = CommentedSeq()
                if key != "children" and key != "examples":
                    target[key].fa.set_flow_style()
            existing = [str(v).casefold() for v in target[key]] if key in ("keywords", "exclude_keywords") else []
            for value in extra:
                if key in ("keywords", "exclude_keywords") and str(value).casefold() in existing:
                    continue
                target[key].append(value)
        siblings.remove(item)
    changed = _recode(project, {source: into for source in sources}, "merge")
    _write(project, path, yaml, data, original)
    return changed
