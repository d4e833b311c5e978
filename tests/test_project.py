import os

import pytest

from qualcode.app.study import open_project
from qualcode.errors import ConfigError, ProjectNotFoundError, QualcodeError
from qualcode.study.config import DEFAULT_SPEAKERS_TO_SKIP, Config, parse_config


def test_project_defaults():
    assert parse_config("") == Config()
    assert Config().codebook == "codebooks/district-practices.yaml"
    assert Config().segment_by == "turn" and Config().case_attribute == "case"
    assert "Interviewer" in DEFAULT_SPEAKERS_TO_SKIP and "Q" in DEFAULT_SPEAKERS_TO_SKIP


def test_project_unknown_key_suggests_the_right_one():
    with pytest.raises(ConfigError) as info:
        parse_config("segment_by: turn\nspeakers_to_skp: [Q]\n")
    assert str(info.value) == "qualcode.yaml:2: unknown key 'speakers_to_skp' (did you mean 'speakers_to_skip'?)"


def test_project_every_bad_value_is_reported():
    with pytest.raises(ConfigError) as info:
        parse_config("segment_by: paragrap\nspeakers_to_skip: Q\ncodebook: ../elsewhere.yaml\n")
    lines = str(info.value).splitlines()
    assert lines == [
        "qualcode.yaml:1: 'segment_by' must be one of turn, paragraph, sentence, not 'paragrap' (did you mean 'paragraph'?)",
        "qualcode.yaml:2: 'speakers_to_skip' must be a list of speaker labels, e.g. [Interviewer, Q]",
        "qualcode.yaml:3: 'codebook' must be a path inside the project, not '../elsewhere.yaml'",
    ]


def test_project_found_in_a_parent_folder(make_project, monkeypatch):
    root = make_project({"a.txt": "Q: hi\n"})
    deep = root / "transcripts" / "deeper"
    deep.mkdir()
    monkeypatch.chdir(deep)
    assert open_project().root == root.resolve()


def test_project_missing_says_how_to_create_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProjectNotFoundError, match=r"no qualcode.yaml in .* or any parent folder.*qualcode init DIR"):
        open_project()
    with pytest.raises(ProjectNotFoundError, match=r"no qualcode.yaml here"):
        open_project(tmp_path)


def test_project_paths_stay_inside(make_project):
    project = open_project(make_project())
    with pytest.raises(QualcodeError, match="outside the project folder"):
        project.path("../../etc/passwd")
    assert project.path("reports/x.html") == project.root / "reports" / "x.html"


def test_project_missing_transcripts_folder(make_project):
    root = make_project()
    os.rmdir(root / "transcripts")
    with pytest.raises(QualcodeError, match="transcripts folder 'transcripts' does not exist"):
        open_project(root).corpus.transcripts
