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


def test_suggest_finds_each_rule_and_sorts_by_score(project):
    found = project.suggest(min_score=0.0)
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert sorted((text, code, rules) for text, code, _, rules in summary(project, found)) == sorted(
        [
            ("Our Professional Lea", "plc", ["keyword:professional learning community"]),
            ("Our Professional Lea", "data_use", ["keyword:benchmark"]),
            ("We have data chats a", "data_use", ["keyword:data chat", "keyword:benchmark"]),
            # parent and child in one segment: both, each for its own rule
            ("We have data chats a", "collaborative_pl", ["keyword:professional development"]),
            ("We have data chats a", "plc", ["keyword:PLC"]),
            # exclusive parent: one child only, the best scored (two words beat one)
            ("I teach kindergarten", "upper", ["keyword:fifth grade"]),
            ("My coaching cycle.", "coaching", ["keyword:coaching cycle"]),
            ("The benchmrk came la", "data_use", ["fuzzy:benchmark~benchmrk"]),
        ]
    )


def test_suggest_score_is_the_calibrated_rule_score_of_hand_computed_features(project):
    import math

    from qualcode.suggest.scoring import default_scorer

    [coach] = project.suggest(transcript="bayview/coach-01")
    # "My coaching cycle.": one two-word keyword, 3 words (density counts 20), one sentence
    features = dict.fromkeys(default_scorer().weights, 0.0)
    features.update(
        kw2=math.log1p(1),
        own=math.log1p(1),
        density=math.log1p(100 * 1 / 20),
        single=1.0,
        spread=1.0,
        share=1.0,
        length=math.log2(1 + 3),
    )
    scorer = default_scorer()
    z = scorer.intercept + sum(scorer.weights[name] * value for name, value in features.items())
    assert coach.score == round(1 / (1 + math.exp(-z)), 4)


def test_suggest_more_and_more_specific_evidence_scores_higher(project):
    scores = {(s.segment, s.code): s.score for s in project.suggest(min_score=0.0)}
    by_text = {project.corpus.segment_index[seg].text[:20]: seg for seg, _ in scores}
    two_rules = scores[(by_text["We have data chats a"], "data_use")]
    one_rule = scores[(by_text["Our Professional Lea"], "data_use")]
    misspelt = scores[(by_text["The benchmrk came la"], "data_use")]
    assert two_rules > one_rule
    assert misspelt < scores[(by_text["My coaching cycle."], "coaching")]


def test_suggest_repeated_rule_counts_once(load):
    from qualcode.suggest.matcher import RuleSet
    from qualcode.suggest.parsed import parse_segments

    project = load({"a.txt": "Teacher: benchmark, benchmark and the benchmark again.\n"}, codebook=CODEBOOK)
    [only] = project.suggest(min_score=0.0)
    assert len(only.evidence) == 3
    [parsed] = parse_segments(project.corpus.segments, project.nlp, RuleSet(project.codebook, project.nlp))
    features = parsed.features(project.codebook, ["data_use"])
    assert features["kw1"] == round(__import__("math").log1p(1), 6)  # one rule, whatever its repeats
    assert features["single"] == 0.0  # three spans of evidence


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
    everything = [s.score for s in project.suggest(code="data_use", min_score=0.0)]
    strong = [s.score for s in project.suggest(code="data_use", min_score=0.9)]
    assert strong == [x for x in everything if x >= 0.9]
    assert len(everything) == 3 and 0 < len(strong) < 3


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
    [expected] = project.suggest(transcript="bayview/coach-01")
    assert rows == [
        {
            "segment": project.corpus.segments[-1].id,
            "transcript": "bayview/coach-01",
            "code": "coaching",
            "score": expected.score,
            "evidence": [{"text": "coaching cycle", "start": 10, "end": 24, "rule": "keyword:coaching cycle"}],
        }
    ]
    assert result.stderr == "1 suggestion(s)\n"
    table = cli("-C", root, "suggest", "--transcript", "bayview/coach-01").stdout.splitlines()
    assert table[0].split() == ["score", "code", "segment", "evidence"]
    assert table[2].split() == [
        f"{expected.score:.2f}",
        "collaborative_pl/coaching",
        rows[0]["segment"],
        "keyword:coaching",
        "cycle",
        "\u201ccoaching",
        "cycle\u201d",
    ]
    csv_lines = cli("-C", root, "suggest", "--format", "csv", "--min-score", "0.9").stdout.splitlines()
    assert csv_lines[0] == "segment,transcript,code,score,evidence"
    assert len(csv_lines) == 1 + len(project.suggest(min_score=0.9))


def test_cli_suggest_save_stores_pending_but_no_codings(project, cli):
    root = project.root
    result = cli("-C", root, "suggest", "--save", "--code", "data_use")
    assert result.exit_code == 0
    assert "saved 3 pending suggestion(s) to suggestions/pending.jsonl" in result.stderr
    reopened = open_project(root)
    assert sorted((s.code, s.score) for s in reopened.pending_suggestions()) == sorted(
        (s.code, s.score) for s in project.suggest(code="data_use")
    )
    assert not (root / "codings").exists()
    # saving another scope keeps these; saving the same scope replaces them
    cli("-C", root, "suggest", "--save", "--code", "coaching")
    assert sorted(s.code for s in open_project(root).pending_suggestions()) == [
        "coaching",
        "data_use",
        "data_use",
        "data_use",
    ]
    scores = sorted(s.score for s in project.suggest(code="data_use", min_score=0.0))
    middle = str(scores[1])
    strong = len(project.suggest(code="data_use", min_score=scores[1]))
    assert 0 < strong < 3
    cli("-C", root, "suggest", "--save", "--code", "data_use", "--min-score", middle)
    assert sorted(s.code for s in open_project(root).pending_suggestions()) == ["coaching"] + ["data_use"] * strong


def test_cli_suggest_missing_model_is_a_clear_error(make_project, cli):
    root = make_project({"a.txt": "Teacher: PLC.\n"}, config="nlp: en_core_web_nonexistent\n", codebook=CODEBOOK)
    result = cli("-C", root, "suggest")
    assert result.exit_code == 1
    assert "spaCy pipeline 'en_core_web_nonexistent' (key 'nlp' in qualcode.yaml) is not installed" in result.stderr
    assert "pip install en_core_web_nonexistent" in result.stderr
