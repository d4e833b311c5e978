"""The parse cache under ``.qualcode/cache/``: the same suggestions with or without it, only changed
text parsed again after an edit, and a cache that is damaged, stale or unwritable never matters."""

from __future__ import annotations

import json
import os

import pytest

from qualcode.app.study import open_project
from tests.helpers import INTERVIEW, MINI_CODEBOOK


def _same(a, b):
    return [(s.segment, s.code, s.score, s.evidence) for s in a] == [
        (s.segment, s.code, s.score, s.evidence) for s in b
    ]


@pytest.fixture
def root(make_project):
    return make_project({"a.txt": INTERVIEW, "b.txt": INTERVIEW.replace("AC-T9", "AC-T8")})


def cache_files(root):
    return sorted((root / ".qualcode" / "cache").glob("parsed-*.json"))


def test_the_second_run_reads_the_cache_and_suggests_the_same(root, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE", "off")
    without = open_project(root).suggest(min_score=0.0)
    monkeypatch.delenv("QUALCODE_CACHE")
    first = open_project(root)
    assert _same(first.suggest(min_score=0.0), without)
    assert first.parse_cache.hits == 0 and len(cache_files(root)) == 1
    second = open_project(root)
    assert _same(second.suggest(min_score=0.0), without)
    segments = [s for s in second.corpus.segments if not s.skipped]
    assert second.parse_cache.hits == len(segments) and second.parse_cache.added == 0
    assert (root / ".qualcode" / ".gitignore").read_text().strip().endswith("*")


def test_after_editing_one_transcript_only_its_changed_segments_are_parsed(root):
    open_project(root).suggest()
    path = root / "transcripts" / "a.txt"
    path.write_text(path.read_text().replace("every Wednesday", "every Tuesday"))
    study = open_project(root)
    study.suggest()
    assert study.parse_cache.added == 1  # the one edited answer
    assert study.parse_cache.hits == len([s for s in study.corpus.segments if not s.skipped]) - 1


def test_a_scoped_run_uses_the_cache_and_gives_the_scoped_suggestions(root, monkeypatch):
    open_project(root).suggest()
    scoped = open_project(root).suggest(code="collaborative_pl", min_score=0.0)
    monkeypatch.setenv("QUALCODE_CACHE", "off")
    assert _same(scoped, open_project(root).suggest(code="collaborative_pl", min_score=0.0))
    assert {s.code for s in scoped} <= {"collaborative_pl", "coaching"}


def test_a_damaged_cache_is_ignored_and_replaced(root):
    open_project(root).suggest()
    (path,) = cache_files(root)
    path.write_text('{"format": 1, "segments": {"x": [1, 2]')
    study = open_project(root)
    assert study.suggest()
    assert json.loads(path.read_text())["format"] == 1
    path.write_text(json.dumps({"format": 1, "segments": dict.fromkeys(json.loads(path.read_text())["segments"], 7)}))
    assert _same(open_project(root).suggest(), study.suggest())  # records that don't fit: parsed again


def test_a_codebook_change_is_a_new_cache_and_the_old_one_goes(root):
    open_project(root).suggest()
    (old,) = cache_files(root)
    book = root / "codebooks" / "district-practices.yaml"
    book.write_text(MINI_CODEBOOK.replace("[coaching cycle]", "[coaching cycle, coach]"))
    study = open_project(root)
    assert any(s.code == "coaching" for s in study.suggest(min_score=0.0))
    assert study.parse_cache.hits == 0
    assert cache_files(root) != [old] and len(cache_files(root)) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_cache_is_no_error(root):
    (root / ".qualcode").mkdir()
    (root / ".qualcode").chmod(0o500)
    try:
        assert open_project(root).suggest()
        assert cache_files(root) == []
    finally:
        (root / ".qualcode").chmod(0o700)


def test_a_cache_folder_that_is_a_file_is_no_error(root, cli):
    (root / ".qualcode").write_text("in the way")
    result = cli("-C", root, "suggest", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert (root / ".qualcode").read_text() == "in the way"
