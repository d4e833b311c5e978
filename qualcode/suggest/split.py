"""The evaluation split: which transcripts are for tuning (dev) and which are never tuned on (test).

Written down in ``qualcode.yaml``, fixed by transcript::

    evaluation:
      dev: [alder-creek/*, bayview/*, cedar-valley/*]
      test: [harmon-county/*, mesa-verde/*, pinecrest/*, willow-springs/*]

Entries are transcript ids or shell-style patterns (``*``, ``?``, ``[...]``) matched against
transcript ids. A transcript may be in one part only; one in neither part is only scored
with ``--part all``. ``evaluate`` scores the test part by default when a split exists, and
``learn`` leaves the test part out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase

from qualcode.errors import ConfigError, Problem, UsageError
from qualcode.study.config import CONFIG_FILE, EVALUATION_PARTS

PARTS = ("dev", "test", "all")


def split_transcripts(split: Mapping[str, Sequence[str]], transcripts: Iterable[str]) -> dict[str, list[str]]:
    """Part -> the transcript ids in it (in the order given), checking the split is sound."""
    ids = list(transcripts)
    parts: dict[str, list[str]] = {}
    problems = []
    for part in EVALUATION_PARTS:
        patterns = split.get(part, ())
        chosen = []
        for pattern in patterns:
            matched = [t for t in ids if fnmatchcase(t, pattern)]
            if not matched:
                problems.append(
                    Problem(CONFIG_FILE, 0, f"evaluation: {part}: '{pattern}' matches no transcript; fix or remove it")
                )
            chosen += [t for t in matched if t not in chosen]
        parts[part] = chosen
    both = sorted(set(parts.get("dev", ())) & set(parts.get("test", ())))
    if both:
        problems.append(
            Problem(
                CONFIG_FILE,
                0,
                f"evaluation: {len(both)} transcript(s) are in both dev and test ({', '.join(both[:3])}); "
                "a transcript belongs to one part only",
            )
        )
    if problems:
        raise ConfigError(problems=problems)
    return parts


def part_transcripts(
    split: Mapping[str, Sequence[str]], transcripts: Iterable[str], part: str | None
) -> tuple[str, set[str] | None]:
    """The part actually scored and its transcripts (None: every transcript).

    ``part`` None means the default: ``test`` when a split exists, else ``all``.
    """
    if part is not None and part not in PARTS:
        raise UsageError(f"--part must be one of {', '.join(PARTS)}, not '{part}'")
    if not split:
        if part in ("dev", "test"):
            raise UsageError(
                f"--part {part}: this project has no evaluation split; add one to {CONFIG_FILE}, "
                "e.g. evaluation: {dev: [case-a/*], test: [case-b/*]}"
            )
        return "all", None
    if part is None:
        part = "test"
    if part == "all":
        return "all", None
    return part, set(split_transcripts(split, transcripts)[part])
