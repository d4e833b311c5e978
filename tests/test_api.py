"""The Python API: the README's example runs, its frames have the promised columns and the same
numbers as the command line, warnings go through Python's warnings module, import stays light."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import qualcode
from qualcode.errors import ProjectNotFoundError, QualcodeWarning
from tests.helpers import REPO, build_study

README = (REPO / "README.md").read_text(encoding="utf-8")


def readme_example() -> str:
    section = README[README.index("## Using qualcode from Python") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_api_the_readme_example_runs_on_the_demo_study(capsys):
    namespace: dict = {}
    exec(readme_example().replace("path/to/study", str(REPO)), namespace)
    segments, codings, matrix = namespace["segments"], namespace["codings"], namespace["matrix"]
    agreement, suggestions = namespace["agreement"], namespace["suggestions"]
    assert list(segments.columns[:8]) == ["id", "transcript", "case", "speaker", "start", "end", "text", "skipped"]
    assert {"role", "participant"} <= set(segments.columns)
    assert list(codings.columns[:9]) == [
        "transcript",
        "case",
        "segment",
        "speaker",
        "code",
        "coder",
        "source",
        "quote",
        "memo",
    ]
    assert list(agreement.columns) == ["agreement", "kappa", "alpha", "alpha_low", "alpha_high", "units"]
    assert agreement.index.name == "code" and "vision" in agreement.index
    assert list(suggestions.columns) == ["segment", "transcript", "code", "score", "rules"]
    assert matrix.index.name == "code" and "Alder Creek" in matrix.columns
    assert "collaborative_pl" in capsys.readouterr().out


def test_api_frames_hold_the_numbers_of_the_cli(make_project, cli):
    study = build_study(make_project)
    for measure in ("segments", "share", "participants"):
        table = study.matrix(measure=measure, level="all")
        shown = json.loads(
            cli("-C", study.root, "matrix", "--measure", measure, "--level", "all", "--format", "json").stdout
        )
        assert shown["rows"] == list(table.index) and shown["columns"] == list(table.columns)
        assert shown["values"] == table.to_numpy().tolist()
    agreement = study.agreement(coders=["ana", "ben"], bootstrap=200)
    result = json.loads(
        cli("-C", study.root, "agree", "--coders", "ana,ben", "--bootstrap", "200", "--format", "json").stdout
    )
    for code, figures in result["codes"].items():
        row = agreement.loc[code]
        assert row["units"] == figures["units"]
        for column, key in (("agreement", "percent_agreement"), ("kappa", "kappa"), ("alpha", "alpha")):
            assert (pd.isna(row[column]) and figures[key] is None) or row[column] == pytest.approx(figures[key])
        low, high = figures["alpha_ci"] or (None, None)
        assert (pd.isna(row["alpha_low"]) and low is None) or row["alpha_low"] == pytest.approx(low)
        assert (pd.isna(row["alpha_high"]) and high is None) or row["alpha_high"] == pytest.approx(high)
    exported = json.loads(cli("-C", study.root, "export", "codings", "--format", "json").stdout)
    codings = study.codings()
    assert len(codings) == len(exported)
    assert codings[["segment", "code", "coder"]].values.tolist() == [
        [r["segment"], r["code"], r["coder"]] for r in exported
    ]
    segments = study.segments()
    listed = json.loads(cli("-C", study.root, "segments", "--format", "json").stdout)
    assert segments["id"].tolist() == [s["id"] for s in listed]
    assert segments["skipped"].tolist() == [s["speaker"] == "Interviewer" for s in listed]


def test_api_suggestions_frame_lists_rule_names(make_project):
    study = build_study(make_project)
    found = study.suggestions()
    assert len(found) == len(study.suggest())
    assert all(isinstance(rules, list) for rules in found["rules"])


def test_api_warnings_go_through_the_warnings_module_without_a_callback(make_project):
    root = make_project({"a.txt": "Ann: no case attribute here\n"})
    study = qualcode.open_project(root)
    with pytest.warns(QualcodeWarning, match="no 'case' attribute"):
        study.segments()
    assert any("no 'case' attribute" in w for w in study.warnings)
    heard = []
    qualcode.open_project(root, warn=heard.append).segments()
    assert heard and "no 'case' attribute" in heard[0]


def test_api_errors_are_qualcode_errors(tmp_path):
    with pytest.raises(qualcode.QualcodeError) as caught:
        qualcode.open_project(tmp_path)
    assert isinstance(caught.value, ProjectNotFoundError)
    assert caught.value.problems and caught.value.exit_code == 1


def test_api_import_qualcode_is_light():
    script = textwrap.dedent(
        """
        import sys
        import qualcode
        assert callable(qualcode.open_project) and qualcode.Study.__name__ == "Study"
        print(sorted(m for m in ("pandas", "spacy", "numpy", "jinja2") if m in sys.modules))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert result.stdout.strip() == "[]", result.stderr


def test_api_ships_type_information():
    assert (REPO / "qualcode" / "py.typed").is_file()
    assert "qualcode.Study" in repr(qualcode.open_project(REPO))
