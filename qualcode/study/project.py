"""Finds and loads a qualcode project: the one place that knows the folder layout.

A project is a folder holding ``qualcode.yaml``. :func:`open_project` finds it (explicitly,
or the nearest parent like git does), validates the config, and returns a :class:`Project`
whose transcripts, segments and codebook load lazily, once.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

from qualcode.common.didyoumean import hint
from qualcode.errors import ConfigError, Problem, ProjectNotFoundError, QualcodeError
from qualcode.common.yamlfile import load_yaml, tab_problems

CONFIG_FILE = "qualcode.yaml"
SEGMENT_MODES = ("turn", "paragraph", "sentence")

#: Interviewer labels whose turns are listed but never suggested, counted or offered for coding.
DEFAULT_SPEAKERS_TO_SKIP = (
    "Interviewer",
    "Interviewer 1",
    "Interviewer 2",
    "Int",
    "I",
    "Q",
    "Question",
    "Moderator",
    "Facilitator",
    "Researcher",
)


@dataclass(frozen=True)
class Config:
    """The settings in ``qualcode.yaml`` (every key optional; these are the defaults)."""

    codebook: str = "codebooks/district-practices.yaml"
    transcripts: str = "transcripts"
    segment_by: str = "turn"
    case_attribute: str = "case"
    speakers_to_skip: tuple[str, ...] = DEFAULT_SPEAKERS_TO_SKIP
    nlp: str | None = None

    @property
    def skip_set(self) -> frozenset[str]:
        """The skipped speaker labels, case-folded for matching."""
        return frozenset(s.casefold() for s in self.speakers_to_skip)


CONFIG_KEYS = tuple(f.name for f in fields(Config))


def parse_config(text: str, filename: str = CONFIG_FILE) -> Config:
    """Validate the text of a ``qualcode.yaml``; raise ConfigError listing every problem."""
    problems = tab_problems(text, filename)
    data, yaml_problems = load_yaml(text, filename)
    problems += [p for p in yaml_problems if p.line not in {t.line for t in problems}]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(filename, getattr(data, "line", 1), "the file must be a mapping of keys to values"))
        data = {}
    values = {}
    for key, value in data.items():
        line = data.line_of(key)
        if key not in CONFIG_KEYS:
            problems.append(Problem(filename, line, f"unknown key '{key}'{hint(str(key), CONFIG_KEYS)}"))
            continue
        problem = _check_value(key, value)
        if problem:
            problems.append(Problem(filename, line, problem))
            continue
        values[key] = tuple(value) if key == "speakers_to_skip" else value
    for key in ("codebook", "transcripts"):
        if key in values and (Path(values[key]).is_absolute() or ".." in Path(values[key]).parts):
            problems.append(
                Problem(filename, data.line_of(key), f"'{key}' must be a path inside the project, not '{values[key]}'")
            )
            values.pop(key)
    if problems:
        raise ConfigError("\n".join(str(p) for p in sorted(set(problems))))
    return Config(**values)


def _check_value(key: str, value) -> str | None:
    if key in ("codebook", "transcripts", "case_attribute"):
        if not isinstance(value, str) or not value.strip():
            return f"'{key}' must be a non-empty text value"
    elif key == "segment_by":
        if value not in SEGMENT_MODES:
            return f"'segment_by' must be one of {', '.join(SEGMENT_MODES)}, not '{value}'{hint(str(value), SEGMENT_MODES)}"
    elif key == "speakers_to_skip":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return "'speakers_to_skip' must be a list of speaker labels, e.g. [Interviewer, Q]"
    elif key == "nlp":
        if value is not None and (not isinstance(value, str) or not value.strip()):
            return "'nlp' must be the name of an installed spaCy package, e.g. en_core_web_sm"
    return None


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds qualcode.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ProjectNotFoundError(
        f"no {CONFIG_FILE} in {start} or any parent folder; run this inside a qualcode project, "
        "pass -C DIR, or create one with `qualcode init DIR`"
    )


def open_project(directory: str | Path | None = None, warn: Callable[[str], None] | None = None) -> "Project":
    """Open the project at ``directory`` (must hold qualcode.yaml) or above the current folder."""
    if directory is not None:
        root = Path(directory).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise ProjectNotFoundError(
                f"{directory}: no {CONFIG_FILE} here; create a project with `qualcode init {directory}`"
            )
    else:
        root = find_project_root(Path.cwd())
    return Project(root, warn=warn)


@dataclass
class Project:
    """A loaded project. Heavy parts (transcripts, segments, codebook) load on first use."""

    root: Path
    warn: Callable[[str], None] | None = None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self):
        path = self.root / CONFIG_FILE
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the project file: {exc}") from None
        self.config = parse_config(text, self.display(path))

    # -- paths -------------------------------------------------------------------------
    def path(self, relative: str | Path) -> Path:
        """Resolve a project-relative path, refusing anything that escapes the project.

        The check is lexical (``..`` and absolute paths), so a symlink the user made on
        purpose, e.g. to a shared transcripts folder, keeps working.
        """
        resolved = Path(os.path.normpath(self.root / relative))
        if not resolved.is_relative_to(self.root):
            raise QualcodeError(f"path '{relative}' is outside the project folder {self.root}; use a path inside it")
        return resolved

    def display(self, path: Path) -> str:
        """A path as shown in messages: relative to the project when inside it."""
        try:
            return Path(os.path.normpath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def transcripts_dir(self) -> Path:
        return self.path(self.config.transcripts)

    @property
    def codebook_path(self) -> Path:
        return self.path(self.config.codebook)

    @property
    def codings_dir(self) -> Path:
        return self.path("codings")

    @property
    def reports_dir(self) -> Path:
        return self.path("reports")

    # -- diagnostics -------------------------------------------------------------------
    def warning(self, message: str) -> None:
        """Record a warning and pass it on to the ``warn`` callback (the CLI prints it)."""
        if message in self.warnings:
            return
        self.warnings.append(message)
        if self.warn:
            self.warn(message)

    # -- content -----------------------------------------------------------------------
    @cached_property
    def corpus(self):
        """All transcripts and their segments (see :mod:`qualcode.corpus`)."""
        from qualcode.study.corpus import load_corpus

        return load_corpus(self)

    @property
    def transcripts(self):
        return self.corpus.transcripts

    @property
    def segments(self):
        return self.corpus.segments

    @cached_property
    def codebook(self):
        """The codebook, structurally validated. spaCy pattern schemas are checked where
        patterns are used (``codebook validate``, ``check``, the matcher): importing spaCy costs
        seconds that hand-coding commands should not pay."""
        from qualcode.codebook.model import load_codebook

        return load_codebook(self.codebook_path, display=self.display(self.codebook_path), check_patterns=False)

    @cached_property
    def nlp(self):
        from qualcode.suggest.nlp import load_nlp

        return load_nlp(self.config.nlp)
