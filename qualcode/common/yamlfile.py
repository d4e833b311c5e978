"""Safe YAML loading that remembers where every value came from.

Config, front matter and codebook problems must be reported as ``FILE:LINE``; plain
``yaml.safe_load`` forgets lines, so this module composes the node tree with PyYAML's
SafeLoader and converts it into dict/list subclasses that carry line numbers.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import yaml

from qualcode.errors import Problem


class LineDict(dict):
    """A mapping with ``line`` (of the mapping) and ``key_lines`` (line of each key)."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines: dict = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence with ``line`` (of the sequence) and ``item_lines`` (line of each item)."""

    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


def tab_problems(text: str, filename: str, line_offset: int = 0) -> list[Problem]:
    """One problem per line indented with a tab (YAML forbids tabs in indentation)."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(filename, number + line_offset, "tab character in indentation; indent with spaces"))
    return problems


#: added to the parser's own words when they are about block structure, which is nearly always indentation
INDENT_HINT = (
    "check the indentation of this line and the one before; YAML needs spaces, not tabs, "
    "and the same indent for keys at one level"
)
_INDENT_WORDS = ("<block", "mapping values are not allowed", "did not find expected", "could not find expected ':'")


def _about_indentation(problem: str) -> bool:
    """PyYAML's messages for a key or item at the wrong indent ("expected <block end>, but found '?'")."""
    return any(word in problem for word in _INDENT_WORDS)


