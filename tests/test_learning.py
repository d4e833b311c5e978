"""Learning from the team's coding, the evaluation split, calibration and cross-validation."""

from __future__ import annotations

import json
import math

import pytest

from qualcode.app.study import open_project
from qualcode.suggest.calibrate import calibration_error, reliability
from qualcode.suggest.features import rule_features
from qualcode.suggest.matcher import Hit, Rule
from qualcode.suggest.scoring import rule_factors
from qualcode.suggest.store import Decision
from tests.helpers import REPO

# "families" has no keywords at all: only a learned model can suggest it
CODEBOOK = """\
name: Learning
codes:
  - id: collaboration
    label: Teachers working together
    definition: Teachers plan lessons and look at student work together as a team.
    keywords: [team]
  - id: families
    label: Families as partners
    definition: Parents and families take part in their children's schooling.
    examples: [Parents came to the evening meeting and told us what homework was like at home.]
"""

FAMILY = [
    "Parents came to the evening meeting about homework.",
    "We call parents at home every week in Spanish.",
    "The mothers asked for the newsletter in their language.",
    "Families visit the classroom on Friday mornings.",
    "A father told us the meeting times did not work for parents.",
    "Parents helped choose the reading books for home.",
]
TEAM = [
    "Our team plans the fractions unit on Tuesday.",
    "The grade team looks at student work together.",
    "Our team sorted the essays into three piles.",
    "We plan lessons as a team every week.",
    "The team watched a colleague teach a lesson.",
    "My team shares one planning period.",
]
OTHER = [
    "The bus arrives at seven fifteen.",
    "The gym roof was repaired last summer.",
    "Enrollment went up by forty students.",
    "The cafeteria serves breakfast at eight.",
    "The board meets on the second Monday.",
    "The parking lot is being repaved.",
]


def interview(case: str, lines: list[str]) -> str:
    turns = [f"Interviewer: Question {n}?\n\nTeacher: {line}\n" for n, line in enumerate(lines)]
    return f"---\ncase: {case}\n---\n" + "\n".join(turns)


@pytest.fixture
def project(make_project):
    transcripts = {}
    for n, case in enumerate(("a", "b", "c", "d")):
        lines = [FAMILY[(n + i) % 6] for i in range(3)] + [TEAM[(n + i) % 6] for i in range(3)]
        lines += [OTHER[(n + i) % 6] for i in range(3)]
        transcripts[f"{case}/teacher.txt"] = interview(case.upper(), lines)
    transcripts["new/teacher.txt"] = interview("New", ["Parents told us at the evening meeting about home."])
    root = make_project(
        transcripts,
        config="segment_by: turn\nevaluation:\n  dev: [a/*, b/*]\n  test: [c/*, d/*]\n",
        codebook=CODEBOOK,
    )
    study = open_project(root)
    for transcript in ("a/teacher", "b/teacher", "c/teacher", "d/teacher"):
        for segment in study.corpus.segments_by_transcript[transcript]:
            if segment.skipped:
                continue
            if segment.text in FAMILY:
                study.code(segment.id, ["families"], "ana")
            elif segment.text in TEAM:
                study.code(segment.id, ["collaboration"], "ana")
        study.mark_done([transcript], "ana")
    return root


def read_model(root):
    return json.loads((root / "models" / "learned.json").read_text(encoding="utf-8"))


def test_learn_writes_a_readable_model_and_reports_each_code(project, cli):
    result = cli("-C", project, "learn", "--part", "all")
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split()
    assert header == ["code", "positives", "negatives", "cv_precision", "cv_recall", "cv_f1", "rules_f1", "status"]
    assert "wrote models/learned.json" in result.stderr
    model = read_model(project)
    assert model["format"] == "qualcode-learned-model" and model["version"] == 1
    assert model["coders"] == ["ana"]
    assert sorted(model["transcripts"]) == ["a/teacher", "b/teacher", "c/teacher", "d/teacher"]
    assert len(model["codebook_hash"]) == 64 and model["created"].endswith("Z")
    families = model["codes"]["families"]
    assert (families["positives"], families["negatives"]) == (12, 24)
    assert set(families["cv"]) >= {"folds", "precision", "recall", "f1", "rules_f1"}
    assert set(families["calibration"]) == {"slope", "offset"}
    weights = list(families["weights"].values())
    assert weights == sorted(weights, key=lambda w: -abs(w))  # top features first
    assert max(families["weights"], key=families["weights"].get) in {"parent", "meeting", "home", "evening"}


