"""Who is coding: ``--coder``, else ``QUALCODE_CODER``, else ``git config user.name``."""

from __future__ import annotations

import os
import subprocess

from qualcode.errors import QualcodeError

ENV_VAR = "QUALCODE_CODER"


def resolve_coder(explicit: str | None, cwd=None) -> str:
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
    raise QualcodeError(
        "who is coding? Pass --coder NAME, or set QUALCODE_CODER=NAME, "
        "or set your git name with `git config --global user.name \"Your Name\"`"
    )
