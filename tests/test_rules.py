"""One home per rule: listings, matrices and the report count alike; levels, colours and coder
lists follow one definition each; errors are typed and leave no traceback."""

from __future__ import annotations

import json

import click
import pytest

from qualcode.app.study import open_project
from qualcode.cli.app import main
from qualcode.codebook.model import LEVELS, PALETTE, normalise_color
from qualcode.coding.identity import split_coders
from qualcode.errors import (
    InputError,
    QualcodeError,
    TranscriptError,
    UnknownAttributeError,
    UnknownCaseError,
    UnknownCodeError,
    UnknownCoderError,
    UnknownSegmentError,
    UnknownTranscriptError,
)
from qualcode.report.context import report_context

CODEBOOK = """\
name: Rules
codes:
  - id: theme
    label: Theme
    color: "#ABC"
    children:
      - id: sub
        label: Sub
  - id: other
    label: Other
"""

# Two interviewees, no participant attribute: two participants. Interviewer turns never count.
PAIR = """\
---
case: North
role: teacher
---
Interviewer: Tell me about your team.

Ann Diaz: We plan together every week.

Bob Kerr: And we share the student work.

Interviewer: Thanks.
"""

# One participant named by the attribute, whatever the speaker labels say.
SOLO = """\
---
case: North
role: principal
participant: N-P1
---
Q: What matters?

A: Coherence matters most to us.

A: And hiring well.
"""

SOUTH = """\
---
case: South
role: teacher
---
Interviewer: Hello.

Cy Ray: We use benchmark data a lot here.
"""


@pytest.fixture
def study(make_project):
    root = make_project({"north/pair.txt": PAIR, "north/solo.txt": SOLO, "south/one.txt": SOUTH}, codebook=CODEBOOK)
    opened = open_project(root)
    for segment in opened.corpus.coded_segments():  # one code on every counted segment
        opened.code(segment.id, ["theme"], "ana")
    opened.code(opened.corpus.coded_segments()[0].id, ["other"], "ben")
    return open_project(root)