def test_learn_leaves_out_the_test_part_unless_told(project, cli):
    result = cli("-C", project, "learn")
    assert result.exit_code == 0, result.output
    assert sorted(read_model(project)["transcripts"]) == ["a/teacher", "b/teacher"]  # c and d are the test part
    assert "test part was left out" in result.stderr


def test_learn_json_and_too_few_examples(make_project, cli):
    root = make_project({"a.txt": "Teacher: Our team met.\n"}, codebook=CODEBOOK)
    study = open_project(root)
    study.code(study.corpus.segments[0].id, ["collaboration"], "ana")
    result = cli("-C", root, "learn", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] == "models/learned.json"
    assert {row["code"]: row["status"] for row in data["codes"]} == {
        "collaboration": "too few examples",
        "families": "too few examples",
    }
    assert "too few examples (fewer than 5 positives or negatives) for 2 code(s)" in result.stderr


def test_learn_with_nothing_coded_is_a_clear_error(make_project, cli):
    root = make_project({"a.txt": "Teacher: Our team met.\n"}, codebook=CODEBOOK)
    result = cli("-C", root, "learn")
    assert result.exit_code == 1
    assert "nothing to learn from" in result.stderr
    assert "Traceback" not in result.output
    assert not (root / "models").exists()


def test_suggest_uses_the_model_even_without_keywords_and_explains_it(project, cli):
    assert cli("-C", project, "learn", "--part", "all").exit_code == 0
    result = cli("-C", project, "suggest", "--transcript", "new/teacher", "--format", "json", "--min-score", "0")
    assert result.exit_code == 0, result.output
    assert "using models/learned.json" in result.stderr
    rows = json.loads(result.stdout)
    families = [r for r in rows if r["code"] == "families"]
    assert families, rows
    text = open_project(project).corpus.by_id["new/teacher"].text
    evidence = families[0]["evidence"]
    assert evidence and all(e["rule"] == "model:families" for e in evidence)
    assert all(text[e["start"] : e["end"]] == e["text"] for e in evidence)
    # without the model, a codebook without keywords for "families" suggests nothing for it
    plain = cli("-C", project, "suggest", "--transcript", "new/teacher", "--format", "json", "--no-model")
    assert "using models" not in plain.stderr
    assert not [r for r in json.loads(plain.stdout) if r["code"] == "families"]
    # the model is safe to delete: rules only again
    (project / "models" / "learned.json").unlink()
    again = cli("-C", project, "suggest", "--transcript", "new/teacher", "--format", "json")
    assert not [r for r in json.loads(again.stdout) if r["code"] == "families"]


def test_a_damaged_or_stale_model_is_reported(project, cli):
    (project / "models").mkdir()
    (project / "models" / "learned.json").write_text('{"format": "qualcode-learned-model", "version": 1,\n', "utf-8")
    result = cli("-C", project, "suggest")
    assert result.exit_code == 1
    assert "models/learned.json:2: not valid JSON" in result.stderr
    assert "run `qualcode learn`" in result.stderr
    assert cli("-C", project, "learn", "--part", "all").exit_code == 0
    codebook = project / "codebooks" / "district-practices.yaml"
    codebook.write_text(codebook.read_text().replace("keywords: [team]", "keywords: [team, colleague]"))
    stale = cli("-C", project, "suggest")
    assert stale.exit_code == 0
    assert "was learned with another version of the codebook" in stale.stderr


def test_evaluate_scores_the_test_part_by_default_and_says_so(project, cli):
    result = cli("-C", project, "evaluate", "--gold", "ana", "--format", "json", "--no-model")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["part"], data["transcripts"], data["units"]) == ("test", 2, 18)
    dev = json.loads(cli("-C", project, "evaluate", "--gold", "ana", "--part", "dev", "--format", "json").stdout)
    assert (dev["part"], dev["transcripts"]) == ("dev", 2)
    everything = json.loads(cli("-C", project, "evaluate", "--gold", "ana", "--part", "all", "--format", "json").stdout)
    assert everything["transcripts"] == 4
    assert [b["low"] for b in data["calibration"]] == [n / 10 for n in range(10)]


def test_evaluate_notes_a_model_that_learned_from_the_scored_transcripts(project, cli):
    assert cli("-C", project, "learn", "--part", "all").exit_code == 0
    result = cli("-C", project, "evaluate", "--gold", "ana")
    assert "the model learned from 2 of the transcripts scored here" in result.stdout
    assert "--cv K" in result.stdout


