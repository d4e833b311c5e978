"""The report as a principal investigator uses it (issue 13, points 12-16), without a browser:
agreement nested by parent and comparing the independent coders, participant ids, coding notes
and memos in the page, filters on every attribute, natural case order. The browser side is in
tests/test_report_browser_pi.py."""

from __future__ import annotations

import json

import lxml.html
import pytest

from qualcode.analysis.matrix import build_matrix
from qualcode.app.study import open_project
from qualcode.errors import ConfigError
from qualcode.report.context import report_context
from qualcode.study.ordering import natural_key, ordered_values
from tests.helpers import IMG_PAYLOAD, SCRIPT_PAYLOAD, build_study, segment


def _html(root, cli, *args):
    result = cli("-C", root, "report", "-o", "reports/out.html", *args)
    assert result.exit_code == 0, result.output
    return (root / "reports" / "out.html").read_text(encoding="utf-8")


def _data(html: str) -> dict:
    tree = lxml.html.fromstring(html)
    return json.loads(tree.get_element_by_id("qc-data").text)


def _reconciled(make_project, cli):
    study = build_study(make_project)
    result = cli("-C", study.root, "reconcile", "--coders", "ana,ben", "--into", "ana-ben", "--keep-union")
    assert result.exit_code == 0, result.output
    return study.root


# -- 12: agreement ------------------------------------------------------------------------------


def test_report_agreement_nests_sub_codes_under_their_own_parent(make_project, cli):
    root = build_study(make_project).root  # nobody used collaborative_pl itself, only its children
    tree = lxml.html.fromstring(_html(root, cli))
    rows = tree.xpath('//table[contains(@class, "agreement")]/tbody/tr')
    ids = [r.get("data-code-id") for r in rows if r.get("data-code-id")]
    assert ids.index("collaborative_pl") == ids.index("coaching") - 1
    heading = rows[ids.index("collaborative_pl")]
    assert "heading" in heading.get("class")
    assert heading.xpath("th")[0].text_content() == "Collaborative PL"
    assert heading.xpath("th")[0].get("class") == "depth-0"
    assert rows[ids.index("coaching")].xpath("th")[0].get("class") == "depth-1"


def test_report_agreement_leaves_out_the_reconciled_coder_and_says_so(make_project, cli):
    root = _reconciled(make_project, cli)
    tree = lxml.html.fromstring(_html(root, cli))
    section = tree.get_element_by_id("agreement-section")
    assert (
        section.xpath('.//p[@class="excluded"]')[0]
        .text_content()
        .startswith("ana-ben (reconciled from ana and ben) is not compared")
    )
    assert section.xpath('.//p[@class="lede"]')[0].text_content().startswith("ana, ben coded")
    assert "ana-ben (reconciled from ana and ben)" in tree.get_element_by_id("provenance").text_content()
    # named explicitly, the reconciled coder is compared like any other
    tree = lxml.html.fromstring(_html(root, cli, "--coders", "ana,ana-ben"))
    section = tree.get_element_by_id("agreement-section")
    assert section.xpath('.//p[@class="excluded"]') == []
    assert section.xpath('.//p[@class="lede"]')[0].text_content().startswith("ana, ana-ben coded")


def test_reconciled_coders_are_found_from_the_log_or_the_reconcile_memos(make_project, cli):
    from qualcode.coding.reconcile import reconciled_coders

    root = _reconciled(make_project, cli)
    study = open_project(root)
    assert reconciled_coders(study.store) == {"ana-ben": ("ana", "ben")}
    (root / "codings" / "log" / "ana-ben.jsonl").unlink()  # a store whose log was not kept
    assert reconciled_coders(open_project(root).store) == {"ana-ben": ("ana", "ben")}
    (root / "codings" / "log" / "ana.jsonl").write_text("{not json\n", encoding="utf-8")  # nor a readable log
    assert reconciled_coders(open_project(root).store) == {"ana-ben": ("ana", "ben")}
    assert reconciled_coders(open_project(build_study(make_project, name="plain").root).store) == {}


# -- 14: participant ids, notes, memos -----------------------------------------------------------


def test_report_quotes_carry_participant_ids_and_coding_notes(make_project, cli):
    study = build_study(make_project)
    seg = segment(study, "We look at the benchmark")
    study.annotate(seg.id, f"check with Ana {SCRIPT_PAYLOAD}", "ana")
    html = _html(study.root, cli)
    assert SCRIPT_PAYLOAD not in html
    data = _data(html)
    quote = next(q for q in data["quotes"] if q["x"].startswith("We look at the benchmark"))
    assert quote["nt"] == [["ana", f"check with Ana {SCRIPT_PAYLOAD}"]]
    assert data["transcripts"][quote["t"]]["p"] == "A-T1"


