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

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language

from qualcode.common.cachefiles import CACHE_FOLDER, ENV_VAR, cache_enabled, read_cache, source_digest, write_cache

__all__ = ["CACHE_FOLDER", "ENV_VAR", "FORMAT", "ParseCache", "cache_enabled", "fingerprint", "text_key"]

FORMAT = 1


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def fingerprint(codebook_sha256: str, nlp: Language) -> str:
    """Everything besides the text that a parsed segment depends on, as one short hash."""
    import spacy

    from qualcode.suggest import features, matcher

    parts = {
        "format": FORMAT,
        "codebook": codebook_sha256,
        "spacy": spacy.__version__,
        "lang": nlp.lang,
        "pipes": list(nlp.pipe_names),
        "package": [nlp.meta.get("name"), nlp.meta.get("version")],
        "lookups": _lookups_version(),
        "code": source_digest(matcher, features),
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
        data = read_cache(self.path, FORMAT)  # missing or damaged: start afresh
        if data is not None and isinstance(data.get("segments"), dict):
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
        if write_cache(self.path, {"format": FORMAT, "segments": entries}, replaces="parsed-*.json"):
            self._saved = self.added
