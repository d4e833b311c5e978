"""Who is coding, and lists of coders.

* :func:`resolve_coder`: ``--coder``, else ``QUALCODE_CODER``, else ``git config user.name``
  (:func:`find_coder` also says which of the three it was, so the CLI can announce the git fallback).
* :func:`check_new_coder`: a name that has no file in ``codings/`` yet is a *new* coder, refused
  (with a did-you-mean against the known coders) unless the caller allows new coders: a typo
  such as ``--coder anna`` must not silently start a coder.
* :func:`split_coders`: the one rule for a list of coders such as ``--coders ana,ben``:
  comma-separated, spaces around names ignored, no empty names, and names with the same file
  name (``Ana`` and ``ana``, see :func:`~qualcode.coding.records.coder_slug`) counted once.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.coding.records import coder_slug
from qualcode.coding.store import CodingStore
from qualcode.common.didyoumean import closest, hint
from qualcode.common.storage import locked, remove_together
from qualcode.errors import CoderIdentityError, InputError, NewCoderError, StoreError, UnknownCoderError, UsageError

ENV_VAR = "QUALCODE_CODER"
#: Where :func:`find_coder` found the name.
FROM_OPTION, FROM_ENV, FROM_GIT = "option", "env", "git"


def resolve_coder(explicit: str | None, cwd: Path | None = None) -> str:
    """The coder name to record, or an error saying how to set one."""
    return find_coder(explicit, cwd)[0]


#: The longest coder name: it becomes a file name (``codings/<slug>.jsonl``) on every system.
MAX_CODER_NAME = 64
_WHERE = {FROM_OPTION: "--coder", FROM_ENV: f"${ENV_VAR}", FROM_GIT: "git config user.name"}


def check_coder_name(name: str, source: str = FROM_OPTION) -> str:
    """``name`` stripped, or a usage error saying what is wrong with it and where it came from.

    A coder name is one line of at most :data:`MAX_CODER_NAME` characters, without slashes or
    control characters, with at least one letter or digit (it names the coder's file).
    """
    where = _WHERE.get(source, source)
    stripped = name.strip()
    if not stripped:
        raise UsageError(f"{where} is empty; give a coder name, e.g. --coder ana")
    if any(ord(c) < 32 or ord(c) == 127 for c in stripped):
        raise UsageError(f"{where} {stripped!r} contains a line break or control character; use one line, e.g. 'ana'")
    if "/" in stripped or "\\" in stripped:
        raise UsageError(f"{where} '{stripped}' contains a slash; coder names name files, use e.g. 'ana-ruiz'")
    if len(stripped) > MAX_CODER_NAME:
        raise UsageError(f"{where} is {len(stripped)} characters long; use at most {MAX_CODER_NAME}")
    if not any(c.isalnum() for c in stripped):
        raise UsageError(f"{where} '{stripped}' has no letters or digits; use a name like 'ana' or 'Ana Ruiz'")
    return stripped


def find_coder(explicit: str | None, cwd: Path | None = None) -> tuple[str, str]:
    """``(name, where from)``: ``option``, ``env`` (``QUALCODE_CODER``) or ``git`` (user.name).

    A name that is given but unusable (empty ``--coder ""``, a line break, a slash, too long) is
    a usage error, never a silent fall back to the next source.
    """
    if explicit is not None:
        return check_coder_name(explicit, FROM_OPTION), FROM_OPTION
    env = os.environ.get(ENV_VAR)
    if env is not None and env != "":
        return check_coder_name(env, FROM_ENV), FROM_ENV
    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, cwd=cwd, timeout=5, check=False
        )
        name = result.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return check_coder_name(name, FROM_GIT), FROM_GIT
    raise CoderIdentityError(
        "who is coding? Pass --coder NAME, or set QUALCODE_CODER=NAME, "
        'or set your git name with `git config --global user.name "Your Name"`'
    )


def split_coders(value: str | Iterable[str]) -> list[str]:
    """``"ana, ben,Ana"`` (or a list of names) -> ``["ana", "ben"]``; an empty name is an error."""
    raw = value.split(",") if isinstance(value, str) else list(value)
    names: dict[str, str] = {}
    for item in raw:
        name = item.strip()
        if not name:
            shown = value if isinstance(value, str) else ",".join(raw)
            raise InputError(f"'{shown}' has an empty name; separate names with commas, e.g. ana,ben")
        names.setdefault(coder_slug(name), name)
    return list(names.values())


def known_coders(store: CodingStore) -> list[str]:
    """The coders with a file in ``codings/`` (by file name: ``ana``, ``ana-ruiz``)."""
    return [path.stem for path in store.files()]


def is_known_coder(store: CodingStore, name: str) -> bool:
    return store.path_for(name).exists()


def check_new_coder(store: CodingStore, name: str, allow_new: bool = False) -> bool:
    """True when ``name`` is a new coder (no file yet) and ``allow_new``; False when known.

    A new name that is not allowed raises :class:`NewCoderError`, naming the nearest known
    coder and how to start a new one.
    """
    if is_known_coder(store, name):
        return False
    if allow_new:
        return True
    known = known_coders(store)
    near = closest(coder_slug(name), known, cutoff=70)
    hint = f" (did you mean '{near[0]}'?)" if near else ""
    listed = ", ".join(known) if known else "none yet"
    raise NewCoderError(
        f"'{name}' is a new coder{hint}; coders in this project: {listed}. "
        f"To start coding as '{name}', pass --new-coder"
    )


@dataclass
class RemovedCoder:
    """What :func:`remove_coder` deleted."""

    coder: str
    codings: int = 0
    notes: int = 0
    done: int = 0
    paths: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.codings} coding(s), {self.notes} note(s), {self.done} done mark(s)"


def remove_coder(store: CodingStore, name: str, force: bool = False) -> RemovedCoder:
    """Delete a coder's file and audit log together, under the store's lock.

    Refused (a :class:`StoreError`) when the coder has codings, notes or done marks, unless
    ``force``; an unknown name is an :class:`UnknownCoderError` with a did-you-mean.
    """
    path = store.path_for(name)
    if not path.exists():
        known = known_coders(store)
        raise UnknownCoderError(
            f"no coder '{name}'{hint(coder_slug(name), known)}; coders in this project: {', '.join(known) or 'none'}"
        )
    with locked(store.lock_path, store.display(store.lock_path)):
        try:
            found = store.read_path(path)
            removed = RemovedCoder(found.coder, len(found.codings), len(found.notes), len(found.done))
        except StoreError:
            if not force:
                raise
            removed = RemovedCoder(name)  # a broken file, removed as asked
        if (removed.codings or removed.notes or removed.done) and not force:
            raise StoreError(
                f"coder '{removed.coder}' has {removed.describe()} in {store.display(path)}; "
                f"pass --force to delete them with the coder"
            )
        removed.paths = [p for p in (path, store.log_path(name)) if p.exists()]
        remove_together(removed.paths, {p: store.display(p) for p in removed.paths})
    return removed
