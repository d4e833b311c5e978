"""The corpus and coder-file caches under ``.qualcode/cache/``: a study reads the same with or
without them, an edit (to a transcript, attributes.csv, a setting, a coder file) is seen at once,
and a damaged, stale or unwritable cache never matters."""

from __future__ import annotations

import json

import pytest

import qualcode.coding.store as store_module
import qualcode.study.corpus as corpus_module
from qualcode.app.study import open_project
from qualcode.errors import StoreError
from tests.helpers import INTERVIEW


@pytest.fixture
def root(make_project):
    root = make_project({"a.txt": INTERVIEW, "b.txt": INTERVIEW.replace("AC-T9", "AC-T8"), "c.md": INTERVIEW})
    (root / "transcripts" / "attributes.csv").write_text("transcript,school\na,Juniper Elementary\n")
    return root


def _corpus(root):
    corpus = open_project(root, warn=lambda _m: None).corpus
    return (
        [(t.id, t.display_path, t.text, t.attributes, t.turns, t.body_line, t.format) for t in corpus.transcripts],
        corpus.segments,
    )


def _cache(root, prefix):
    return sorted((root / ".qualcode" / "cache").glob(f"{prefix}-*.json"))


def _no_reading(monkeypatch):
    def fail(*_args, **_kwargs):
        raise AssertionError("a transcript was read again")

    monkeypatch.setattr(corpus_module, "read_transcript", fail)


