"""Safe YAML loading that remembers where every value came from.

Config, front matter and codebook problems must be reported as ``FILE:LINE``; plain
``yaml.safe_load`` forgets lines, so this module composes the node tree with PyYAML's
SafeLoader and converts it into dict/list subclasses that carry line numbers.
"""

from __future__ import annotations

import datetime as _dt
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


def load_yaml(text: str, filename: str, line_offset: int = 0) -> tuple[Any, list[Problem]]:
    """Parse ``text`` safely; return ``(data, problems)``.

    ``line_offset`` is added to every line number (for YAML embedded in a larger file).
    On a syntax error ``data`` is None and ``problems`` names the position. Duplicate
    mapping keys are reported as problems too (PyYAML silently keeps the last one).
    """
    loader = yaml.SafeLoader(text)
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset
        what = exc.problem or exc.context or "invalid YAML"
        column = f" (column {mark.column + 1})" if mark else ""
        return None, [Problem(filename, line, f"YAML syntax error: {what}{column}")]
    except yaml.YAMLError as exc:
        return None, [Problem(filename, line_offset, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    if node is None:
        return None, []
    try:
        return _convert(node, loader, filename, line_offset, problems), problems
    except yaml.YAMLError as exc:  # e.g. an unknown tag such as !!python/object
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark else line_offset
        return None, [Problem(filename, line, f"YAML error: {getattr(exc, 'problem', exc)}")]


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


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
    return loader.construct_object(node, deep=True)


def scalar_to_str(value: Any) -> str:
    """Render a YAML scalar as the string a researcher wrote (dates as ISO dates)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)
