"""Evaluation against a gold coder: hand-computed precision, recall and F1."""

import json

import pytest
from sklearn.metrics import precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer

from qualcode.app.study import open_project
from qualcode.errors import QualcodeError
from qualcode.suggest.evaluate import Scores, score_labels

# six units: TP/FP/FN per code worked out by hand below
GOLD = {"u1": {"A"}, "u2": {"A", "B"}, "u3": {"B"}, "u4": set(), "u5": {"C"}, "u6": {"A"}}
PRED = {"u1": {"A"}, "u2": {"A"}, "u3": {"B", "A"}, "u4": {"B"}, "u5": set(), "u6": set(), "elsewhere": {"C"}}


def test_score_labels_hand_computed_six_units():
    result = score_labels(GOLD, PRED, order=["A", "B", "C"])
    assert result.codes == {
        "A": Scores(0.6667, 0.6667, 0.6667, 3, tp=2, fp=1, fn=1),  # u1 u2 hit, u3 extra, u6 missed
        "B": Scores(0.5, 0.5, 0.5, 2, tp=1, fp=1, fn=1),  # u3 hit, u4 extra, u2 missed
        "C": Scores(0.0, 0.0, 0.0, 1, tp=0, fp=0, fn=1),  # never predicted (u5 missed; "elsewhere" is no unit)
    }
    assert result.micro == Scores(0.6, 0.5, 0.5455, 6, tp=3, fp=2, fn=3)  # 3/5, 3/6
    assert result.macro == Scores(0.3889, 0.3889, 0.3889, 6)
    assert result.notes == ["never predicted (precision 0.00): C"]
    assert result.to_json()["micro"] == {"precision": 0.6, "recall": 0.5, "f1": 0.5455, "support": 6}


def test_score_labels_agrees_with_scikit_learn():
    units = sorted(GOLD)
    binarizer = MultiLabelBinarizer(classes=["A", "B", "C"])
    y_true = binarizer.fit_transform([GOLD[u] for u in units])
    y_pred = binarizer.transform([PRED[u] for u in units])
    result = score_labels(GOLD, PRED, order=["A", "B", "C"])
    for average, ours in (("micro", result.micro), ("macro", result.macro)):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
        assert (ours.precision, ours.recall, ours.f1) == (round(p, 4), round(r, 4), round(f, 4))


CODEBOOK = """\
name: Eval
codes:
  - id: collaborative_pl
    children:
      - id: plc
        keywords: [PLC]
      - id: coaching
        keywords: [coaching cycle]
  - id: data_use
    keywords: [data chat]
"""

TRANSCRIPT = """\
---
case: Alder Creek
---
Interviewer: Our PLC and data chats?

Maria Lopez: Our PLC meets on Fridays.

Maria Lopez: We hold data chats on Mondays.

Maria Lopez: My coaching cycle came up.

Maria Lopez: We talked about the weather.
"""


@pytest.fixture
def study(make_project):
    root = make_project(
        {"a/teacher.txt": TRANSCRIPT, "b/teacher.txt": "---\ncase: B\n---\nTeacher: PLC again.\n"}, codebook=CODEBOOK
    )
    project = open_project(root)
    interviewer, s1, s2, s3, s4 = [s.id for s in project.corpus.segments_by_transcript["a/teacher"]]
    # gold: s1 parent level, s2 data_use + plc, s3 nothing, s4 data_use; the interviewer's turn is no unit
    for seg, codes in (
        (s1, ["collaborative_pl"]),
        (s2, ["data_use", "plc"]),
        (s4, ["data_use"]),
        (interviewer, ["data_use"]),
    ):
        project.code(seg, codes, "gold")
    project.mark_done(["a/teacher"], "gold")
    project.code(s1, ["plc"], "ben")
    project.code(s2, ["data_use"], "ben")
    return root, (s1, s2, s3, s4)


def test_evaluate_suggestions_rolled_up_to_top_level(study):
    root, _ = study
    result = open_project(root).evaluate(gold="gold", min_score=0.0)
    # suggestions: s1 plc, s2 data_use, s3 coaching (b/teacher is not done by gold: left out)
    assert {code: (s.tp, s.fp, s.fn) for code, s in result.codes.items()} == {
        "collaborative_pl": (1, 1, 1),  # s1 hit (plc -> collaborative_pl); s3 extra; s2 missed
        "data_use": (1, 0, 1),  # s2 hit; s4 missed
    }
    as_json = result.to_json()
    assert {k: as_json[k] for k in ("part", "units", "transcripts", "codes", "micro", "macro", "min_score")} == {
        "part": "all",
        "units": 4,
        "transcripts": 1,
        "codes": {
            "collaborative_pl": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2},
            "data_use": {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2},
        },
        "micro": {"precision": 0.6667, "recall": 0.5, "f1": 0.5714, "support": 4},
        "macro": {"precision": 0.75, "recall": 0.5, "f1": 0.5833, "support": 4},
        "min_score": 0.0,
    }
    # calibration: ten bins holding the three suggestions; two of them right at top level
    bins = as_json["calibration"]
    assert [(b["low"], b["high"]) for b in bins] == [(n / 10, (n + 1) / 10) for n in range(10)]
    assert sum(b["suggestions"] for b in bins) == 3
    right = sum(round(b["observed"] * b["suggestions"]) for b in bins if b["suggestions"])
    assert right == 2
    assert 0 <= as_json["calibration_error"] <= 1


