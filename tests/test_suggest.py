"""Suggestions for a small project: evidence, scores, levels, batching, the suggest command."""

import json

import pytest

from qualcode.app.study import open_project
from qualcode.suggest.engine import Evidence, Suggestion

CODEBOOK = """\
name: Suggest
codes:
  - id: collaborative_pl
    label: Collaborative professional learning
    keywords: [professional development]
    children:
      - id: plc
        label: PLCs
        keywords: [professional learning community, PLC]
      - id: coaching
        label: Coaching
        keywords: [coaching cycle]
  - id: data_use
    label: Data use
    keywords: [benchmark, data chat]
  - id: level
    label: Grade level
    exclusive: true
    children:
      - id: primary
        keywords: [kindergarten]
      - id: upper
        keywords: [fifth grade, sixth grade]
"""

TRANSCRIPT = """\
---
case: Alder Creek
role: teacher
---
Interviewer: Do you use the benchmark or a PLC?

Maria Lopez: Our Professional Learning Communities look at every benchmark.

Interviewer: And data chats?

Maria Lopez: We have data chats after the benchmark, and professional development on Fridays in our PLC.

Maria Lopez: The benchmrk came late.

Maria Lopez: I teach kindergarten and fifth grade.
"""


@pytest.fixture
def project(load):
    return load(
        {
            "alder-creek/teacher-01.txt": TRANSCRIPT,
            "bayview/coach-01.txt": "---\ncase: Bayview\n---\nCoach: My coaching cycle.\n",
        },
        codebook=CODEBOOK,
    )


def summary(project, found):
    return [
        (project.corpus.segment_index[s.segment].text[:20], s.code, s.score, [e.rule for e in s.evidence])
        for s in found
    ]


def test_suggest_hand_computed_scores_in_order(project):
    assert summary(project, project.suggest()) == [
        ("Our Professional Lea", "plc", 0.875, ["keyword:professional learning community"]),  # 3 words
        # data chat (0.75) and benchmark (0.5): 1 - 0.25 * 0.5
        ("We have data chats a", "data_use", 0.875, ["keyword:data chat", "keyword:benchmark"]),
        # parent and child in one segment: both, each for its own rule
        ("We have data chats a", "collaborative_pl", 0.75, ["keyword:professional development"]),
        # exclusive parent: fifth grade (0.75) beats kindergarten (0.5), which is dropped
        ("I teach kindergarten", "upper", 0.75, ["keyword:fifth grade"]),
        ("My coaching cycle.", "coaching", 0.75, ["keyword:coaching cycle"]),
        ("Our Professional Lea", "data_use", 0.5, ["keyword:benchmark"]),
        ("We have data chats a", "plc", 0.5, ["keyword:PLC"]),
        ("The benchmrk came la", "data_use", 0.25, ["fuzzy:benchmark~benchmrk"]),  # fuzzy: half of 0.5
    ]


def test_suggest_repeated_rule_counts_once(load):
    project = load({"a.txt": "Teacher: benchmark, benchmark and the benchmark again.\n"}, codebook=CODEBOOK)
    [only] = project.suggest()
    assert (only.score, len(only.evidence)) == (0.5, 3)


def test_suggest_evidence_spans_point_into_the_transcript(project):
    found = project.suggest()
    text = {t.id: t.text for t in project.corpus.transcripts}
    assert all(text[s.transcript][e.start : e.end] == e.text for s in found for e in s.evidence)
    chats = next(s for s in found if s.code == "data_use" and len(s.evidence) == 2)
    start = text["alder-creek/teacher-01"].index("data chats after")
    assert chats.evidence[0] == Evidence("data chats", start, start + 10, "keyword:data chat")


def test_suggest_leaves_out_skipped_speakers(project):
    interviewer = [s.id for s in project.corpus.segments if s.skipped]
    assert len(interviewer) == 2
    assert not [s for s in project.suggest() if s.segment in interviewer]


def test_suggest_code_filter_includes_children_and_min_score(project):
    assert {s.code for s in project.suggest(code="collaborative_pl")} == {"collaborative_pl", "plc", "coaching"}
    assert [s.score for s in project.suggest(code="data_use", min_score=0.5)] == [0.875, 0.5]


def test_suggest_unknown_transcript_or_code_has_did_you_mean(project):
    from qualcode.errors import QualcodeError

    with pytest.raises(
        QualcodeError, match=r"no transcript 'alder-creek/teacher-1' \(did you mean 'alder-creek/teacher-01'\?\)"
    ):
        project.suggest(transcript="alder-creek/teacher-1")
    with pytest.raises(QualcodeError, match=r"no code 'coachng' \(did you mean 'coaching'\?\)"):
        project.suggest(code="coachng")


