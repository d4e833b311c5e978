"""Codings survive transcript edits: kept, re-anchored, or orphaned — never dropped."""

import json

import pytest

from qualcode.app.study import open_project
from qualcode.coding.anchoring import Anchor, locate_quote, reanchor
from qualcode.coding.orphans import delete, reattach

TEXT = """\
---
case: Bayview
role: principal
---
Interviewer: Tell me about your teams.

Renata Villalobos: Every Wednesday our grade-level teams meet for an hour and bring the benchmark results.

Renata Villalobos: Maria Lopez runs the third-grade team and she is relentless about student work.

Interviewer: And the students?

Renata Villalobos: We have an intervention block every afternoon for kids who need more.
"""


def setup(make_project):
    root = make_project({"bayview/principal-01.txt": TEXT})
    project = open_project(root)
    spoken = [s for s in project.corpus.segments if not s.skipped]
    project.code(spoken[0].id, ["data_use"], "ana")
    project.code(spoken[1].id, ["collaborative_pl"], "ana")
    project.code(spoken[2].id, ["coaching"], "ana")
    return root, spoken


def edit(root, old, new):
    path = root / "transcripts" / "bayview" / "principal-01.txt"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def stored(root):
    lines = (root / "codings" / "ana.jsonl").read_text().splitlines()[1:]
    return [json.loads(line) for line in lines]


def test_anchoring_unchanged_segments_keep_their_ids_when_a_paragraph_is_inserted_above(make_project):
    root, spoken = setup(make_project)
    edit(
        root,
        "Interviewer: Tell me about your teams.",
        "Interviewer: Thanks for coming.\n\nRenata Villalobos: Happy to.\n\nInterviewer: Tell me about your teams.",
    )
    project = open_project(root)
    codings = project.load_codings()
    assert {(c.segment, c.code) for c in codings.codings} == {
        (spoken[0].id, "data_use"),
        (spoken[1].id, "collaborative_pl"),
        (spoken[2].id, "coaching"),
    }
    assert codings.reanchored == [] and codings.orphans == []


def test_anchoring_typo_fix_reanchors_in_memory_and_reanchor_saves_the_new_anchor(make_project):
    root, spoken = setup(make_project)
    edit(root, "relentless about student work", "relentless about students' work")
    before = (root / "codings" / "ana.jsonl").read_bytes()
    project = open_project(root)
    codings = project.load_codings()
    [(old, new, score)] = codings.reanchored
    assert old.segment == spoken[1].id and new.segment != spoken[1].id
    assert score > 90
    assert project.corpus.segment_index[new.segment].text.endswith("students' work.")
    assert (new.segment, "collaborative_pl") in {(c.segment, c.code) for c in codings.codings}
    assert any("moved to the edited text" in w for w in project.warnings)
    # Reading never writes: the store is exactly as it was.
    assert (root / "codings" / "ana.jsonl").read_bytes() == before
    # Saving is explicit.
    assert [(o.segment, n.segment) for o, n, _ in project.reanchor()] == [(old.segment, new.segment)]
    saved = {r["code"]: r for r in stored(root)}
    assert saved["collaborative_pl"]["segment"] == new.segment
    assert saved["collaborative_pl"]["anchor"]["quote"].endswith("students' work.")
    assert [e["action"] for e in project.store.read_log()][-1] == "reanchor"
    # Loading again finds everything in place: nothing more to move.
    assert open_project(root).load_codings().reanchored == []
    assert open_project(root).reanchor() == []


def test_anchoring_a_write_to_a_coder_file_saves_that_coders_moves(make_project):
    root, spoken = setup(make_project)
    edit(root, "relentless about student work", "relentless about students' work")
    project = open_project(root)
    [(old, new, _)] = project.load_codings().reanchored
    project.mark_done(["bayview/principal-01"], "ana")
    saved = {r["code"]: r for r in stored(root) if r["type"] == "coding"}
    assert saved["collaborative_pl"]["segment"] == new.segment
    assert open_project(root).load_codings().reanchored == []


def test_anchoring_name_replaced_by_placeholder(make_project):
    root, spoken = setup(make_project)
    edit(root, "Maria Lopez runs", "[TEACHER] runs")
    codings = open_project(root).load_codings()
    assert [(o.code, n.code) for o, n, _ in codings.reanchored] == [("collaborative_pl", "collaborative_pl")]
    assert codings.orphans == []


def test_anchoring_short_segment_edit_is_saved_by_its_context():
    anchor = Anchor("Maria said yes.", before="Interviewer: Who agreed? Pat:", after="Interviewer: And then?")
    from qualcode.study.segment import Segment

    text = "Interviewer: Who agreed?\n\nPat: [TEACHER] said yes.\n\nInterviewer: And then?"
    start = text.index("[TEACHER]")
    segment = Segment("t#x", "t", "Pat", start, start + len("[TEACHER] said yes."), "[TEACHER] said yes.")
    found = reanchor(anchor, [segment], text)
    assert found is not None and found[0] is segment


