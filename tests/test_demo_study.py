"""The bundled demo study meets the shape the README promises."""

from collections import Counter

import pytest

from qualcode.app.study import open_project
from tests.helpers import REPO


@pytest.fixture(scope="module")
def demo():
    warnings = []
    project = open_project(REPO, warn=warnings.append)
    project.corpus
    return project, warnings


def test_demo_study_loads_without_warnings(demo):
    _, warnings = demo
    assert warnings == []


def test_demo_study_size_and_design(demo):
    project, _ = demo
    transcripts = project.corpus.transcripts
    assert len(transcripts) >= 14
    assert len({t.attributes["case"] for t in transcripts}) >= 6
    roles = {t.attributes["role"] for t in transcripts}
    assert {"teacher", "principal", "district administrator", "coach", "parent"} <= roles
    for t in transcripts:
        words = len(t.text.split())
        assert 900 <= words <= 2500, (t.id, words)
        assert {"case", "participant", "role", "school"} <= set(t.attributes), t.id


def test_demo_study_uses_the_transcript_conventions(demo):
    project, _ = demo
    speakers = Counter(s.speaker for s in project.corpus.segments)
    assert speakers["Q"] and speakers["A"], "a Q:/A: transcript"
    assert speakers["Speaker 2"], "a timestamped [hh:mm:ss] Speaker 2: transcript"
    texts = "\n".join(t.text for t in project.corpus.transcripts)
    assert "[crosstalk]" in texts and " um" in texts.lower()
    front_matter_less = list(transcripts_without_front_matter())
    assert front_matter_less, "some attributes come only from attributes.csv"


def transcripts_without_front_matter():
    for path in (REPO / "transcripts").rglob("*.txt"):
        if not path.read_text(encoding="utf-8").startswith("---"):
            yield path


def test_demo_study_has_case_attributes_for_every_district(demo):
    project, _ = demo
    table = project.corpus.case_table
    assert table.path == REPO / "cases.csv"
    assert set(table.rows) == set(project.corpus.cases()) and len(table.rows) == 7
    assert table.attributes == (
        "locale", "enrollment", "schools", "title1_share", "frl_share", "el_share", "foster_youth",
    )  # fmt: skip
    assert table.numeric == set(table.attributes) - {"locale"}
    assert {table.value(c, "locale") for c in table.rows} <= {"small rural", "large urban", "suburban", "town"}
    assert table.text("Alder Creek", "enrollment") == "12,400" and table.value("Alder Creek", "enrollment") == 12400
    assert table.value("Bayview", "frl_share") == 0.68
    missing = [(c, n) for c in table.rows for n in table.attributes if table.value(c, n) is None]
    assert missing == [("Mesa Verde", "foster_youth")]
