"""The report as a principal investigator uses it, in Chromium (issue 13, points 12-16): the
agreement table, a quotes panel that leaves the page where it was, whole transcript ids, a
readable theme column in print, participant ids, coding notes and memos, filters on every
attribute, search, copy and CSV, natural case order, and attack strings in all the new text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.helpers import IMG_PAYLOAD, SCRIPT_PAYLOAD, TRANSCRIPTS, build_study, segment
from tests.test_report_browser import ARGS, CHROMIUM, Opened, browser, watch  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)",
)


@pytest.fixture
def open_page(browser):  # noqa: F811
    """Open a report from disk in a context that may use the clipboard and save downloads."""
    contexts = []

    def _open(path, width=1400, height=1000) -> Opened:
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        contexts.append(context)
        page = context.new_page()
        return watch(page, path, allow_blobs=True)

    yield _open
    for context in contexts:
        context.close()


def _report(cli, root, *args):
    result = cli("-C", root, "report", "-o", "reports/pi.html", *args)
    assert result.exit_code == 0, result.output
    return root / "reports" / "pi.html"


def _cell(page, code, column):
    return page.locator(f'#matrix tbody tr[data-code-id="{code}"] td button').nth(column)


def _row(page, code):
    return page.locator(f'#matrix tbody tr[data-code-id="{code}"] td button').all_inner_texts()


def _box(locator):
    box = locator.bounding_box()
    return tuple(round(box[k], 1) for k in ("x", "y", "width", "height"))


# -- 12 --------------------------------------------------------------------------------------------


def test_browser_agreement_nests_aligns_and_leaves_out_the_reconciled_coder(open_page, make_project, cli):
    root = build_study(make_project).root
    assert cli("-C", root, "reconcile", "--coders", "ana,ben", "--into", "ana-ben", "--keep-union").exit_code == 0
    opened = open_page(_report(cli, root))
    page = opened.page
    section = page.locator("#agreement-section")
    assert (
        section.locator("p.excluded").inner_text().startswith("ana-ben (reconciled from ana and ben) is not compared")
    )
    assert section.locator("p.lede").inner_text().startswith("ana, ben coded")
    rows = section.locator("table.agreement tbody tr")
    ids = [rows.nth(i).get_attribute("data-code-id") for i in range(rows.count())]
    assert ids.index("collaborative_pl") + 1 == ids.index("coaching")
    parent = rows.nth(ids.index("collaborative_pl")).locator("th")
    child = rows.nth(ids.index("coaching")).locator("th")
    assert parent.bounding_box()["x"] < child.locator("xpath=.").evaluate(
        "th => th.getBoundingClientRect().left + parseFloat(getComputedStyle(th).paddingLeft)"
    )
    # every header is aligned as the cells of its column
    aligned = page.evaluate(
        """() => {
          const table = document.querySelector('#agreement-section table.agreement');
          const heads = Array.from(table.tHead.rows[0].cells);
          const body = Array.from(table.tBodies[0].rows).find(r => !r.classList.contains('heading'));
          return heads.map((h, i) => [getComputedStyle(h).textAlign, getComputedStyle(body.cells[i]).textAlign]);
        }"""
    )
    assert all(head == cell for head, cell in aligned), aligned
    assert aligned[0][0] == "left" and aligned[1][0] == "right"
    opened.clean()


# -- 13 --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("column", [0, 2])  # a case cell, and the "All cases" cell at the right
def test_browser_opening_the_quotes_leaves_the_clicked_cell_in_place_and_in_view(open_page, make_project, cli, column):
    root = build_study(make_project).root
    opened = open_page(_report(cli, root))
    page = opened.page
    button = _cell(page, "collaborative_pl", column)
    button.scroll_into_view_if_needed()
    before = _box(button)
    page_height = page.evaluate("document.documentElement.scrollHeight")
    button.click()
    assert page.locator("#panel").is_visible()
    assert _box(button) == before
    assert page.evaluate("document.documentElement.scrollHeight") == page_height
    x, y, width, height = before
    assert x >= 0 and x + width <= 1400 and y >= 0 and y + height <= 1000
    # not hidden under the panel either: the cell is what is at its centre
    covered = button.evaluate(
        """b => {
          const r = b.getBoundingClientRect();
          const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
          return !(e === b || b.contains(e));
        }"""
    )
    assert not covered
    opened.clean()


def test_browser_transcript_ids_in_case_cards_stay_on_one_line(open_page, make_project, cli):
    transcripts = dict(TRANSCRIPTS)
    transcripts["alder/district-administrator-interview-2024-spring-01.txt"] = transcripts.pop("alder/principal-01.txt")
    root = build_study(make_project, transcripts).root
    opened = open_page(_report(cli, root), width=420)
    page = opened.page
    tid = page.locator("article.case code.tid", has_text="district-administrator").first
    lines = tid.evaluate("c => c.getClientRects().length")
    style = tid.evaluate("c => [getComputedStyle(c).whiteSpace, getComputedStyle(c).overflowWrap]")
    assert lines == 1 and style == ["nowrap", "normal"]
    opened.clean()


def test_browser_print_keeps_the_theme_column_readable_with_many_cases(open_page, make_project, cli):
    transcripts = {
        f"d{n}/t.txt": f"---\ncase: Unified-School-District-{n}\nrole: teacher\n---\nInterviewer: Q?\n\nAna: We plan.\n"
        for n in range(1, 15)
    }
    root = make_project(transcripts, codebook=_LONG_LABELS, name="many")
    from qualcode.app.study import open_project

    study = open_project(root)
    for seg in study.corpus.coded_segments():
        study.code(seg.id, ["collaborative_pl"], "ana")
    opened = open_page(_report(cli, root), width=794, height=1123)  # A4 at 96 dpi
    page = opened.page
    page.emulate_media(media="print")
    head = page.locator('#matrix tbody tr[data-code-id="collaborative_pl"] th')
    assert head.bounding_box()["width"] >= 140
    letters = head.locator("a").evaluate(
        "a => { const r = document.createRange(); r.selectNodeContents(a); return r.getClientRects().length; }"
    )
    assert letters <= 3  # "Collaborative professional learning communities" on a few lines, not a letter a line
    opened.clean()


_LONG_LABELS = """\
name: Long
codes:
  - id: collaborative_pl
    label: Collaborative professional learning communities
  - id: data_use
    label: Data use