def load_yaml(text: str, filename: str, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    """Parse ``text`` safely; return ``(data, problems)``.

    ``line_offset`` is added to every line number (for YAML embedded in a larger file).
    On a syntax error ``data`` is None and ``problems`` names the position. Duplicate
    mapping keys are reported as problems too (PyYAML silently keeps the last one).
    """
    problems: list[Problem] = []
    fast = _compose_fast(text)
    if fast is not None:
        return _checked(fast[1], fast[0], filename, line_offset, problems)
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character YAML does not allow (NUL, ESC…)
        line = text.count("\n", 0, exc.position) + 1 + line_offset
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return None, [
            Problem(filename, line, f"contains the control character {character}, which YAML does not allow; remove it")
        ]
    try:
        node = loader.get_single_node()
    except RecursionError:
        loader.dispose()
        return None, [Problem(filename, line_offset + 1, f"nested more than Python can read; {_FLATTEN}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset
        what = exc.problem or exc.context or "invalid YAML"
        column = f" (column {mark.column + 1})" if mark else ""
        advice = f"; {INDENT_HINT}" if _about_indentation(what) else ""
        if "mapping values are not allowed" in what:  # also a value with ': ' in it
            advice = f"; put quotes around a value that contains ': ', else {INDENT_HINT}"
        return None, [Problem(filename, line, f"YAML syntax error: {what}{column}{advice}")]
    except yaml.YAMLError as exc:
        return None, [Problem(filename, line_offset, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    return _checked(node, loader, filename, line_offset, problems)


#: libyaml, where PyYAML was built with it: composes the same node tree about ten times faster
_CSafeLoader = getattr(yaml, "CSafeLoader", None)
_SHALLOW = 200  # how deep brackets may nest for the C parser, whose recursion Python cannot stop


def _bracket_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest (counting those inside quotes too: an upper bound)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(text):
        depth = depth + 1 if bracket in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


_BRACKETS = re.compile(r"[\[\]{}]")


def _compose_fast(text: str) -> tuple[Any, yaml.Node | None] | None:
    """``(loader, node)`` composed by libyaml, or None to take the Python path.

    Only plain, shallow text goes this way; anything libyaml rejects is parsed again by the
    Python loader, which words every error (so messages and line numbers do not depend on
    whether libyaml is installed).
    """
    if _CSafeLoader is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    if len(text) > 1_000_000 or _bracket_depth(text) > _SHALLOW:
        return None
    loader = _CSafeLoader(text)
    try:
        return loader, loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


def _checked(node: yaml.Node | None, loader: Any, filename: str, line_offset: int, problems: list[Problem]):
    """The composed document's limits checked, then converted to line-carrying values."""
    if node is None:
        return None, []
    if _cyclic(node):
        return None, [Problem(filename, line_offset + 1, "an alias (*name) refers to its own anchor; remove the loop")]
    depth = _depth(node)
    if depth > MAX_DEPTH:
        return None, [
            Problem(filename, line_offset + 1, f"nested {depth} levels deep (at most {MAX_DEPTH}); {_FLATTEN}")
        ]
    expanded = _expanded_size(node)
    if expanded > MAX_NODES:
        return None, [
            Problem(
                filename,
                line_offset + 1,
                f"aliases (*name) expand to more than {MAX_NODES:,} values; write the values out instead of "
                "repeating anchors",
            )
        ]
    try:
        return _convert(node, loader, filename, line_offset, problems), problems
    except yaml.YAMLError as exc:  # e.g. an unknown tag such as !!python/object
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark else line_offset
        return None, [Problem(filename, line, f"YAML error: {getattr(exc, 'problem', exc)}")]


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_TEXT_TAGS = ("tag:yaml.org,2002:timestamp",)
#: limits that keep a hostile file (a "billion laughs" alias bomb, 20,000 nested brackets) from hanging a command
MAX_DEPTH = 100
MAX_NODES = 100_000
_FLATTEN = "a codebook, front matter or qualcode.yaml never needs that; check the file for a paste gone wrong"


def _depth(node: yaml.Node) -> int:
    """Nesting depth of the node graph (iterative; aliases are followed once)."""
    deepest, stack, seen = 0, [(node, 1)], set()
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if id(current) in seen or deepest > MAX_DEPTH:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, level + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend((child, level + 1) for pair in current.value for child in pair)
    return deepest


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def _cyclic(node: yaml.Node) -> bool:
    """Does an alias lead back to one of its own ancestors (``&a [*a]``)?"""
    done: set[int] = set()
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, leaving = stack.pop()
        key = id(current)
        if leaving:
            on_path.discard(key)
            done.add(key)
            continue
        if key in on_path:
            return True
        if key in done:
            continue
        on_path.add(key)
        stack.append((current, True))
        stack.extend((child, False) for child in _children(current))
    return False


def _expanded_size(node: yaml.Node) -> int:
    """How many values the document has once every alias is expanded (stops counting past the limit)."""
    sizes: dict[int, int] = {}

    def size(current: yaml.Node) -> int:
        key = id(current)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # a recursive alias counts once while it is being measured
        total = 1
        if isinstance(current, yaml.SequenceNode):
            total += sum(size(child) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in current.value)
        sizes[key] = min(total, MAX_NODES + 1)
        return sizes[key]

    return size(node)


def _convert(node: yaml.Node, loader: yaml.SafeLoader, filename: str, offset: int, problems: list[Problem]) -> Any:
    line = node.start_mark.line + 1 + offset
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        raise yaml.constructor.ConstructorError(
            None, None, f"could not determine a constructor for the tag '{node.tag}'", node.start_mark
        )
    if isinstance(node, yaml.MappingNode):
        result = LineDict()
        result.line = line
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, filename, offset, problems)
            if isinstance(key, (dict, list)):
                problems.append(Problem(filename, key_node.start_mark.line + 1 + offset, "a key must be a plain value"))
                continue
            key_line = key_node.start_mark.line + 1 + offset
            if key in result:
                problems.append(
                    Problem(
                        filename, key_line, f"duplicate key '{key}' (first on line {result.key_lines[key]}); keep one"
                    )
                )
                continue
            result[key] = _convert(value_node, loader, filename, offset, problems)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LineList()
        items.line = line
        for item in node.value:
            items.append(_convert(item, loader, filename, offset, problems))
            items.item_lines.append(item.start_mark.line + 1 + offset)
        return items
    if node.tag in _TEXT_TAGS:  # dates stay text: "2026-02-30" is a typo to show, not a crash
        return str(node.value)
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:
        problems.append(Problem(filename, line, f"cannot read the value '{node.value}': {exc}"))
        return str(node.value)


def scalar_to_str(value: Any) -> str:
    """Render a YAML scalar as the string a researcher wrote (dates as ISO dates)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)
