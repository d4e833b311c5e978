"""Every error qualcode raises on purpose, in one catalogue.

A :class:`QualcodeError` is a problem the user can fix. Its message says what went wrong, where
(``file:line`` when there is a file) and how to fix it; ``problems`` holds the same as a list of
:class:`Problem` (file, line, message), so a caller can show them one by one; ``exit_code`` is
the command line's exit status for it (1 for a problem in the user's files or data, 2 for a
mistake in how a command was called). The CLI prints ``Error: <message>`` and exits with that
status; anything that is not a ``QualcodeError`` is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, printed as ``FILE:LINE: message`` (or less, when the file or line is unknown)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}: {self.message}"
        if self.file:
            return f"{self.file}: {self.message}"
        return self.message


class QualcodeError(Exception):
    """A problem the user can fix; the message says what, where and how."""

    exit_code: int = 1

    def __init__(self, message: str | None = None, *, problems: Iterable[Problem] = ()):
        self.problems: list[Problem] = list(problems)
        if message is None:
            message = "\n".join(str(p) for p in self.problems)
        elif not self.problems:
            self.problems = [Problem("", 0, message)]
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)


class QualcodeWarning(UserWarning):
    """A warning from qualcode (issued with :mod:`warnings` when no callback is given)."""


# -- the project and its configuration ----------------------------------------------------------
class ProjectNotFoundError(QualcodeError):
    """No qualcode.yaml in the given folder or any of its parents."""


class ProjectExistsError(QualcodeError):
    """``qualcode init`` was pointed at a folder that is already a project (or not a folder)."""


class ConfigError(QualcodeError):
    """qualcode.yaml is malformed or has unknown or invalid keys."""


class PathError(QualcodeError):
    """A path leaves the project folder, or cannot be used for what was asked."""


# -- the study's files ----------------------------------------------------------------------------
class TranscriptError(QualcodeError):
    """One or more transcripts could not be read."""


class UnreadableFileError(QualcodeError):
    """A transcript file's text cannot be extracted (a scan without text, a broken Word file…);
    raised by a format reader with the reason, reported with the file's name."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.line = line


class CodebookError(QualcodeError):
    """The codebook is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem], message: str | None = None):
        super().__init__(message, problems=problems)


class CodebookEditError(QualcodeError):
    """A rename or merge of codes cannot be done as asked (the codebook is left as it is)."""


class StoreError(QualcodeError):
    """A stored file (codings, audit log, suggestions) cannot be parsed; it is left untouched."""


class SummaryError(QualcodeError):
    """A summary file (``summaries/<case>/<code>.md``) cannot be read or names an unknown cell; it is left untouched."""


class WriteError(QualcodeError):
    """A file could not be written (full disk, no permission, a folder in the way…); nothing was half-written."""


class ModelError(QualcodeError):
    """A learned model (``models/learned.json``) that cannot be read or used."""


class NlpError(QualcodeError):
    """The configured spaCy pipeline could not be built."""


# -- names that do not exist ----------------------------------------------------------------------
class UnknownNameError(QualcodeError, LookupError):
    """A transcript, segment, code, coder, attribute or case that the project does not have."""


class UnknownTranscriptError(UnknownNameError):
    """No transcript with this id; the message names the nearest ids."""


class UnknownSegmentError(UnknownNameError):
    """No segment with this id; the message names the nearest ids of its transcript."""


class UnknownCodeError(UnknownNameError, CodebookError):
    """No code with this id in the codebook (a lookup in the codebook, hence also a CodebookError)."""

    def __init__(self, message: str):
        QualcodeError.__init__(self, message)


class UnknownCoderError(UnknownNameError):
    """No coder of this name has codings (or done marks) in the project."""


class UnknownAttributeError(UnknownNameError):
    """No transcript has an attribute of this name."""


class UnknownCaseError(UnknownNameError):
    """No transcript belongs to a case of this name."""


# -- values and requests that cannot be used ------------------------------------------------------
class InputError(QualcodeError):
    """A value given to a command or function cannot be used (an empty note, a malformed filter…)."""


class AmbiguousCodeError(InputError):
    """What a coder typed in a coding session matches several codes; ``choices`` holds their paths."""

    def __init__(self, typed: str, choices: list[str]):
        self.choices = choices
        shown = ", ".join(choices[:8]) + (f" and {len(choices) - 8} more" if len(choices) > 8 else "")
        super().__init__(f"'{typed}' could be {shown}; type more of it")


class UsageError(InputError):
    """A mistake in how a command was called (exit status 2, like click's usage errors)."""

    exit_code = 2


class CoderIdentityError(QualcodeError):
    """Who is coding is not known: no --coder, no QUALCODE_CODER, no git user name."""


class NewCoderError(CoderIdentityError):
    """A coder name that has no codings file yet, given without ``--new-coder`` (maybe a typo)."""


class AnalysisError(QualcodeError):
    """The study's data cannot give what was asked: no transcripts, too few coders, nothing marked done."""


class ReconcileError(QualcodeError):
    """A reconciliation cannot start or continue as asked."""


class ImportFileError(QualcodeError):
    """A file to import cannot be read as a table of codings."""


class ImportRowsError(QualcodeError):
    """Rows of an import file could not be used; nothing was imported."""


# -- not user errors ------------------------------------------------------------------------------
class UndefinedStatistic(ValueError):
    """A statistic has no value for these data; the message says why (reported as null with a note)."""
