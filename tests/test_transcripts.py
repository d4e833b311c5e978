import codecs

import pytest

from qualcode.errors import TranscriptError
from tests.helpers import INTERVIEW


def test_transcripts_front_matter_gives_attributes_and_offsets_exclude_it(load):
    project = load({"alder-creek/teacher-01.txt": INTERVIEW})
    [transcript] = project.corpus.transcripts
    assert transcript.id == "alder-creek/teacher-01"
    assert transcript.attributes == {"case": "Alder Creek", "participant": "AC-T9", "role": "teacher"}
    assert transcript.text.startswith("Interviewer: How do")
    for segment in project.corpus.segments:
        assert transcript.text[segment.start : segment.end] == segment.text


def test_transcripts_id_is_relative_path_without_extension(load):
    project = load({"a/b/c.md": "Q: hi\n", "top.txt": "Q: yo\n"})
    assert [t.id for t in project.corpus.transcripts] == ["a/b/c", "top"]


@pytest.mark.parametrize(
    "raw",
    [
        "Maria: café ünd “quotes”\n".encode(),
        codecs.BOM_UTF8 + "Maria: café ünd “quotes”\n".encode(),
        codecs.BOM_UTF16_LE + "Maria: café ünd “quotes”\n".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Maria: café ünd “quotes”\n".encode("utf-16-be"),
        "Maria: café ünd “quotes”\r\n".encode(),
        "Maria: café ünd “quotes”\r".encode(),
    ],
)
def test_transcripts_encodings_and_line_ends_are_normalised(load, raw):
    project = load({"t.txt": raw})
    assert project.corpus.transcripts[0].text == "Maria: café ünd “quotes”\n"
    assert project.warnings == [] or all("case" in w for w in project.warnings)


def test_transcripts_non_utf8_bytes_read_as_cp1252_with_a_warning(load):
    raw = "Maria: line one\nthe caf\xe9 \x93quoted\x94\n".encode("latin-1")
    project = load({"old.txt": raw})
    assert project.corpus.transcripts[0].text == "Maria: line one\nthe café “quoted”\n"
    [warning] = [w for w in project.warnings if "UTF-8" in w]
    assert warning.startswith("transcripts/old.txt:2: not valid UTF-8")
    assert "Re-save the file as UTF-8" in warning


def test_transcripts_missing_front_matter_end_is_an_error_naming_file_and_line(load):
    project = load({"x.txt": "---\ncase: A\nrole: teacher\n\nQ: hi\n"})
    with pytest.raises(TranscriptError) as info:
        project.corpus.transcripts
    assert str(info.value) == (
        "transcripts/x.txt:1: front matter opened with '---' is never closed; add a line '---' after the attributes"
    )


def test_transcripts_invalid_front_matter_yaml_reports_its_file_line(load):
    project = load({"x.txt": "---\ncase: A\nrole: [teacher\n---\nQ: hi\n"})
    with pytest.raises(TranscriptError) as info:
        project.corpus.transcripts
    assert str(info.value).startswith("transcripts/x.txt:3: YAML syntax error")


def test_transcripts_front_matter_list_value_is_an_error(load):
    project = load({"x.txt": "---\ncase: A\nrole:\n  - teacher\n  - coach\n---\nQ: hi\n"})
    with pytest.raises(TranscriptError, match=r"transcripts/x.txt:3: attribute 'role' must be a single value"):
        project.corpus.transcripts


def test_transcripts_empty_file_warns_and_has_no_segments(load):
    project = load({"empty.txt": "", "ok.txt": "Maria: hello\n"})
    assert [t.id for t in project.corpus.transcripts] == ["empty", "ok"]
    assert project.corpus.segments_by_transcript["empty"] == []
    assert "transcripts/empty.txt: the transcript is empty; it has no segments" in project.warnings


def test_transcripts_binary_file_is_an_error(load):
    project = load({"scan.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "ok.txt": "Maria: hi\n"})
    with pytest.raises(TranscriptError, match=r"transcripts/scan.txt: looks like a binary file"):
        project.corpus.transcripts


def test_transcripts_duplicate_ids_name_both_files(load):
    project = load({"a.txt": "Q: one\n", "a.md": "Q: two\n"})
    with pytest.raises(TranscriptError) as info:
        project.corpus.transcripts
    assert "transcript id 'a' is also used by transcripts/a.md" in str(info.value)
    assert str(info.value).startswith("transcripts/a.txt")


def test_transcripts_all_bad_files_are_reported_together(load):
    project = load({"a.txt": "---\ncase: x\n", "b.txt": b"\x00\x01\x02", "c.txt": "Q: fine\n"})
    with pytest.raises(TranscriptError) as info:
        project.corpus.transcripts
    message = str(info.value)
    assert "transcripts/a.txt:1" in message and "transcripts/b.txt" in message


def test_transcripts_attributes_csv_adds_values_and_front_matter_wins(load, make_project):
    project = load(
        {
            "alder-creek/teacher-01.txt": INTERVIEW,
            "bare.txt": "Q: hi\nA: hello\n",
            "attributes.csv": "transcript,case,role,school\n"
            "alder-creek/teacher-01,Alder Creek,coach,Juniper Elementary\n"
            "bare,Bayview,parent,\n",
        }
    )
    by_id = {t.id: t for t in project.corpus.transcripts}
    assert by_id["alder-creek/teacher-01"].attributes["role"] == "teacher"
    assert by_id["alder-creek/teacher-01"].attributes["school"] == "Juniper Elementary"
    assert by_id["bare"].attributes == {"case": "Bayview", "role": "parent"}
    assert project.warnings == [
        "transcripts/alder-creek/teacher-01.txt: attribute 'role' is 'teacher' in the front matter but 'coach' "
        "in transcripts/attributes.csv:2; using the front matter"
    ]


def test_transcripts_attributes_csv_unknown_transcript_warns_with_suggestion(load):
    project = load(
        {"bayview/parent-01.txt": "Q: hi\n", "attributes.csv": "transcript,case\nbayview/parent-1,Bayview\n"}
    )
    project.corpus.transcripts
    assert any(
        "attributes.csv:2: no transcript 'bayview/parent-1' (did you mean 'bayview/parent-01'?)" in w
        for w in project.warnings
    )


def test_transcripts_attributes_csv_without_transcript_column_is_an_error(load):
    project = load({"a.txt": "Q: hi\n", "attributes.csv": "file,case\na,X\n"})
    with pytest.raises(TranscriptError, match=r"attributes.csv:1: no 'transcript' column"):
        project.corpus.transcripts


def test_transcripts_attributes_csv_repeated_row_is_an_error(load):
    project = load({"a.txt": "Q: hi\n", "attributes.csv": "transcript,case\na,X\na,Y\n"})
    with pytest.raises(TranscriptError, match=r"attributes.csv:3: transcript 'a' is already listed on line 2"):
        project.corpus.transcripts


def test_transcripts_missing_case_warns(load):
    project = load({"a.txt": "Q: hi\nA: yo\n"})
    project.corpus.transcripts
    assert any("no 'case' attribute" in w for w in project.warnings)


def test_transcripts_hidden_files_and_other_extensions_are_ignored(load):
    project = load({".draft.txt": "Q: x\n", "notes.docx.tmp": "x", "a.txt": "Q: hi\n"})
    assert [t.id for t in project.corpus.transcripts] == ["a"]