def test_anchoring_deleted_text_becomes_an_orphan_that_is_kept(make_project):
    root, spoken = setup(make_project)
    edit(root, "Renata Villalobos: We have an intervention block every afternoon for kids who need more.\n", "")
    project = open_project(root)
    codings = project.load_codings()
    assert [o.coding.code for o in codings.orphans] == ["coaching"]
    assert len(codings.codings) == 2
    assert any("1 orphaned coding(s)" in w for w in project.warnings)
    assert "coaching" in {r["code"] for r in stored(root)}  # still in the store


def test_anchoring_orphans_can_be_reattached_or_deleted(make_project):
    root, spoken = setup(make_project)
    edit(
        root,
        "We have an intervention block every afternoon for kids who need more.",
        "Honestly, the afternoons are the hard part.",
    )
    project = open_project(root)
    target = [s for s in project.corpus.segments if not s.skipped][2]
    assert reattach(project.store, project.corpus, project.codebook, spoken[2].id, target.id) == (1, 0)
    codings = open_project(root).load_codings()
    assert (target.id, "coaching") in {(c.segment, c.code) for c in codings.codings}
    assert codings.orphans == []

    edit(root, "Honestly, the afternoons are the hard part.", "Something else entirely now, about lunch menus.")
    project = open_project(root)
    assert delete(project.store, project.corpus, project.codebook, target.id) == (1, 0)
    assert open_project(root).load_codings().orphans == []
    assert project.store.read_log()[-1]["action"] == "delete-orphan"


def test_anchoring_whole_transcript_removed_orphans_everything(make_project):
    root, _ = setup(make_project)
    (root / "transcripts" / "bayview" / "principal-01.txt").unlink()
    (root / "transcripts" / "other.txt").write_text("---\ncase: X\n---\nQ: hi\nA: yo\n")
    codings = open_project(root).load_codings()
    assert len(codings.orphans) == 3
    assert {o.reason for o in codings.orphans} == {"transcript 'bayview/principal-01' is gone"}


@pytest.mark.parametrize(
    "quote, expected",
    [
        ("grade-level teams meet for an hour", "grade-level teams meet for an hour"),
        ("GRADE-LEVEL   teams\nmeet", "grade-level teams meet"),
        ("grade-levle teams meet for an hour", "grade-level teams meet for an hou"),
    ],
)
def test_anchoring_locate_quote_exact_then_fuzzy(quote, expected):
    text = "Every Wednesday our grade-level teams meet for an hour and bring the benchmark results."
    start, end, score = locate_quote(quote, text)
    assert text[start:end].startswith(expected[:20])
    assert (score == 100) == (quote.lower().split() == expected.lower().split())


def test_anchoring_locate_quote_not_found():
    assert locate_quote("nothing like this at all here", "Every Wednesday our teams meet.") is None


def _locate_by_regex(quote, text):
    """The reference: the word-by-word regular expression over the original text."""
    import re

    words = quote.split()
    match = re.search(r"\s+".join(re.escape(w) for w in words), text, flags=re.IGNORECASE) if words else None
    return (match.start(), match.end(), 100.0) if match else None


def test_anchoring_quote_index_finds_what_the_regex_finds_on_messy_text():
    import random

    from qualcode.coding.anchoring import QuoteIndex

    rng = random.Random(11)
    words = ["The", "coach", "data", "chat", "İstanbul", "Straße", "ﬁle", "we", "regroup", "kids", "ſo", "K", "día"]
    gaps = [" ", "  ", "\n", "\n\n", "\t", " \u00a0", "\r\n", "\u2003 "]
    for trial in range(40):
        text = rng.choice(["", "  ", "\n"]) + "".join(rng.choice(words) + rng.choice(gaps) for _ in range(300))
        index = QuoteIndex(text)
        for _ in range(60):
            start = rng.randrange(0, len(text))
            quote = text[start : start + rng.randrange(1, 80)]
            if rng.random() < 0.5:
                quote = " ".join(quote.split()).upper() if rng.random() < 0.5 else quote.lower()
            expected = _locate_by_regex(quote, text)
            if expected is not None:
                assert index.locate(quote) == expected, (trial, quote)
        assert index.locate("   ") is None
        assert index.locate("nothing like it at all anywhere zzz") is None


def test_anchoring_quote_index_falls_back_to_fuzzy_like_locate_quote():
    from qualcode.coding.anchoring import QuoteIndex, locate_quote

    text = "Interviewer: How?\n\nLorena: We give a   benchmark every six weeks and then regroup kids.\n"
    index = QuoteIndex(text)
    for quote in ["benchmrk every six weeks", "WE GIVE A BENCHMARK", "regroup kids.", "unrelated words here"]:
        assert index.locate(quote) == locate_quote(quote, text)
    start, end, score = index.locate("We give a benchmark every six")
    assert (text[start:end], score) == ("We give a   benchmark every six", 100.0)