def test_evaluate_exact_codes_at_level_all(study):
    root, _ = study
    result = open_project(root).evaluate(gold="gold", level="all")
    assert {code: (s.tp, s.fp, s.fn) for code, s in result.codes.items()} == {
        "collaborative_pl": (0, 0, 1),
        "plc": (0, 1, 1),
        "coaching": (0, 1, 0),
        "data_use": (1, 0, 1),
    }
    assert result.micro.to_json() == {"precision": 0.3333, "recall": 0.25, "f1": 0.2857, "support": 4}
    assert result.macro.to_json() == {"precision": 0.25, "recall": 0.125, "f1": 0.1667, "support": 4}
    assert result.notes == ["never predicted (precision 0.00): collaborative_pl"]


def test_evaluate_min_score_drops_weak_suggestions(study):
    root, _ = study
    project = open_project(root)
    # the weakest suggestion ("Our PLC meets on Fridays", one word in a short answer) goes
    scores = {project.corpus.segment_index[s.segment].text[:7]: s.score for s in project.suggest(min_score=0.0)}
    weakest = min(scores.values())
    assert scores["Our PLC"] == weakest
    result = project.evaluate(gold="gold", min_score=weakest + 0.0001)
    assert {code: (s.tp, s.fp, s.fn) for code, s in result.codes.items()} == {
        "collaborative_pl": (0, 1, 2),
        "data_use": (1, 0, 1),
    }


def test_evaluate_another_coder_over_the_same_units(study):
    root, _ = study
    result = open_project(root).evaluate(gold="gold", coder="ben")
    assert {code: (s.tp, s.fp, s.fn) for code, s in result.codes.items()} == {
        "collaborative_pl": (1, 0, 1),
        "data_use": (1, 0, 1),
    }
    assert result.notes == [
        "ben has not marked 1 of these 1 transcripts done; their uncoded segments count as 'code absent'"
    ]


def test_evaluate_needs_done_transcripts_and_known_coders(make_project):
    root = make_project({"a/teacher.txt": TRANSCRIPT}, codebook=CODEBOOK)
    project = open_project(root)
    project.code(project.corpus.segments[1].id, ["plc"], "gold")
    with pytest.raises(QualcodeError) as caught:
        project.evaluate(gold="gold")
    assert str(caught.value) == (
        "coder 'gold' has marked no transcript done, so there is nothing to evaluate against; "
        "mark the fully coded ones with `qualcode done TRANSCRIPT --coder gold`"
    )
    with pytest.raises(QualcodeError, match=r"no codings by coder 'gold2' \(did you mean 'gold'\?\)"):
        project.evaluate(gold="gold2")


def test_cli_evaluate_table_and_json(study, cli):
    root, _ = study
    result = cli("-C", root, "evaluate", "--gold", "gold", "--min-score", "0")
    assert result.exit_code == 0
    assert result.stdout.split("\n\ncalibration")[0] + "\n" == (
        "code              precision  recall  f1    support\n"
        "----------------  ---------  ------  ----  -------\n"
        "collaborative_pl  0.50       0.50    0.50  2\n"
        "data_use          1.00       0.50    0.67  2\n"
        "micro             0.67       0.50    0.57  4\n"
        "macro             0.75       0.50    0.58  4\n"
        "\n"
        "part: all; 4 segments in 1 transcripts done by gold; predictions: suggestions (min score 0.00); level: top\n"
    )
    assert "calibration (every suggestion, whatever its score):" in result.stdout
    as_json = cli("-C", root, "evaluate", "--gold", "gold", "--coder", "ben", "--level", "all", "--format", "json")
    data = json.loads(as_json.stdout)
    assert list(data) == ["part", "units", "transcripts", "codes", "micro", "macro"]  # no calibration for a coder
    assert data["codes"]["plc"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert "note: ben has not marked 1 of these 1 transcripts done" in as_json.stderr
    missing = cli("-C", root, "evaluate")
    assert missing.exit_code == 2 and "Missing option '--gold'" in missing.stderr
