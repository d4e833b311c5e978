"""Cache files under ``.qualcode/cache/``: never a source of truth, safe to delete.

Every cache qualcode keeps (parsed segments, parsed coder files, read transcripts) follows the
same rules, kept here: ``QUALCODE_CACHE=off`` turns all of them off; a missing or damaged file
reads as "nothing cached"; a file is written atomically, and failing to write it (a read-only
project, a full disk) is not an error; the folder carries a ``.gitignore`` so git never sees it.
Cache files hold plain JSON data, never code, so a cache from elsewhere can at worst be wrong
about what a file holds when it was tampered with, and each is keyed by its source file's hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from qualcode.common.storage import atomic_write
from qualcode.errors import WriteError

CACHE_FOLDER = ".qualcode/cache"
#: Set to ``off`` (or ``0``, ``no``, ``false``) to read and write no cache.
ENV_VAR = "QUALCODE_CACHE"


def cache_enabled() -> bool:
    return os.environ.get(ENV_VAR, "").strip().lower() not in ("off", "0", "no", "false")


def digest(data: bytes) -> str:
    """A short content hash (for cache keys, not for security)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def source_digest(*sources: Any) -> str:
    """The hash of some modules' source (modules, or their files): a cache made by other code is
    not reused."""
    found = hashlib.blake2b(digest_size=16)
    for source in sources:
        found.update(Path(source if isinstance(source, str | Path) else source.__file__ or "").read_bytes())
    return found.hexdigest()


def read_cache(path: Path, format_version: int) -> dict[str, Any] | None:
    """The cached object at ``path``, or None when it is missing, damaged or of another format."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != format_version:
        return None
    return data


def write_cache(path: Path, data: dict[str, Any], replaces: str | None = None) -> bool:
    """Write ``data`` as JSON at ``path`` (atomically); remove the files matching the glob
    ``replaces`` in the same folder (older versions of the entry). False when it could not be written."""
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    try:
        ignore = path.parent.parent / ".gitignore"
        if path.parent.parent.name == ".qualcode" and not ignore.exists():
            atomic_write(ignore, "# qualcode's cache: safe to delete, never committed\n*\n")
        atomic_write(path, payload)  # (each write removes the folders it made when it fails)
    except (OSError, WriteError):
        return False
    if replaces:
        for other in path.parent.glob(replaces):
            if other != path:
                with contextlib.suppress(OSError):
                    other.unlink()
    return True