def test_evaluate_cross_validation_reports_rules_model_and_combined(project, cli):
    result = cli("-C", project, "evaluate", "--gold", "ana", "--part", "all", "--cv", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["cv"], data["part"], data["transcripts"]) == (2, "all", 4)
    for variant in ("rules", "model", "combined"):
        assert set(data[variant]) >= {"codes", "micro", "macro", "calibration"}
    # "families" has no rules: only a model finds it
    assert data["rules"]["codes"]["families"]["recall"] == 0.0
    assert data["model"]["codes"]["families"]["recall"] > 0.5
    table = cli("-C", project, "evaluate", "--gold", "ana", "--part", "all", "--cv", "2")
    assert table.stdout.splitlines()[0].split() == ["code", "rules", "f1", "model", "f1", "combined", "f1"]
    too_many = cli("-C", project, "evaluate", "--gold", "ana", "--cv", "5")
    assert too_many.exit_code == 2
    assert "--cv 5: needs 2 to 2 folds" in too_many.stderr


def test_the_split_is_checked(make_project, cli):
    text = "Teacher: Our team met.\n"
    cases = {
        "evaluation:\n  dev: [a]\n  tset: [b]\n": "'evaluation' has the parts dev and test, not 'tset' (did you mean 'test'?)",
        "evaluation: [a, b]\n": "'evaluation' must map the parts dev and test to lists of transcripts",
        "evaluation:\n  dev: [a]\n  test: [zz*]\n": "evaluation: test: 'zz*' matches no transcript",
        "evaluation:\n  dev: [a]\n  test: [a]\n": "are in both dev and test (a)",
    }
    for n, (config, message) in enumerate(cases.items()):
        root = make_project(
            {"a.txt": text, "b.txt": text}, config="segment_by: turn\n" + config, name=f"p{n}", codebook=CODEBOOK
        )
        if n >= 2:  # a valid qualcode.yaml whose split does not fit the transcripts
            study = open_project(root)
            study.code(study.corpus.segments[0].id, ["collaboration"], "ana")
            study.mark_done(["a", "b"], "ana")
        result = cli("-C", root, "evaluate", "--gold", "ana")
        assert result.exit_code == 1, (config, result.output)
        assert message in result.stderr, (config, result.stderr)
    root = make_project({"a.txt": text}, name="nosplit", codebook=CODEBOOK)
    no_split = cli("-C", root, "evaluate", "--gold", "ana", "--part", "dev")
    assert no_split.exit_code == 2
    assert "this project has no evaluation split" in no_split.stderr


# -- scores ---------------------------------------------------------------------------------
def hit(code, name, start, end, kind="keyword", words=1):
    return Hit(Rule(code, name, 0.5, 1, kind, words), name, 0.5, start, end)


def test_rule_features_hand_computed():
    own = [hit("plc", "keyword:PLC", 0, 3), hit("plc", "keyword:PLC", 50, 53)]
    theme = [
        *own,
        hit("coaching", "keyword:coaching cycle", 10, 24, words=2),
        hit("coaching", "related:coach", 60, 65, "related"),
    ]
    features = rule_features(own, theme, words=80, sentences=[(0, 30), (30, 70), (70, 90)], most=4)
    assert features == {
        "kw1": round(math.log1p(1), 6),
        "kw2": round(math.log1p(1), 6),
        "kw3": 0.0,
        "pattern": 0.0,
        "fuzzy": 0.0,
        "related": round(math.log1p(1), 6),
        "own": round(math.log1p(1), 6),  # one rule, twice
        "density": round(math.log1p(100 * 4 / 80), 6),  # four spans
        "single": 0.0,
        "passing": 0.0,
        "spread": round(2 / 3, 6),  # two of three sentences
        "share": 1.0,
        "length": round(math.log2(81), 6),
    }
    passing = rule_features(own[:1], own[:1], words=160, sentences=[(0, 30)], most=5)
    assert (passing["single"], passing["passing"], passing["share"]) == (1.0, 2.0, 0.2)  # log2(160 / 40)


