"""A cache of parsed segments under ``.qualcode/cache/``, so unchanged text is never parsed twice.

What the suggestions need from spaCy for one segment (its rule hits, word count, sentence
spans and, for a learned model, its n-grams; see :class:`~qualcode.suggest.parsed.ParsedSegment`)
depends only on the segment's text, the codebook, the pipeline and the code that matches. The
cache keeps it per segment text (SHA-256), in one JSON file per *fingerprint* of everything else:
the codebook file's hash, the spaCy version, the pipeline (language, components, package name
and version) and the source of the matcher and feature modules. A change to any of these is a
new file; old files are removed when a new one is written.

The cache is never a source of truth: deleting ``.qualcode/`` loses nothing, a damaged file is
ignored (and replaced), and a project where it cannot be written (read-only, a full disk) works
as before, only slower. It is written atomically. ``QUALCODE_CACHE=off`` turns it off. It is
the one thing commands that only report may write, and it lives outside the project's data
(``git`` ignores ``.qualcode/``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from qualcode.common.storage import atomic_write
from qualcode.errors import WriteError

CACHE_FOLDER = ".qualcode/cache"
FORMAT = 1
#: Set to ``off`` (or ``0``, ``no``) to read and write no cache.
ENV_VAR = "QUALCODE_CACHE"


def cache_enabled() -> bool:
    return os.environ.get(ENV_VAR, "").strip().lower() not in ("off", "0", "no", "false")


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def fingerprint(codebook_sha256: str, nlp: Language) -> str:
    """Everything besides the text that a parsed segment depends on, as one short hash."""
    import spacy

    from qualcode.suggest import features, matcher

    sources = hashlib.sha256()
    for module in (matcher, features):
        sources.update(Path(module.__file__ or "").read_bytes())
    parts = {
        "format": FORMAT,
        "codebook": codebook_sha256,
        "spacy": spacy.__version__,
        "lang": nlp.lang,
        "pipes": list(nlp.pipe_names),
        "package": [nlp.meta.get("name"), nlp.meta.get("version")],
        "lookups": _lookups_version(),
        "code": sources.hexdigest(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


def _lookups_version() -> str:
    try:
        from importlib.metadata import version

        return version("spacy-lookups-data")
    except Exception:
        return "none"


@dataclass
class ParseCache:
    """The parsed-segment records of one fingerprint: read once, written back once."""

    path: Path | None  # None: caching is off
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: int = 0
    hits: int = 0
    _loaded: bool = False
    _saved: int = 0  # how many of ``added`` are written already

    @classmethod
    def for_project(cls, root: Path, codebook_sha256: str, nlp: Language) -> ParseCache:
        if not cache_enabled() or not codebook_sha256:
            return cls(None)
        return cls(root / CACHE_FOLDER / f"parsed-{fingerprint(codebook_sha256, nlp)}.json")

    def _load(self) -> None:
        if self._loaded or self.path is None:
            return
        self._loaded = True
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # missing or damaged: start afresh
        if isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("segments"), dict):
            self.entries = data["segments"]

    def get(self, key: str) -> dict[str, Any] | None:
        if self.path is None:
            return None
        self._load()
        record = self.entries.get(key)
        if record is not None:
            self.hits += 1
        return record

    def put(self, key: str, record: dict[str, Any]) -> None:
        if self.path is None:
            return
        self._load()
        self.entries[key] = record
        self.added += 1

    @property
    def dirty(self) -> bool:
        """Records were added since the cache was read or last written."""
        return self.path is not None and self.added != self._saved

    def save(self, keep: set[str] | None = None) -> None:
        """Write the records back (only those whose text is in ``keep``, when given), if anything
        was added; remove the files of other fingerprints. Failing to write is not an error."""
        if not self.dirty or self.path is None:
            return
        entries = self.entries if keep is None else {k: v for k, v in self.entries.items() if k in keep}
        payload = json.dumps({"format": FORMAT, "segments": entries}, separators=(",", ":"), ensure_ascii=False)
        path = self.path
        try:
            ignore = path.parent.parent / ".gitignore"
            if not ignore.exists():
                atomic_write(ignore, "# qualcode's cache: safe to delete, never committed\n*\n")
            atomic_write(path, payload)  # (each write removes the folders it made when it fails)
        except (OSError, WriteError):
            return
        for other in path.parent.glob("parsed-*.json"):
            if other != path:
                with contextlib.suppress(OSError):
                    other.unlink()
        self._saved = self.added
