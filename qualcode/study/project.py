"""A project folder: where it is, its validated ``qualcode.yaml``, and the paths of its parts.

This is the one place that knows the folder layout, and it holds nothing else: the loaded
corpus, codebook, codings and pipeline belong to :class:`qualcode.app.study.Study`, which passes
them to the stages explicitly. :func:`locate_project` finds a project (explicitly, or the nearest
parent like git does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from qualcode.errors import ConfigError, PathError, ProjectNotFoundError, UsageError, WriteError
from qualcode.study.config import CONFIG_FILE, Config, parse_config

#: Folders holding the project's own data: outputs never go there.
CODINGS_FOLDER = "codings"
SUGGESTIONS_FOLDER = "suggestions"
MEMOS_FOLDER = "memos"
MODELS_FOLDER = "models"
#: where ``qualcode learn`` writes the learned model, and where ``suggest`` looks for it
LEARNED_MODEL = "models/learned.json"


@dataclass(frozen=True)
class Project:
    """A project's root folder and settings; every path of the project comes from here."""

    root: Path
    config: Config

    def path(self, relative: str | Path) -> Path:
        """Resolve a project-relative path, refusing anything that escapes the project.

        The check is lexical (``..`` and absolute paths), so a symlink the user made on
        purpose, e.g. to a shared transcripts folder, keeps working.
        """
        resolved = Path(os.path.normpath(self.root / relative))
        if not resolved.is_relative_to(self.root):
            raise PathError(f"path '{relative}' is outside the project folder {self.root}; use a path inside it")
        return resolved

    def output_path(self, output: str | Path, allow: str | None = None) -> Path:
        """Where ``-o`` writes: an absolute path as given; a relative one inside the project.

        Refused, each with a message naming the path: an empty name; a folder; anything that
        exists and is not a regular file (a device, a pipe); a relative path that leaves the
        project through a symlink; an absolute path whose folder does not exist; and the
        project's own data (qualcode.yaml, the codebook, transcripts, codings, suggestions,
        memos, models), except the one data folder ``allow`` that the command writes into.
        """
        text = str(output)
        if not text.strip():
            raise UsageError("-o needs a file name, e.g. -o reports/out.csv")
        path = Path(output)
        target = path if path.is_absolute() else self.path(path)
        if target.is_dir():
            raise WriteError(
                f"cannot write {text}: is a directory; give a file name in it, e.g. -o {Path(text) / 'out'}"
            )
        if os.path.lexists(target) and not target.is_file():
            raise WriteError(
                f"refusing to write {text}: it is not a regular file (a device, pipe, socket or broken link); "
                "choose another file"
            )
        if path.is_absolute():
            if not target.parent.is_dir():
                raise WriteError(f"cannot write {text}: the folder {target.parent} does not exist; create it first")
        else:
            real = target.parent.resolve() / target.name
            if not real.is_relative_to(self.root.resolve()):
                raise PathError(
                    f"-o {text} leads outside the project folder through a symlink ({real}); use a path inside it"
                )
        self._refuse_project_data(target, text, allow)
        return target

    def _refuse_project_data(self, target: Path, text: str, allow: str | None) -> None:
        real = target.resolve()
        root = self.root.resolve()
        protected = {
            CONFIG_FILE: root / CONFIG_FILE,
            "the codebook": (self.root / self.config.codebook).resolve(),
            self.config.transcripts + "/": (self.root / self.config.transcripts).resolve(),
            CODINGS_FOLDER + "/": root / CODINGS_FOLDER,
            SUGGESTIONS_FOLDER + "/": root / SUGGESTIONS_FOLDER,
            MEMOS_FOLDER + "/": root / MEMOS_FOLDER,
            MODELS_FOLDER + "/": root / MODELS_FOLDER,
        }
        allowed = (root / allow).resolve() if allow is not None else None
        for name, place in protected.items():
            if allowed is not None and place.is_relative_to(allowed):
                continue
            if real == place or real.is_relative_to(place):
                raise UsageError(
                    f"-o {text} would overwrite the project's own data ({name}); write outputs elsewhere, "
                    "e.g. under reports/ or exports/"
                )

    def display(self, path: Path | str) -> str:
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
        return self.path(CODINGS_FOLDER)

    @property
    def suggestions_dir(self) -> Path:
        return self.path(SUGGESTIONS_FOLDER)

    @property
    def memos_dir(self) -> Path:
        return self.path(MEMOS_FOLDER)

    @property
    def summaries_dir(self) -> Path:
        return self.path(self.config.summaries)

    @property
    def model_path(self) -> Path:
        return self.path(LEARNED_MODEL)


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


def locate_project(directory: str | Path | None = None) -> Project:
    """The project at ``directory`` (must hold qualcode.yaml) or above the current folder."""
    if directory is not None:
        root = Path(directory).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise ProjectNotFoundError(
                f"{directory}: no {CONFIG_FILE} here; create a project with `qualcode init {directory}`"
            )
    else:
        root = find_project_root(Path.cwd())
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE}: cannot read the project file: {exc}") from None
    return Project(root, parse_config(text, CONFIG_FILE))
