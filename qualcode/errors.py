"""The qualcode error hierarchy.

Every error a user can fix is a :class:`QualcodeError`. Its message says what went wrong,
where (``file:line`` when there is a file), and how to fix it. The CLI prints the message
and exits with status 1; programmer errors are left as ordinary exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass


class QualcodeError(Exception):
    """A problem the user can fix; the message says what, where and how."""


class ProjectNotFoundError(QualcodeError):
    """No qualcode.yaml in the given folder or any of its parents."""


class ConfigError(QualcodeError):
    """qualcode.yaml is malformed or has unknown or invalid keys."""


class TranscriptError(QualcodeError):
    """One or more transcripts could not be read."""


class CodebookError(QualcodeError):
    """The codebook is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list["Problem"]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NlpError(QualcodeError):
    """The configured spaCy pipeline could not be built."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a user file, printed as ``FILE:LINE: message``."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}: {self.message}"
