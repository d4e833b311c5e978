"""``qualcode.yaml``: the project's settings, validated with every problem at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from qualcode.common.didyoumean import hint
from qualcode.common.yamlfile import LineDict, load_yaml, tab_problems
from qualcode.errors import ConfigError, Problem

CONFIG_FILE = "qualcode.yaml"
SEGMENT_MODES = ("turn", "paragraph", "sentence")
#: the parts of ``evaluation`` in qualcode.yaml: dev (for tuning) and test (never tuned on)
EVALUATION_PARTS = ("dev", "test")

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
    summaries: str = "summaries"
    segment_by: str = "turn"
    case_attribute: str = "case"
    case_order: tuple[str, ...] = ()
    speakers_to_skip: tuple[str, ...] = DEFAULT_SPEAKERS_TO_SKIP
    speaker_aliases: tuple[tuple[str, str], ...] = ()
    language: str = "en"
    nlp: str | None = None
    evaluation: tuple[tuple[str, tuple[str, ...]], ...] = ()
    allow_outside_links: bool = False
    #: the case attributes file (default: cases.csv or cases.yaml, whichever exists)
    cases: str | None = None

    @property
    def split(self) -> dict[str, tuple[str, ...]]:
        """``evaluation``: the transcript patterns of the ``dev`` and ``test`` parts (may be empty)."""
        return dict(self.evaluation)

    @property
    def skip_set(self) -> frozenset[str]:
        """The skipped speaker labels, case-folded for matching."""
        return frozenset(s.casefold() for s in self.speakers_to_skip)

    @property
    def aliases(self) -> dict[str, str]:
        """``speaker_aliases`` as a mapping: label as written -> the speaker's name."""
        return dict(self.speaker_aliases)


CONFIG_KEYS = tuple(f.name for f in fields(Config))


def parse_config(text: str, filename: str = CONFIG_FILE) -> Config:
    """Validate the text of a ``qualcode.yaml``; raise ConfigError listing every problem."""
    problems = tab_problems(text, filename)
    data, yaml_problems = load_yaml(text, filename)
    problems += [p for p in yaml_problems if p.line not in {t.line for t in problems}]
    if data is None:
        data = LineDict()
    if not isinstance(data, LineDict):
        problems.append(Problem(filename, getattr(data, "line", 1), "the file must be a mapping of keys to values"))
        data = LineDict()
    values: dict[str, Any] = {}
    for key, value in data.items():
        line = data.line_of(key)
        if key not in CONFIG_KEYS:
            problems.append(Problem(filename, line, f"unknown key '{key}'{hint(str(key), CONFIG_KEYS)}"))
            continue
        problem = _check_value(key, value)
        if problem:
            problems.append(Problem(filename, line, problem))
            continue
        if key in ("speakers_to_skip", "case_order"):
            value = tuple(str(v).strip() for v in value) if key == "case_order" else tuple(value)
        elif key == "speaker_aliases":
            value = tuple((str(k).strip(), str(v).strip()) for k, v in value.items())
        elif key == "evaluation":
            value = tuple(
                (str(part), tuple(str(p).strip() for p in value[part])) for part in EVALUATION_PARTS if part in value
            )
        values[key] = value
    for key in ("codebook", "transcripts", "cases", "summaries"):
        if key in values and (Path(str(values[key])).is_absolute() or ".." in Path(str(values[key])).parts):
            problems.append(
                Problem(filename, data.line_of(key), f"'{key}' must be a path inside the project, not '{values[key]}'")
            )
            values.pop(key)
    if problems:
        raise ConfigError(problems=sorted(set(problems)))
    return Config(**values)


def _check_value(key: str, value: Any) -> str | None:
    if key in ("codebook", "transcripts", "summaries", "case_attribute", "cases"):
        if not isinstance(value, str) or not value.strip():
            return f"'{key}' must be a non-empty text value"
    elif key == "allow_outside_links":
        if not isinstance(value, bool):
            return "'allow_outside_links' must be true or false"
    elif key == "segment_by":
        if value not in SEGMENT_MODES:
            modes = ", ".join(SEGMENT_MODES)
            return f"'segment_by' must be one of {modes}, not '{value}'{hint(str(value), SEGMENT_MODES)}"
    elif key == "case_order":
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v).strip() for v in value):
            return "'case_order' must be a list of cases, e.g. [Bayview, Alder, Cedar]"
    elif key == "speakers_to_skip":
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return "'speakers_to_skip' must be a list of speaker labels, e.g. [Interviewer, Q]"
    elif key == "speaker_aliases":
        if not isinstance(value, dict) or not all(
            isinstance(k, (str, int)) and str(k).strip() and isinstance(v, (str, int)) and str(v).strip()
            for k, v in value.items()
        ):
            return "'speaker_aliases' must map labels to names, e.g. {I1: Interviewer, 'MRS ALVAREZ': Mrs. Alvarez}"
    elif key == "language":
        if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2,3}", value):
            return f"'language' must be a language code such as en, da, de, es or fr, not '{value}'"
    elif key == "evaluation":
        example = "e.g. {dev: [alder-creek/*, bayview/*], test: [harmon-county/*]}"
        if not isinstance(value, dict) or not value:
            return f"'evaluation' must map the parts dev and test to lists of transcripts, {example}"
        unknown = [str(k) for k in value if k not in EVALUATION_PARTS]
        if unknown:
            return f"'evaluation' has the parts dev and test, not '{unknown[0]}'{hint(unknown[0], EVALUATION_PARTS)}"
        for part, patterns in value.items():
            if not isinstance(patterns, list) or not all(isinstance(p, str) and p.strip() for p in patterns):
                return f"'evaluation: {part}' must be a list of transcript ids or patterns, {example}"
    elif key == "nlp" and value is not None and (not isinstance(value, str) or not value.strip()):
        return "'nlp' must be the name of an installed spaCy package, e.g. en_core_web_sm"
    return None