"""


# -- 14 --------------------------------------------------------------------------------------------


def _annotated(make_project, transcripts=None):
    study = build_study(make_project, transcripts)
    study.annotate(segment(study, "We look at the benchmark").id, f"ask about the data team {IMG_PAYLOAD}", "ana")
    memos = study.root / "memos"
    memos.mkdir()
    (memos / "2026-01-05-data.md").write_text(
        f"---\ntitle: 'Data {SCRIPT_PAYLOAD}'\nauthor: ana\ndate: 2026-01-05\ncodes: [data_use]\n---\n\n"
        f"Benchmarks drive the meetings.\n{IMG_PAYLOAD}\n",
        encoding="utf-8",
    )
    return study


def test_browser_quotes_show_participants_and_notes_and_memos_are_linked(open_page, make_project, cli):
    study = _annotated(make_project)
    opened = open_page(_report(cli, study.root))
    page = opened.page
    _cell(page, "data_use", 0).click()
    teacher = page.locator("#panel-quotes > li", has_text="benchmark")
    assert teacher.locator(".meta span").all_inner_texts()[:3] == ["Maria Lopez", "participant A-T1", "teacher"]
    assert teacher.locator(".notes li").all_inner_texts() == [f"ana: ask about the data team {IMG_PAYLOAD}"]
    principal = page.locator("#panel-quotes > li", has_text="We use data to plan")
    assert principal.locator(".q-participant").count() == 0  # no participant attribute: the speaker says who
    page.locator("#panel-close").click()
    link = page.locator('#matrix tbody tr[data-code-id="data_use"] th a.memo-link')
    assert link.get_attribute("title") == f"Memo: Data {SCRIPT_PAYLOAD}"
    link.click()
    memo = page.locator("#memo-1")
    assert page.evaluate("location.hash") == "#memo-1"
    assert memo.is_visible() and memo.locator("h3").inner_text() == f"Data {SCRIPT_PAYLOAD}"
    assert memo.locator(".memo-body").inner_text() == f"Benchmarks drive the meetings. {IMG_PAYLOAD}"
    assert page.locator("#code-data_use .memo-links a").get_attribute("href") == "#memo-1"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    opened.clean()


# -- 15 --------------------------------------------------------------------------------------------


def test_browser_filters_on_every_attribute(open_page, make_project, cli):
    opened = open_page(_report(cli, build_study(make_project).root))
    page = opened.page
    assert page.locator("select[data-filter]").evaluate_all("s => s.map(x => x.dataset.filter)") == [
        "participant",
        "role",
    ]
    page.select_option('select[data-filter="participant"]', "A-T1")
    assert _row(page, "data_use") == ["1", "0", "1"]
    assert _row(page, "family") == ["0", "0", "0"]
    assert page.locator("#matrix-filter").inner_text() == " (participant: A-T1)"
    opened.clean()


def test_browser_search_copy_and_save_the_quotes_as_csv(open_page, make_project, cli):
    transcripts = dict(TRANSCRIPTS)
    transcripts["bayview/teacher-01.txt"] = TRANSCRIPTS["bayview/teacher-01.txt"].replace(
        "participant: B-T1", "participant: '=HYPERLINK(\"http://x\")'"
    )
    study = _annotated(make_project, transcripts)
    opened = open_page(_report(cli, study.root))
    page = opened.page
    from playwright.sync_api import expect  # waits for the page (the clipboard answers asynchronously)

    page.fill("#quote-search", "data")
    page.press("#quote-search", "Enter")
    expect(page.locator("#panel-quotes li blockquote")).to_have_text(
        ["We use data to plan.", "Parents come to our data nights.", "We look at the benchmark data together."]
    )
    expect(page.locator("#panel-title")).to_have_text("All coded quotes · all cases · “data”")
    page.fill("#panel-search", "plan")
    expect(page.locator("#panel-quotes li blockquote")).to_have_text(["We use data to plan."])
    page.click("#panel-copy")
    expect(page.locator("#panel-tool-status")).to_have_text("Copied 1 quote.")
    assert page.evaluate("navigator.clipboard.readText()").startswith("“We use data to plan.”\n— Ann Diaz")
    page.fill("#panel-search", "")
    page.locator("#panel-close").click()
    _cell(page, "family", 2).click()  # family in all cases: Alder's principal and Bayview's teacher
    with page.expect_download() as download:
        page.click("#panel-csv")
    saved = download.value
    assert saved.suggested_filename == "Family-all-cases.csv"
    text = Path(saved.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["quote"] for r in rows] == ["Parents come to our data nights.", "Families are partners here."]
    assert rows[1]["participant"] == '\'=HYPERLINK("http://x")'  # not a formula in a spreadsheet
    assert rows[1]["case"] == "Bayview" and rows[0]["codes"] == "Data use; Family"
    opened.clean()


def test_browser_copy_falls_back_to_a_selected_text_box(open_page, make_project, cli):
    opened = open_page(_report(cli, build_study(make_project).root))
    page = opened.page
    page.evaluate("Object.defineProperty(navigator, 'clipboard', { value: undefined })")
    _cell(page, "family", 2).click()
    page.click("#panel-copy")
    area = page.locator("#panel-copy-text")
    from playwright.sync_api import expect

    expect(page.locator("#panel-tool-status")).not_to_have_text("")  # set once the copy is answered
    status = page.locator("#panel-tool-status").inner_text()
    if area.is_visible():  # execCommand refused: the text is there, selected, to copy by hand
        assert status.startswith("Copying is blocked here")
        assert area.input_value().startswith("“Parents come to our data nights.”")
        assert page.evaluate("document.activeElement.id") == "panel-copy-text"
    else:
        assert status == "Copied 2 quotes."
    opened.clean()


def test_browser_search_with_attack_strings_stays_text(open_page, make_project, cli):
    opened = open_page(_report(cli, build_study(make_project).root))
    page = opened.page
    page.fill("#quote-search", IMG_PAYLOAD + SCRIPT_PAYLOAD)
    page.press("#quote-search", "Enter")
    assert page.locator("#panel-status").inner_text() == "No quotes."
    assert page.locator("#panel-title").inner_text().endswith(f"“{IMG_PAYLOAD + SCRIPT_PAYLOAD}”")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    opened.clean()


# -- 16 --------------------------------------------------------------------------------------------


def test_browser_case_columns_sort_naturally(open_page, make_project, cli):
    transcripts = {
        f"p{n}/t.txt": f"---\ncase: P{n}\nrole: teacher\n---\nInterviewer: Q?\n\nAna: We use data.\n"
        for n in (10, 2, 1)
    }
    root = make_project(transcripts, name="natural")
    opened = open_page(_report(cli, root))
    page = opened.page
    assert page.locator("#matrix thead th").all_inner_texts() == ["Theme", "P1", "P2", "P10", "All cases"]
    assert page.locator("article.case h3").all_inner_texts() == ["P1", "P2", "P10"]
    opened.clean()
