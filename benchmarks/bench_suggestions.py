"""How good the suggestions are, measured on the gold sets: every figure in the README and notes.

    .venv/bin/python benchmarks/bench_suggestions.py [--quick]

Gold sets (each a qualcode project with a gold coder and a dev/test split in its qualcode.yaml;
see benchmarks/gold/README.md): the demo study's interviews (``.``), the report-prose passages,
and the same passages as interviews. It prints:

1. rules only (the default codebook, the shipped calibrated scorer, no learned model), per set
   and part: micro precision / recall / F1 at the default --min-score, and the calibration error;
   plus the number of suggestions on interviewer turns (must be 0);
2. cross-genre: the rule scorer fitted on one genre's dev part only, scored on the other's test part;
3. learning: ``evaluate --cv 4`` on the demo gold coder (rules only, model only, combined);
4. learning without keywords: the codebook stripped of keywords, patterns and related words;
   models learn from the first half of the gold coder's transcripts and suggest for the second,
   against TF-IDF + logistic regression (scikit-learn defaults) on the same split;
5. learning with the default codebook from the dev part, scored on the test part;

The test parts are only ever scored here, never used to choose anything.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from qualcode.app.study import open_project  # noqa: E402
from qualcode.suggest.calibrate import calibration_error, fit_rule_scorer, rule_examples  # noqa: E402
from qualcode.suggest.engine import score_parsed  # noqa: E402
from qualcode.suggest.evaluate import gold_units, score_labels, score_suggestions  # noqa: E402
from qualcode.suggest.learn import codebook_examples, learn_models, training_labels  # noqa: E402
from qualcode.suggest.matcher import RuleSet  # noqa: E402
from qualcode.suggest.model import LearnedModel  # noqa: E402
from qualcode.suggest.parsed import parse_segments  # noqa: E402
from qualcode.suggest.records import DEFAULT_MIN_SCORE  # noqa: E402
from qualcode.suggest.split import split_transcripts  # noqa: E402

GOLD = "gold"
SETS = {
    "interviews (demo)": REPO,
    "report prose": REPO / "benchmarks" / "gold" / "report-prose",
    "report prose as interviews": REPO / "benchmarks" / "gold" / "report-prose-interview",
}


def part_of(study, part: str) -> tuple[list[str], dict[str, set[str]], list]:
    parts = split_transcripts(study.config.split, [t.id for t in study.corpus.transcripts])
    done, labels = gold_units(study.corpus, study.codebook, study.load_codings([GOLD]), "top", set(parts[part]))
    parsed = parse_segments(study.corpus.coded_segments(done), study.nlp, RuleSet(study.codebook, study.nlp))
    return done, labels, parsed


def line(name: str, result) -> str:
    m = result.micro
    ece = calibration_error(result.calibration) if result.calibration else None
    return f"  {name:34} P {m.precision:.3f}  R {m.recall:.3f}  F1 {m.f1:.3f}  (support {m.support}" + (
        f", calibration error {ece:.3f})" if ece is not None else ")"
    )


def rules_only() -> None:
    print(f"1. Rules only (default codebook, shipped scorer, min score {DEFAULT_MIN_SCORE})")
    for name, root in SETS.items():
        study = open_project(root)
        for part in ("dev", "test"):
            done, labels, parsed = part_of(study, part)
            found = score_parsed(parsed, study.codebook, min_score=0.0)
            result = score_suggestions(found, labels, study.codebook, "top", DEFAULT_MIN_SCORE)
            print(line(f"{name}, {part} ({len(done)} transcripts)", result))
        interviewer = [s for s in study.suggest(min_score=0.0) if study.corpus.segment_index[s.segment].skipped]
        print(f"  {name}: suggestions on interviewer turns: {len(interviewer)}")


def cross_genre() -> None:
    print("2. Cross-genre: the rule scorer fitted on one genre's dev part, scored on the other's test part")
    studies = {name: open_project(root) for name, root in SETS.items()}
    genres = {"interviews": "interviews (demo)", "report prose": "report prose"}
    for fit_on, other in (("interviews", "report prose"), ("report prose", "interviews")):
        study = studies[genres[fit_on]]
        _, labels, parsed = part_of(study, "dev")
        rows, y = rule_examples(parsed, study.codebook, labels)
        scorer = fit_rule_scorer(rows, y, {"fitted on": fit_on})
        targets = [genres[other]] + (["report prose as interviews"] if other == "report prose" else [])
        for target in targets:
            t = studies[target]
            _, t_labels, t_parsed = part_of(t, "test")
            found = score_parsed(t_parsed, t.codebook, min_score=0.0, scorer=scorer)
            result = score_suggestions(found, t_labels, t.codebook, "top", DEFAULT_MIN_SCORE)
            print(line(f"fitted on {fit_on} -> {target} test", result))


def cross_validation() -> None:
    print("3. Learning from the demo gold coder: evaluate --cv 4 (all 8 transcripts it marked done)")
    study = open_project(REPO)
    result = study.cross_validate(gold=GOLD, folds=4, part="all")
    for name in ("rules", "model", "combined"):
        print(line(name, getattr(result, name)))


def stripped_copy(root: Path, folder: Path) -> Path:
    from ruamel.yaml import YAML

    target = folder / root.name
    shutil.copytree(root, target, symlinks=False, ignore=shutil.ignore_patterns("suggestions", "models", "reports"))
    yaml = YAML()
    config = open_project(target).project.codebook_path
    data = yaml.load(config.read_text(encoding="utf-8"))

    def strip(codes):
        for code in codes:
            for key in ("keywords", "related_words", "patterns", "exclude_keywords"):
                code.pop(key, None)
            strip(code.get("children", []))

    strip(data["codes"])
    if config.is_symlink():
        config.unlink()
    with config.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle)
    return target


def tfidf_baseline(study, train: list[str], test: list[str], labels: dict[str, set[str]], balanced: bool = False):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    themes = study.codebook.codes_at("top")
    train_segments = study.corpus.coded_segments(train)
    test_segments = study.corpus.coded_segments(test)
    gold = study.load_codings([GOLD])
    train_labels: dict[str, set[str]] = {s.id: set() for s in train_segments}
    for coding in gold.codings:
        if coding.segment in train_labels:
            train_labels[coding.segment].add(study.codebook.top_level(coding.code))
    vectorizer = TfidfVectorizer()
    x = vectorizer.fit_transform([s.text for s in train_segments])
    x_test = vectorizer.transform([s.text for s in test_segments])
    predicted: dict[str, set[str]] = {}
    for theme in themes:
        y = np.array([theme in train_labels[s.id] for s in train_segments])
        if y.sum() == 0:
            continue
        model = LogisticRegression(class_weight="balanced" if balanced else None).fit(x, y)
        for segment, flag in zip(test_segments, model.predict(x_test)):
            if flag:
                predicted.setdefault(segment.id, set()).add(theme)
    return score_labels(labels, predicted, themes)


def without_keywords() -> None:
    print("4. Learning without keywords: first half of the gold coder's transcripts -> second half")
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("interviews (demo)", "report prose"):
            study = open_project(stripped_copy(SETS[name], Path(tmp)))
            done = sorted(study.load_codings([GOLD]).done[GOLD])
            train, test = done[: len(done) // 2], done[len(done) // 2 :]
            _, labels = gold_units(study.corpus, study.codebook, study.load_codings([GOLD]), "top", set(test))
            codings = study.load_codings([GOLD])
            learned = training_labels(study.corpus, study.codebook, codings, transcripts=set(train))
            segments = study.corpus.coded_segments(done)
            parsed = parse_segments(segments, study.nlp, RuleSet(study.codebook, study.nlp), grams=True)
            by_id = {p.segment.id: p for p in parsed}
            extra = codebook_examples(study.codebook, study.nlp)
            models, _, _ = learn_models(by_id, learned, study.codebook, extra=extra)
            held = [p for p in parsed if p.segment.transcript in set(test)]
            found = score_parsed(held, study.codebook, min_score=0.0, model=LearnedModel(models))
            ours = score_suggestions(found, labels, study.codebook, "top", DEFAULT_MIN_SCORE)
            print(line(f"{name}: learned model ({len(train)} -> {len(test)} transcripts)", ours))
            print(line(f"{name}: TF-IDF + logistic regression", tfidf_baseline(study, train, test, labels)))
            balanced = tfidf_baseline(study, train, test, labels, balanced=True)
            print(line(f"{name}: the same, class_weight=balanced", balanced))


def learned_dev_to_test() -> None:
    print("5. Learning with the default codebook: models learn from the gold coder's dev part, scored on the test part")
    for name in ("interviews (demo)", "report prose"):
        study = open_project(SETS[name])
        parts = split_transcripts(study.config.split, [t.id for t in study.corpus.transcripts])
        codings = study.load_codings([GOLD])
        done = sorted(codings.done[GOLD])
        train = [t for t in done if t in set(parts["dev"])]
        test = [t for t in done if t in set(parts["test"])]
        _, labels = gold_units(study.corpus, study.codebook, codings, "top", set(test))
        learned = training_labels(study.corpus, study.codebook, codings, transcripts=set(train))
        parsed = parse_segments(
            study.corpus.coded_segments(done), study.nlp, RuleSet(study.codebook, study.nlp), grams=True
        )
        models, _, _ = learn_models(
            {p.segment.id: p for p in parsed},
            learned,
            study.codebook,
            extra=codebook_examples(study.codebook, study.nlp),
        )
        held = [p for p in parsed if p.segment.transcript in set(test)]
        found = score_parsed(held, study.codebook, min_score=0.0, model=LearnedModel(models))
        result = score_suggestions(found, labels, study.codebook, "top", DEFAULT_MIN_SCORE)
        print(line(f"{name}: rules + learned model ({len(models)} code models)", result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only section 1")
    args = parser.parse_args()
    rules_only()
    if args.quick:
        return
    cross_genre()
    cross_validation()
    without_keywords()
    learned_dev_to_test()


if __name__ == "__main__":
    main()
