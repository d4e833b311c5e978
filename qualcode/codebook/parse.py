"""Codebook YAML -> :class:`~qualcode.codebook.model.Codebook`, collecting *every* problem.

:func:`validate_codebook` reports YAML syntax, tabs, unknown keys with a did-you-mean, bad or
duplicate ids, empty keywords, malformed spaCy patterns and bad colours, each with the file line
it comes from, so a team fixes a codebook in one pass.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from qualcode.codebook.model import COLOR_PATTERN, ID_PATTERN, Code, Codebook, normalise_color
from qualcode.codebook.patterns import pattern_errors, pattern_problem
from qualcode.common.didyoumean import hint
from qualcode.common.yamlfile import LineDict, LineList, load_yaml, scalar_to_str, tab_problems
from qualcode.errors import CodebookError, Problem

TOP_KEYS = ("name", "version", "description", "codes")
#: Limits that keep every command fast (README "Limits"): a codebook is read by every command,
#: and each keyword becomes a matcher entry. Real codebooks are far below both.
MAX_CODEBOOK_BYTES = 2_000_000
MAX_CODES = 5_000
MAX_KEYWORDS = 20_000
CODE_KEYS = (
    "id",
    "label",
    "definition",
    "include",
    "exclude",
    "examples",
    "keywords",
    "exclude_keywords",
    "related_words",
    "patterns",
    "exclusive",
    "color",
    "guid",
    "children",
)
_GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")


def load_codebook(path: Path, display: str | None = None, check_patterns: bool = True) -> Codebook:
    """Load and validate; raise CodebookError listing every problem.

    ``check_patterns=False`` skips the spaCy schema check of token patterns (importing spaCy
    costs seconds), for commands that never match: hand coding, retrieval, reports.
    """
    codebook, problems = validate_codebook(path, display, check_patterns)
    if problems:
        raise CodebookError(problems)
    assert codebook is not None
    return codebook


def validate_codebook(
    path: Path, display: str | None = None, check_patterns: bool = True
) -> tuple[Codebook | None, list[Problem]]:
    """Return ``(codebook or None, problems)``; the codebook is None when any problem exists."""
    display = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(display, 0, "codebook file not found; create it or set 'codebook' in qualcode.yaml")]
    except IsADirectoryError:
        return None, [Problem(display, 0, "is a folder, not a file; set 'codebook' in qualcode.yaml to a file")]
    except OSError as exc:
        return None, [Problem(display, 0, f"cannot read the codebook: {exc.strerror}")]
    if len(raw) > MAX_CODEBOOK_BYTES:
        return None, [
            Problem(
                display,
                0,
                f"the codebook is {len(raw) / 1e6:.1f} MB; qualcode reads codebooks of at most "
                f"{MAX_CODEBOOK_BYTES / 1e6:.0f} MB (a codebook is definitions and rules, not data: "
                "move long word lists out, or split the study)",
            )
        ]
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(display, line, "not valid UTF-8; save the codebook as UTF-8")]
    codebook, problems = parse_codebook(text, display, check_patterns)
    if codebook is not None:
        codebook.path = path
        codebook.sha256 = hashlib.sha256(raw).hexdigest()
    return codebook, problems


def parse_codebook(
    text: str, display: str = "codebook", check_patterns: bool = True
) -> tuple[Codebook | None, list[Problem]]:
    """Parse and validate codebook YAML text (spaCy pattern schemas too, unless told not to)."""
    tabs = tab_problems(text, display)
    data, yaml_problems = load_yaml(text, display)
    tab_lines = {p.line for p in tabs}
    problems = tabs + [p for p in yaml_problems if p.line not in tab_lines]
    if data is None:
        if not problems:
            problems.append(Problem(display, 1, "the codebook is empty; it needs at least 'name' and 'codes'"))
        return None, sorted(problems)
    if not isinstance(data, LineDict):
        return None, sorted(problems + [Problem(display, 1, "the codebook must be a mapping with 'name' and 'codes'")])

    checker = _Checker(display, check_patterns)
    checker.problems += problems
    for key in data:
        if key not in TOP_KEYS:
            checker.add(data.line_of(key), f"unknown top-level key '{key}'{hint(str(key), TOP_KEYS)}")
    name = checker.text(data, "name") or ""
    if "name" not in data:
        checker.add(1, "the codebook has no 'name'; add e.g. 'name: District practices'")
    version = checker.text(data, "version") or ""
    description = checker.text(data, "description") or ""
    codes_value = data.get("codes")
    codes: list[Code] = []
    if codes_value is None:
        checker.add(data.line, "the codebook has no 'codes'; add a list of codes, each with an 'id'")
    elif not isinstance(codes_value, LineList):
        checker.add(data.line_of("codes"), "'codes' must be a list of codes (each item starts with '- id: ...')")
    else:
        codes = checker.codes(codes_value, parent=None)
        if not codes_value:
            checker.add(data.line_of("codes"), "'codes' is empty; add at least one code")
    _check_size(checker, data, codes)
    problems = sorted(set(checker.problems))
    if problems:
        return None, problems
    return Codebook(name=name, version=version, description=description, codes=codes, display=display), []


def _check_size(checker: _Checker, data: LineDict, codes: list[Code]) -> None:
    everything = []
    stack = list(codes)
    while stack:
        code = stack.pop()
        everything.append(code)
        stack.extend(code.children)
    if len(everything) > MAX_CODES:
        checker.add(data.line_of("codes"), f"{len(everything):,} codes; a codebook holds at most {MAX_CODES:,}")
    words = sum(len(c.keywords) + len(c.related_words) + len(c.exclude_keywords) for c in everything)
    if words > MAX_KEYWORDS:
        checker.add(
            data.line_of("codes"),
            f"{words:,} keywords, related words and exclude keywords in all; a codebook holds at most "
            f"{MAX_KEYWORDS:,} (each becomes a matcher rule); keep the words that are evidence for a theme",
        )


class _Checker:
    """Walks the YAML tree, building codes and collecting problems."""

    def __init__(self, display: str, check_patterns: bool = True):
        self.display = display
        self.check_patterns = check_patterns
        self.problems: list[Problem] = []
        self.seen_ids: dict[str, int] = {}
        self.seen_guids: dict[str, str] = {}

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, message))

    def text(self, mapping: LineDict, key: str) -> str | None:
        if key not in mapping or mapping[key] is None:
            return None
        value = mapping[key]
        if isinstance(value, (dict, list)):
            self.add(mapping.line_of(key), f"'{key}' must be text, not a list or mapping")
            return None
        return scalar_to_str(value).strip()

    def codes(self, items: LineList, parent: str | None) -> list[Code]:
        codes = []
        for index, item in enumerate(items):
            line = items.line_of(index)
            if not isinstance(item, LineDict):
                self.add(line, "each code must be a mapping starting with 'id: ...'")
                continue
            code = self.code(item, parent)
            if code is not None:
                codes.append(code)
        return codes

    def code(self, item: LineDict, parent: str | None) -> Code | None:
        line = item.line
        for key in item:
            if key not in CODE_KEYS:
                self.add(item.line_of(key), f"unknown key '{key}'{hint(str(key), CODE_KEYS)}")
        raw_id = item.get("id")
        if raw_id is None:
            self.add(line, "code without an 'id'; add e.g. 'id: data_use' (lower case, digits and _)")
            code_id = None
        else:
            code_id = scalar_to_str(raw_id)
            id_line = item.line_of("id")
            if not ID_PATTERN.match(code_id):
                suggestion = re.sub(r"[^a-z0-9_]+", "_", code_id.lower()).strip("_")
                self.add(id_line, f"code id '{code_id}' may only use a-z, 0-9 and _; e.g. '{suggestion}'")
            elif code_id in self.seen_ids:
                self.add(
                    id_line,
                    f"duplicate code id '{code_id}' (first on line {self.seen_ids[code_id]}); "
                    "ids must be unique across the codebook",
                )
            else:
                self.seen_ids[code_id] = id_line
        name = code_id or "?"
        code = Code(id=code_id or "", parent=parent, line=line)
        code.label = self.text(item, "label") or ""
        code.definition = self.text(item, "definition") or ""
        code.include = self.text(item, "include") or ""
        code.exclude = self.text(item, "exclude") or ""
        code.examples = self.strings(item, "examples", name)[0]
        code.keywords, code.keyword_lines = self.strings(item, "keywords", name)
        code.exclude_keywords = self.strings(item, "exclude_keywords", name)[0]
        code.related_words, code.related_lines = self.strings(item, "related_words", name)
        code.patterns, code.pattern_lines = self.patterns(item, name)
        exclusive = item.get("exclusive", False)
        if not isinstance(exclusive, bool):
            self.add(item.line_of("exclusive"), f"code '{name}': 'exclusive' must be true or false")
        code.exclusive = exclusive is True
        color = item.get("color")
        if color is not None and parent is not None:
            self.add(
                item.line_of("color"),
                f"code '{name}': 'color' is for top-level codes only; a sub-code is drawn in its "
                f"top-level code's colour, so remove this line (or move it to the top-level code)",
            )
        elif color is not None:
            if not isinstance(color, str) or not COLOR_PATTERN.match(color):
                self.add(
                    item.line_of("color"),
                    f"code '{name}': color '{color}' must look like \"#1f77b4\" (quote it in YAML)",
                )
            else:
                code.color = normalise_color(color)
        guid = item.get("guid")
        if guid is not None:
            text = scalar_to_str(guid).strip()
            if not _GUID.match(text):
                self.add(
                    item.line_of("guid"),
                    f"code '{name}': guid '{text}' must look like "
                    '"1ff58b12-6f6f-4b0c-8be5-bbdc91f55294" (a REFI-QDA GUID); remove it to derive one',
                )
            elif text.strip("{}").lower() in self.seen_guids:
                self.add(
                    item.line_of("guid"),
                    f"code '{name}': guid '{text}' is also the guid of code "
                    f"'{self.seen_guids[text.strip('{}').lower()]}'; guids must be unique",
                )
            else:
                code.guid = text.strip("{}").lower()
                self.seen_guids[code.guid] = name
        children = item.get("children")
        if children is not None:
            if not isinstance(children, LineList):
                self.add(item.line_of("children"), f"code '{name}': 'children' must be a list of codes")
            else:
                code.children = self.codes(children, parent=code_id)
        if code.exclusive and not code.children:
            self.add(
                item.line_of("exclusive"),
                f"code '{name}' is exclusive but has no children; remove 'exclusive' or add children",
            )
        return code if code_id else None

    def strings(self, item: LineDict, key: str, name: str) -> tuple[list[str], list[int]]:
        value = item.get(key)
        if value is None:
            if key in item:
                self.add(item.line_of(key), f"code '{name}': '{key}' is empty; remove the key or add entries")
            return [], []
        if not isinstance(value, LineList):
            self.add(item.line_of(key), f"code '{name}': '{key}' must be a list (one '- entry' per line)")
            return [], []
        out, lines = [], []
        seen = set()
        for index, entry in enumerate(value):
            line = value.line_of(index)
            if entry is None or (isinstance(entry, str) and not entry.strip()):
                singular = key[:-1] if key.endswith("s") else key
                self.add(line, f"code '{name}' has an empty {singular.replace('_', ' ')}; remove the blank entry")
                continue
            if isinstance(entry, (dict, list)):
                self.add(line, f"code '{name}': each entry of '{key}' must be text")
                continue
            entry = scalar_to_str(entry).strip()
            if key != "examples" and entry.casefold() in seen:
                self.add(line, f"code '{name}': '{entry}' is listed twice in '{key}'; remove one")
                continue
            seen.add(entry.casefold())
            out.append(entry)
            lines.append(line)
        return out, lines

    def patterns(self, item: LineDict, name: str) -> tuple[list[list[dict]], list[int]]:
        value = item.get("patterns")
        if value is None:
            return [], []
        if not isinstance(value, LineList):
            self.add(item.line_of("patterns"), f"code '{name}': 'patterns' must be a list of token patterns")
            return [], []
        out, lines = [], []
        for index, pattern in enumerate(value):
            line = value.line_of(index)
            if not isinstance(pattern, LineList) or not pattern or not all(isinstance(t, dict) for t in pattern):
                self.add(
                    line,
                    f"code '{name}': a pattern must be a non-empty list of token dicts, "
                    "e.g. [{LEMMA: look}, {LOWER: at}, {LEMMA: datum}]",
                )
                continue
            plain = _plain(pattern)
            errors = pattern_errors(plain, compile=self.check_patterns)
            if errors:
                token_line = pattern.line_of(errors[0][0]) if errors[0][0] >= 0 else line
                self.add(max(line, token_line), pattern_problem(name, index + 1, errors))
                continue
            out.append(plain)
            lines.append(line)
        return out, lines


def _plain(value):
    """LineDict/LineList -> plain dict/list (spaCy's validator wants plain types)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