def test_report_shows_memos_linked_from_the_codes_they_cite(make_project, cli):
    study = build_study(make_project)
    memos = study.root / "memos"
    memos.mkdir()
    (memos / "2026-01-05-coaching.md").write_text(
        f"---\ntitle: 'Coaching {IMG_PAYLOAD}'\nauthor: ana\ndate: 2026-01-05\n"
        f"codes: [coaching, collaborative_pl, gone]\n---\n\n# Coaching {IMG_PAYLOAD}\n\n"
        f"Coaches **build** trust.\n{SCRIPT_PAYLOAD}\n",
        encoding="utf-8",
    )
    html = _html(study.root, cli)
    assert SCRIPT_PAYLOAD not in html and IMG_PAYLOAD not in html
    tree = lxml.html.fromstring(html)
    memo = tree.get_element_by_id("memo-1")
    assert memo.xpath("h3")[0].text_content() == f"Coaching {IMG_PAYLOAD}"
    body = memo.xpath('.//div[@class="memo-body"]')[0]
    assert [p.text_content() for p in body.xpath("p")] == [f"Coaches build trust. {SCRIPT_PAYLOAD}"]
    assert [b.text for b in body.xpath("p/strong")] == ["build"]
    assert [a.get("href") for a in memo.xpath('.//p[@class="memo-codes"]/a')] == [
        "#code-coaching",
        "#code-collaborative_pl",
    ]
    assert memo.xpath('.//p[@class="memo-codes"]/span[@class="unknown"]')[0].text_content() == "gone"
    page = tree.get_element_by_id("code-coaching")
    assert page.xpath('.//p[@class="memo-links"]/a')[0].get("href") == "#memo-1"
    matrix_row = tree.xpath('//table[@id="matrix"]//tr[@data-code-id="collaborative_pl"]/th')[0]
    assert matrix_row.xpath('a[@class="memo-link"]')[0].get("href") == "#memo-1"
    assert tree.xpath('//nav//a[@href="#memos-section"]')
    assert not (study.root / "memos" / "2026-01-05-coaching.md").read_text(encoding="utf-8").startswith("x")


def test_report_without_memos_has_no_memo_section(make_project, cli):
    tree = lxml.html.fromstring(_html(build_study(make_project).root, cli))
    assert tree.xpath('//*[@id="memos-section"]') == []


def test_memo_markdown_is_data_never_markup():
    from qualcode.report.markdown import markdown_blocks

    text = "# Title *x*\n\nA **bold** line\nwrapped `code`.\n\n- one\n  more\n- <b>two</b>\n\nEnd *it*."
    assert markdown_blocks(text) == [
        {"kind": "h", "spans": [("", "Title "), ("i", "x")]},
        {"kind": "p", "spans": [("", "A "), ("b", "bold"), ("", " line wrapped "), ("c", "code"), ("", ".")]},
        {"kind": "ul", "items": [[("", "one more")], [("", "<b>two</b>")]]},
        {"kind": "p", "spans": [("", "End "), ("i", "it"), ("", ".")]},
    ]


# -- 15: filters on every attribute ----------------------------------------------------------------


def test_report_filters_every_transcript_attribute_by_default(make_project):
    study = build_study(make_project)
    context = report_context(study.corpus, study.codebook, study.select())
    assert [f["name"] for f in context["filters"]] == ["participant", "role"]  # not the case attribute
    assert context["data"]["filters"] == ["participant", "role"]


# -- 16: natural case order ------------------------------------------------------------------------


def test_natural_key_orders_numbers_as_numbers():
    assert sorted(["P10", "(none)", "p11", "P2", "P1"], key=natural_key) == ["P1", "P2", "P10", "p11", "(none)"]
    assert ordered_values(["P10", "P2", "Z"], order=["Z", "missing"]) == ["Z", "P2", "P10"]


def _numbered(make_project, config="segment_by: turn\n"):
    transcripts = {
        f"d{n}/t.txt": f"---\ncase: District {n}\nrole: teacher\n---\nInterviewer: Q?\n\nAna: We use data.\n"
        for n in (1, 2, 10)
    }
    root = make_project(transcripts, config=config, name="numbered")
    study = open_project(root)
    for seg in study.corpus.coded_segments():
        study.code(seg.id, ["data_use"], "ana")
    return open_project(root)


def test_cases_sort_naturally_in_the_matrix_and_the_report(make_project, cli):
    study = _numbered(make_project)
    expected = ["District 1", "District 2", "District 10"]
    assert list(build_matrix(study.corpus, study.codebook, study.select().codings).columns) == expected
    tree = lxml.html.fromstring(_html(study.root, cli))
    assert tree.xpath('//table[@id="matrix"]/thead/tr/th/text()')[1:4] == expected
    assert [h.text_content() for h in tree.xpath('//article[@class="case"]/h3')] == expected


def test_case_order_in_the_config_comes_first(make_project, cli):
    study = _numbered(make_project, "segment_by: turn\ncase_order: [District 10, District 2]\n")
    assert list(build_matrix(study.corpus, study.codebook, study.select().codings).columns) == [
        "District 10",
        "District 2",
        "District 1",
    ]
    result = cli("-C", study.root, "matrix", "--format", "json")
    assert result.exit_code == 0, result.output


def test_case_order_must_be_a_list(make_project):
    root = make_project({}, config="case_order: District 1\n", name="bad")
    with pytest.raises(ConfigError, match=r"qualcode.yaml:1: 'case_order' must be a list of cases"):
        open_project(root).config


def test_case_cards_list_transcripts_naturally(make_project):
    transcripts = {
        f"north/p{n}.txt": "---\ncase: North\n---\nInterviewer: Q?\n\nAna: We use data.\n" for n in (10, 2, 1)
    }
    study = open_project(make_project(transcripts, name="cards"))
    context = report_context(study.corpus, study.codebook, study.select())
    assert [t["id"] for t in context["cases"][0]["transcripts"]] == ["north/p1", "north/p2", "north/p10"]


def test_cases_lists_cases_in_natural_order(make_project, cli):
    transcripts = {f"p{n}/t.txt": f"---\ncase: P{n}\n---\nTeacher: hello.\n" for n in (10, 2, 1)}
    root = make_project(transcripts)
    rows = json.loads(cli("-C", root, "cases", "--format", "json").stdout)
    assert [r["case"] for r in rows] == ["P1", "P2", "P10"]
