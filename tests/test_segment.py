import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualcode.study.segment import make_ids, segment_hash
from tests.helpers import INTERVIEW

SPEECH = """\
Interviewer: First question?

Maria Lopez: First paragraph of the answer. It has two sentences.

Second paragraph here. Also two sentences.

Interviewer: Next?

Maria Lopez: Yes.

Interviewer: And?

Maria Lopez: Yes.
"""


def segments_of(load, text, mode="turn"):
    project = load({"t.txt": text}, config=f"segment_by: {mode}\n")
    return project, project.corpus.segments


@pytest.mark.parametrize("mode, expected", [("turn", 6), ("paragraph", 7), ("sentence", 9)])
def test_segment_modes_count(load, mode, expected):
    project, segments = segments_of(load, SPEECH, mode)
    assert len(segments) == expected
    text = project.corpus.transcripts[0].text
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_segment_paragraph_mode_splits_within_turns(load):
    _, segments = segments_of(load, SPEECH, "paragraph")
    assert [s.text for s in segments[1:3]] == [
        "First paragraph of the answer. It has two sentences.",
        "Second paragraph here. Also two sentences.",
    ]
    assert {s.speaker for s in segments[1:3]} == {"Maria Lopez"}


def test_segment_sentences_never_cross_turns(load):
    text = "Maria: One sentence without a stop\nInterviewer: Then a question? Yes.\n"
    _, segments = segments_of(load, text, "sentence")
    assert [(s.speaker, s.text) for s in segments] == [
        ("Maria", "One sentence without a stop"),
        ("Interviewer", "Then a question?"),
        ("Interviewer", "Yes."),
    ]


def test_segment_interviewer_turns_are_marked_skipped(load):
    _, segments = segments_of(load, SPEECH)
    assert [s.skipped for s in segments] == [True, False, True, False, True, False]


def test_segment_speakers_to_skip_is_configurable_and_case_insensitive(load):
    project = load({"t.txt": "MODERATOR: q\nPARENT 1: a\n"}, config="speakers_to_skip: [moderator]\n")
    assert [s.skipped for s in project.corpus.segments] == [True, False]


def test_segment_ids_are_the_same_every_run(load):
    _, first = segments_of(load, SPEECH, "paragraph")
    _, second = segments_of(load, SPEECH, "paragraph")
    assert [s.id for s in first] == [s.id for s in second]
    assert first[1].id == "t#" + segment_hash("First paragraph of the answer. It has two sentences.")


def test_segment_repeated_text_gets_a_deterministic_disambiguator(load):
    _, segments = segments_of(load, SPEECH)
    yes = [s.id for s in segments if s.text == "Yes."]
    assert yes == [f"t#{segment_hash('Yes.')}", f"t#{segment_hash('Yes.')}.2"]
    assert len({s.id for s in segments}) == len(segments)


@pytest.mark.parametrize("mode", ["turn", "paragraph", "sentence"])
@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace(
            "Interviewer: Next?", "Interviewer: A new question?\n\nMaria Lopez: A new answer.\n\nInterviewer: Next?"
        ),
        lambda t: t.replace("Interviewer: Next?\n\nMaria Lopez: Yes.\n\n", ""),
        lambda t: t.replace("First question?", "Frist question, edited?"),
    ],
    ids=["insert", "delete", "edit"],
)
def test_segment_editing_one_paragraph_keeps_all_other_ids(load, mode, edit):
    _, before = segments_of(load, SPEECH, mode)
    _, after = segments_of(load, edit(SPEECH), mode)
    before_ids = {s.text: s.id for s in before if s.text != "Yes."}
    after_ids = {s.text: s.id for s in after if s.text != "Yes."}
    unchanged = set(before_ids) & set(after_ids)
    assert len(unchanged) >= len(before_ids) - 1
    assert all(before_ids[t] == after_ids[t] for t in unchanged)


def test_segment_ids_ignore_line_wrapping(load):
    a = "Maria: We met on Wednesday\nand sorted work.\n"
    b = "Maria: We met on Wednesday and\nsorted work.\n"
    _, one = segments_of(load, a)
    _, two = segments_of(load, b)
    assert one[0].id != two[0].id or one[0].text.split() == two[0].text.split()
    assert make_ids("t", ["x  y"]) == make_ids("t", ["x\ny"])


def test_segment_front_matter_offsets(load):
    project = load({"a.txt": INTERVIEW})
    text = project.corpus.transcripts[0].text
    assert [text[s.start : s.end] for s in project.corpus.segments] == [s.text for s in project.corpus.segments]
    assert project.corpus.segments[1].text.startswith("We meet every Wednesday")


_line = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)
_labels = st.sampled_from(["Interviewer: ", "MARIA: ", "Q: ", "A: ", "[00:01:02] Speaker 2: ", "", "", "Note: "])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_labels, _line, st.booleans()), max_size=12), st.sampled_from(["turn", "paragraph", "sentence"])
)
def test_segment_spans_always_match_text_property(tmp_path_factory, lines, mode):
    from qualcode.study.segment import segment_transcripts
    from qualcode.study.transcripts import Transcript
    from qualcode.study.turns import detect_turns

    text = "".join(label + body + ("\n\n" if blank else "\n") for label, body, blank in lines)
    transcript = Transcript("t", tmp_path_factory.getbasetemp(), "t.txt", text, {}, detect_turns(text))
    segments = segment_transcripts([transcript], mode)["t"]
    assert all(text[s.start : s.end] == s.text and s.text.strip() == s.text and s.text for s in segments)
    assert len({s.id for s in segments}) == len(segments)
    starts = [s.start for s in segments]
    assert starts == sorted(starts)