def test_rule_factors_lower_rules_that_review_keeps_rejecting():
    decisions = [Decision("s", "t", "plc", "reject", "ana", ("keyword:PLC",)) for _ in range(10)]
    decisions += [Decision("s", "t", "plc", "accept", "ana", ("keyword:team",)) for _ in range(3)]
    decisions += [Decision("s", "t", "plc", "reject", "ana", ("fuzzy:benchmark~benchmrk",))]
    factors = rule_factors(decisions)
    assert factors[("plc", "keyword:PLC")] == round((0 + 4) / (10 + 5) / 0.8, 4)  # a third
    assert ("plc", "keyword:team") not in factors  # accepted: counts fully
    assert factors[("plc", "keyword:benchmark")] == round(4 / 6 / 0.8, 4)  # a fuzzy match counts with its keyword


def test_rejected_rules_score_lower_in_suggest(project, cli):
    study = open_project(project)
    before = {(s.segment, s.code): s.score for s in study.suggest(min_score=0.0) if s.code == "collaboration"}
    from qualcode.suggest.store import SuggestionStore

    store = SuggestionStore(study.project.suggestions_dir, study.project.display)
    for segment, _ in list(before)[:6]:
        store.add_decision(
            Decision(segment, segment.split("#")[0], "collaboration", "reject", "ana", ("keyword:team",))
        )
    after = {(s.segment, s.code): s.score for s in open_project(project).suggest(min_score=0.0)}
    assert all(after[key] < score for key, score in before.items())


def test_reliability_bins_are_hand_computed():
    table = reliability([0.05, 0.15, 0.18, 0.95, 1.0], [False, True, False, True, True])
    assert table[0] == {"low": 0.0, "high": 0.1, "suggestions": 1, "predicted": 0.05, "observed": 0.0}
    assert table[1] == {"low": 0.1, "high": 0.2, "suggestions": 2, "predicted": 0.165, "observed": 0.5}
    assert table[9] == {"low": 0.9, "high": 1.0, "suggestions": 2, "predicted": 0.975, "observed": 1.0}
    assert table[5]["suggestions"] == 0 and table[5]["predicted"] is None
    # (1 * 0.05 + 2 * 0.335 + 2 * 0.025) / 5
    assert calibration_error(table) == round((0.05 + 2 * 0.335 + 2 * 0.025) / 5, 4)


def test_written_files_keep_their_mode_or_follow_the_umask(project, cli, tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        assert cli("-C", project, "learn", "--part", "all").exit_code == 0
        model = project / "models" / "learned.json"
        assert stat.S_IMODE(model.stat().st_mode) == 0o644  # not mkstemp's 0600
        model.chmod(0o640)
        assert cli("-C", project, "learn", "--part", "all").exit_code == 0
        assert stat.S_IMODE(model.stat().st_mode) == 0o640  # a rewrite keeps the mode
    finally:
        os.umask(old)


# -- the gold sets ---------------------------------------------------------------------------
GOLD_DIR = REPO / "benchmarks" / "gold"


def test_gold_sets_have_disjoint_splits_covering_every_document():
    from qualcode.suggest.split import split_transcripts

    for name in ("report-prose", "report-prose-interview"):
        study = open_project(GOLD_DIR / name)
        ids = [t.id for t in study.corpus.transcripts]
        parts = split_transcripts(study.config.split, ids)
        assert sorted(parts["dev"] + parts["test"]) == sorted(ids) and len(ids) == 26
        assert (len(parts["dev"]), len(parts["test"])) == (13, 13)
        gold = study.load_codings(["gold"])
        assert sorted(gold.done["gold"]) == sorted(ids)
        assert len({c.segment for c in gold.codings}) == 142


def test_gold_prose_coders_agree_as_documented():
    study = open_project(GOLD_DIR / "report-prose")
    kappa = study.agreement(coders=["coder-1", "coder-2"])["kappa"]
    themes = study.codebook.codes_at("top")
    assert sorted(code for code in kappa.index if code in themes) == sorted(themes)
    assert all(kappa[code] >= 0.92 for code in themes)  # 0.93-0.98 in benchmarks/gold/README.md


def test_interviewer_turns_never_get_suggestions_in_the_interview_version():
    study = open_project(GOLD_DIR / "report-prose-interview")
    skipped = {s.id for s in study.corpus.segments if s.skipped}
    assert len(skipped) == 201
    assert not [s for s in study.suggest(min_score=0.0, use_model=False) if s.segment in skipped]


def test_the_shipped_rule_score_was_fitted_on_dev_parts_only():
    from qualcode.suggest.scoring import SCORER_FILE

    provenance = json.loads(SCORER_FILE.read_text(encoding="utf-8"))["provenance"]
    assert provenance["data"] and all(source["part"] == "dev" for source in provenance["data"])
