"""Who is coding, and lists of coders.

* :func:`resolve_coder`: ``--coder``, else ``QUALCODE_CODER``, else ``git config user.name``.
* :func:`split_coders`: the one rule for a list of coders such as ``--coders ana,ben``:
  comma-separated, spaces around names ignored, no empty names, and names with the same file
  name (``Ana`` and ``ana``, see :func:`~qualcode.coding.records.coder_slug`) counted once.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

from qualcode.coding.records import coder_slug
from qualcode.errors import CoderIdentityError, InputError

ENV_VAR = "QUALCODE_CODER"


def resolve_coder(explicit: str | None, cwd: Path | None = None) -> str:
    """The coder name to record, or an error saying how to set one."""
    for candidate in (explicit, os.environ.get(ENV_VAR)):
        if candidate and candidate.strip():
            return candidate.strip()
    try:
        result = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, cwd=cwd, timeout=5, check=False
        )
        name = result.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
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