def json_of(cli, study, *args):
    result = cli("-C", study.root, *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_rules_transcripts_cases_matrix_and_report_count_alike(study, cli):
    transcripts = json_of(cli, study, "transcripts")
    cases = {row["case"]: row for row in json_of(cli, study, "cases")}
    assert {t["id"]: t["segments"] for t in transcripts} == {"north/pair": 2, "north/solo": 2, "south/one": 1}
    assert {t["id"]: t["skipped_segments"] for t in transcripts} == {"north/pair": 2, "north/solo": 1, "south/one": 1}
    # Participants: Ann and Bob (no attribute) + N-P1 in North; Cy Ray in South.
    assert {c: row["participants"] for c, row in cases.items()} == {"North": 3, "South": 1}
    for case, row in cases.items():
        members = [t for t in transcripts if t["case"] == case]
        assert row["segments"] == sum(t["segments"] for t in members)
        assert row["words"] == sum(t["words"] for t in members)
    columns = ["North", "South"]
    for measure, key in (("segments", "segments"), ("participants", "participants"), ("transcripts", "transcripts")):
        matrix = json_of(cli, study, "matrix", "--measure", measure, "--coders", "ana")
        assert matrix["columns"] == columns
        theme = matrix["values"][matrix["rows"].index("theme")]
        assert theme == [cases[c][key] for c in columns], measure
    context = report_context(study.corpus, study.codebook, study.select(["ana"]))
    profiles = {p["case"]: p for p in context["cases"]}
    for case, row in cases.items():
        assert (profiles[case]["participants"], profiles[case]["segments"], profiles[case]["words"]) == (
            row["participants"],
            row["segments"],
            row["words"],
        )
    numbers = dict(context["numbers"])
    assert numbers["participants"] == "4" and numbers["interviewee segments"] == "5"
    assert numbers["words"] == f"{sum(t['words'] for t in transcripts):,}"


def test_rules_participants_without_the_attribute_are_the_speakers(study):
    assert len(study.corpus.participants(["north/pair"])) == 2
    assert study.corpus.participants(["north/solo"]) == {"N-P1"}


def test_rules_one_colour_rule_for_codebook_report_and_show(study, cli):
    assert normalise_color("#ABC") == "#aabbcc" and normalise_color("#1F77B4") == "#1f77b4"
    assert normalise_color("red") is None
    book = study.codebook
    assert book.by_id["theme"].color == "#aabbcc"
    assert book.color_of("sub") == "#aabbcc"  # inherited
    assert book.color_of("other") == PALETTE[1]  # the second top-level code's palette colour
    shown = json_of(cli, study, "codebook", "show")
    assert shown["codes"][0]["color"] == "#aabbcc"
    context = report_context(study.corpus, book, study.select())
    assert {c["id"]: c["color"] for c in context["data"]["codes"]} == {
        "theme": "#aabbcc",
        "sub": "#aabbcc",
        "other": PALETTE[1],
    }
    result = click.testing.CliRunner().invoke(main, ["-C", str(study.root), "show", "north/pair"], color=True)
    assert "\x1b[38;2;170;187;204m" in result.stdout  # #aabbcc on a terminal


def test_rules_one_list_of_levels_for_every_command(cli):
    for command in (["matrix"], ["cooccur"], ["agree"], ["evaluate"]):
        ctx = click.Context(main)
        found = main.get_command(ctx, command[0])
        level = next(p for p in found.params if p.name == "level")
        assert tuple(level.type.choices) == LEVELS, command


@pytest.mark.parametrize(
    "value, expected",
    [("ana", ["ana"]), ("ana, ben", ["ana", "ben"]), ("ana,Ana,ben", ["ana", "ben"]), (["Ben", "ben"], ["Ben"])],
)
def test_rules_one_coder_list_rule(value, expected):
    assert split_coders(value) == expected


def test_rules_coder_lists_parse_alike_in_every_command(study, cli):
    assert cli("-C", study.root, "report", "--coders", "ana,ana", "-o", "reports/r.html").exit_code == 0
    assert cli("-C", study.root, "matrix", "--coders", "ana,Ana").exit_code == 0
    same = cli("-C", study.root, "agree", "--coders", "ana,ana")
    assert same.exit_code == 2 and "name two or more coders" in same.stderr
    for command in (["report", "-o", "reports/r.html"], ["matrix"], ["agree"]):
        empty = cli("-C", study.root, *command, "--coders", "ana,,ben")
        assert empty.exit_code == 2, command
        assert "'ana,,ben' has an empty name" in empty.stderr
    with pytest.raises(InputError):
        split_coders("ana,")


def test_rules_typed_errors_for_unknown_names(study):
    with pytest.raises(UnknownTranscriptError, match="no transcript 'north/par' \\(did you mean 'north/pair'\\?\\)"):
        study.corpus.transcript("north/par")
    with pytest.raises(UnknownSegmentError, match="nearest ids"):
        study.corpus.segment("north/pair#00000000")
    with pytest.raises(UnknownCodeError):
        study.codebook.get("them")
    with pytest.raises(UnknownCoderError, match="did you mean 'ana'"):
        study.load_codings(["anna"])
    with pytest.raises(UnknownAttributeError):
        study.matrix(by="rol")
    with pytest.raises(UnknownCaseError, match="did you mean 'North'"):
        study.corpus.require_case("Nort")
    for error in (UnknownTranscriptError, UnknownCodeError, UnknownCoderError):
        assert issubclass(error, (QualcodeError, LookupError))


def test_rules_an_error_carries_its_problems_with_file_and_line(make_project):
    root = make_project({"a.txt": "---\ncase: [x\n---\nA: hi\n", "b.txt": "---\nrole: t\n"})
    with pytest.raises(TranscriptError) as caught:
        open_project(root).corpus
    files = sorted((p.file, p.line) for p in caught.value.problems)
    assert [f for f, _ in files] == ["transcripts/a.txt", "transcripts/b.txt"]
    assert all(line >= 1 for _, line in files)
    assert str(caught.value) == "\n".join(str(p) for p in caught.value.problems)


def test_rules_a_write_error_is_a_clean_message(study, cli):
    (study.root / "reports").mkdir(exist_ok=True)
    result = cli("-C", study.root, "matrix", "-o", "reports")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: cannot write reports: is a directory; give a file name")
    report = cli("-C", study.root, "report", "-o", "reports")
    assert report.exit_code == 1 and "Error: cannot write reports: is a directory" in report.stderr


def test_rules_by_case_means_the_case_attribute_whatever_it_is_called(make_project):
    root = make_project(
        {"a.txt": "---\ndistrict: North\n---\nAnn: hi there\n"}, config="case_attribute: district\n", codebook=CODEBOOK
    )
    study = open_project(root)
    assert list(study.matrix(by="case").columns) == ["North"]
    assert list(study.matrix().columns) == ["North"]