class SpyNlp:
    """Wraps the pipeline, recording every text sent through ``pipe`` or ``__call__``."""

    def __init__(self, nlp):
        self._nlp = nlp
        self.texts = []
        self.calls = 0

    def __getattr__(self, name):
        return getattr(self._nlp, name)

    def __call__(self, text):
        self.calls += 1
        return self._nlp(text)

    def pipe(self, texts, **kwargs):
        for text in texts:
            self.texts.append(text)
            yield from self._nlp.pipe([text], **kwargs)


def test_suggest_parses_each_segment_once_through_pipe(project):
    spy = SpyNlp(project.nlp)
    project.__dict__["nlp"] = spy
    project.suggest()
    spoken = [s.text for s in project.corpus.segments if not s.skipped]
    keywords = [
        "professional development",
        "professional learning community",
        "PLC",
        "coaching cycle",
        "benchmark",
        "data chat",
        "kindergarten",
        "fifth grade",
        "sixth grade",
    ]
    assert sorted(spy.texts) == sorted(spoken + keywords)
    assert spy.calls == 0


def test_suggestion_json_has_exactly_the_contract_keys():
    s = Suggestion("t#1", "t", "plc", 0.5, (Evidence("PLC", 3, 6, "keyword:PLC"),))
    assert s.to_json() == {
        "segment": "t#1",
        "transcript": "t",
        "code": "plc",
        "score": 0.5,
        "evidence": [{"text": "PLC", "start": 3, "end": 6, "rule": "keyword:PLC"}],
    }


# -- the command ----------------------------------------------------------------------------
def test_cli_suggest_json_table_and_csv(project, cli):
    root = project.root
    result = cli("-C", root, "suggest", "--format", "json", "--transcript", "bayview/coach-01")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows == [
        {
            "segment": project.corpus.segments[-1].id,
            "transcript": "bayview/coach-01",
            "code": "coaching",
            "score": 0.75,
            "evidence": [{"text": "coaching cycle", "start": 10, "end": 24, "rule": "keyword:coaching cycle"}],
        }
    ]
    assert result.stderr == "1 suggestion(s)\n"
    table = cli("-C", root, "suggest", "--transcript", "bayview/coach-01").stdout.splitlines()
    assert table[0].split() == ["score", "code", "segment", "evidence"]
    assert table[2].split() == [
        "0.75",
        "collaborative_pl/coaching",
        rows[0]["segment"],
        "keyword:coaching",
        "cycle",
        "\u201ccoaching",
        "cycle\u201d",
    ]
    csv_lines = cli("-C", root, "suggest", "--format", "csv", "--min-score", "0.8").stdout.splitlines()
    assert csv_lines[0] == "segment,transcript,code,score,evidence"
    assert len(csv_lines) == 1 + 2


def test_cli_suggest_save_stores_pending_but_no_codings(project, cli):
    root = project.root
    result = cli("-C", root, "suggest", "--save", "--code", "data_use")
    assert result.exit_code == 0
    assert "saved 3 pending suggestion(s) to suggestions/pending.jsonl" in result.stderr
    reopened = open_project(root)
    assert sorted((s.code, s.score) for s in reopened.pending_suggestions()) == [
        ("data_use", 0.25),
        ("data_use", 0.5),
        ("data_use", 0.875),
    ]
    assert not (root / "codings").exists()
    # saving another scope keeps these; saving the same scope replaces them
    cli("-C", root, "suggest", "--save", "--code", "coaching")
    assert sorted(s.code for s in open_project(root).pending_suggestions()) == [
        "coaching",
        "data_use",
        "data_use",
        "data_use",
    ]
    cli("-C", root, "suggest", "--save", "--code", "data_use", "--min-score", "0.8")
    assert sorted(s.code for s in open_project(root).pending_suggestions()) == ["coaching", "data_use"]


def test_cli_suggest_missing_model_is_a_clear_error(make_project, cli):
    root = make_project({"a.txt": "Teacher: PLC.\n"}, config="nlp: en_core_web_nonexistent\n", codebook=CODEBOOK)
    result = cli("-C", root, "suggest")
    assert result.exit_code == 1
    assert "spaCy pipeline 'en_core_web_nonexistent' (key 'nlp' in qualcode.yaml) is not installed" in result.stderr
    assert "pip install en_core_web_nonexistent" in result.stderr