def test_a_cached_corpus_is_the_corpus(root, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE", "off")
    without = _corpus(root)
    assert not (root / ".qualcode").exists()
    monkeypatch.delenv("QUALCODE_CACHE")
    assert _corpus(root) == without
    assert len(_cache(root, "corpus")) == 1
    _no_reading(monkeypatch)
    assert _corpus(root) == without


def test_only_the_edited_transcript_is_read_again(root, monkeypatch):
    _corpus(root)
    path = root / "transcripts" / "a.txt"
    path.write_text(path.read_text().replace("every Wednesday", "every Tuesday"))
    read = []
    real = corpus_module.read_transcript
    monkeypatch.setattr(corpus_module, "read_transcript", lambda p, *a: read.append(p.name) or real(p, *a))
    texts = [s.text for s in open_project(root).corpus.segments]
    assert read == ["a.txt"]
    assert any("every Tuesday" in t for t in texts)
    monkeypatch.setattr(corpus_module, "read_transcript", real)
    monkeypatch.setenv("QUALCODE_CACHE", "off")
    assert [s.text for s in open_project(root).corpus.segments] == texts


def test_attributes_csv_and_settings_are_never_stale(root, monkeypatch):
    _corpus(root)
    (root / "transcripts" / "attributes.csv").write_text("transcript,school\na,Sycamore Elementary\n")
    assert open_project(root).corpus.transcript("a").attributes["school"] == "Sycamore Elementary"
    (root / "transcripts" / "attributes.csv").write_text("transcript,school\nb,Juniper Elementary\n")
    assert "school" not in open_project(root).corpus.transcript("a").attributes
    turns = len(open_project(root).corpus.segments)  # (the test projects segment by turn)
    config = root / "qualcode.yaml"
    config.write_text("segment_by: paragraph\n")
    assert len(open_project(root).corpus.segments) > turns  # a turn of two paragraphs is two segments now
    assert len(_cache(root, "corpus")) == 1  # the file of the old settings is gone


def test_a_damaged_cache_is_read_afresh_and_replaced(root, monkeypatch):
    expected = _corpus(root)
    (cache,) = _cache(root, "corpus")
    data = json.loads(cache.read_text())
    entry = next(iter(data["files"].values()))
    entry["turns"] = "not turns"
    cache.write_text(json.dumps(data))
    assert _corpus(root) == expected
    cache.write_text("{broken")
    assert _corpus(root) == expected
    assert json.loads(cache.read_text())["format"] == 1


def test_a_file_with_a_problem_is_not_cached_and_still_reported(make_project, cli):
    root = make_project({"a.txt": INTERVIEW, "bad.txt": "---\ncase: [unclosed\n---\nMaria: hello\n"})
    for _ in range(2):
        result = cli("-C", root, "segments")
        assert result.exit_code == 1
        assert "bad.txt:2" in result.stderr
    (cache,) = _cache(root, "corpus")
    assert len(json.loads(cache.read_text())["files"]) == 1


def test_a_read_only_project_reads_without_a_cache(root, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("qualcode.common.cachefiles.atomic_write", refuse)
    assert _corpus(root)[1]
    assert not _cache(root, "corpus")


# -- coder files ---------------------------------------------------------------------------------


def segment(study, prefix):
    (found,) = [s for s in study.corpus.segments if s.transcript == "a" and s.text.startswith(prefix)]
    return found


@pytest.fixture
def coded(root):
    study = open_project(root)
    study.code(segment(study, "We meet every").id, ["collaborative_pl"], "ana")
    study.code(segment(study, "My coach").id, ["coaching"], "ana")
    study.annotate(segment(study, "My coach").id, "a cycle, not a visit", "ana")
    study.code(segment(study, "My coach").id, ["coaching"], "ben")
    study.mark_done(["a"], "ben")
    return root


def _codings(root):
    found = open_project(root).load_codings()
    return found.codings, found.notes, found.done, found.coders


def test_cached_coder_files_read_as_the_files(coded, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE", "off")
    without = _codings(coded)
    monkeypatch.delenv("QUALCODE_CACHE")
    assert _codings(coded) == without
    assert len(_cache(coded, "coder")) == 2

    def fail(*_args, **_kwargs):
        raise AssertionError("a coder file was parsed again")

    monkeypatch.setattr(store_module, "parse_coder_file", fail)
    assert _codings(coded) == without
    assert {c.anchor.quote[:13] for c in without[0]} == {"We meet every", "My coach and "}


def test_a_coding_made_after_the_cache_is_counted(coded):
    _codings(coded)
    study = open_project(coded)
    study.code(segment(study, "We meet").id, ["data_use"], "ben")
    codings = _codings(coded)[0]
    assert ("ben", "data_use") in {(c.coder, c.code) for c in codings}
    assert len(_cache(coded, "coder-ben")) == 1


def test_a_broken_coder_file_is_an_error_though_it_was_cached(coded):
    _codings(coded)
    path = coded / "codings" / "ana.jsonl"
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(StoreError, match=r"ana\.jsonl:\d+: not a valid JSON record"):
        _codings(coded)


def test_a_tampered_coder_cache_entry_is_ignored(coded):
    expected = _codings(coded)
    for cache in _cache(coded, "coder"):
        data = json.loads(cache.read_text())
        data["codings"]["anchor"] = [99] * len(data["codings"]["anchor"])
        cache.write_text(json.dumps(data))
    assert _codings(coded) == expected


def test_codings_of_one_transcript_are_those_of_the_whole_study_there(coded, monkeypatch):
    study = open_project(coded)
    study.code(next(s for s in study.corpus.segments if s.transcript == "b").id, ["coaching"], "ana")
    for cache in ("on", "off"):
        monkeypatch.setenv("QUALCODE_CACHE", cache)
        everything = open_project(coded).load_codings()
        only = open_project(coded).load_codings(transcripts=["a"])
        assert only.codings == [c for c in everything.codings if c.transcript == "a"]
        assert only.notes == everything.notes and only.done == everything.done
        assert only.coders == everything.coders == ["ana", "ben"]


def test_only_the_changed_coder_file_is_parsed_again(coded, monkeypatch):
    _codings(coded)
    study = open_project(coded)
    study.code(segment(study, "We meet").id, ["data_use"], "ben")
    parsed = []
    real = store_module.parse_coder_file
    monkeypatch.setattr(
        store_module, "parse_coder_file", lambda text, path, d: parsed.append(path.name) or real(text, path, d)
    )
    assert ("ben", "data_use") in {(c.coder, c.code) for c in _codings(coded)[0]}
    assert parsed == ["ben.jsonl"]
