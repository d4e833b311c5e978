"""The report in a real browser (Debian's Chromium driven by playwright), opened from disk.

Every test asserts that nothing left the page and the console stayed clean. Numbers are the
hand counts of tests/test_matrix.py; the page script's views are also checked against
build_matrix for every measure, level and role.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qualcode.analysis.matrix import MEASURES, build_matrix, totals
from qualcode.app.study import open_project
from qualcode.report.format import format_value
from qualcode.report.render import build_report
from tests.helpers import IMG_PAYLOAD, REPO, SCRIPT_PAYLOAD, build_study, xss_study

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

# On a developer machine without Chromium these tests are skipped with the reason; CI sets
# QUALCODE_REQUIRE_BROWSER=1 so that a missing browser fails instead of silently checking nothing.
if os.environ.get("QUALCODE_REQUIRE_BROWSER") == "1" and not CHROMIUM.exists():
    raise RuntimeError("QUALCODE_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing; apt-get install chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)",
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@dataclass
class Opened:
    page: object
    requests: list[str] = field(default_factory=list)  # anything that is not the report file
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.requests == [], f"the report made network requests: {self.requests}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"a script opened dialogs: {self.dialogs}"


def watch(page, path: Path, allow_blobs: bool = False) -> Opened:
    """Open the report at ``path`` in ``page``, recording every request that is not the file
    itself (or, with ``allow_blobs``, a download the page made), console errors and dialogs."""
    opened = Opened(page)

    def route(request_route):
        url = request_route.request.url
        if url == path.as_uri() or (allow_blobs and url.startswith("blob:")):
            request_route.continue_()
        else:
            opened.requests.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("#matrix tbody tr")
    return opened


@pytest.fixture
def open_report(browser):
    pages = []

    def _open(path: Path, width: int = 1400) -> Opened:
        page = browser.new_page(viewport={"width": width, "height": 1000})
        pages.append(page)
        return watch(page, path)

    yield _open
    for page in pages:
        page.close()


@pytest.fixture
def study(make_project):
    return build_study(make_project)


@pytest.fixture
def report_path(study):
    path = study.root / "reports" / "cross-case.html"
    path.parent.mkdir(exist_ok=True)
    path.write_text(build_report(study.corpus, study.codebook, study.select()), encoding="utf-8")
    return path


def row(page, code: str) -> list[str]:
    return page.locator(f'#matrix tbody tr[data-code-id="{code}"] td button').all_inner_texts()


def cell(page, code: str, column: int):
    return page.locator(f'#matrix tbody tr[data-code-id="{code}"] td button').nth(column)


def shown_quotes(page) -> list[str]:
    return page.locator("#panel-quotes li blockquote").all_inner_texts()


def test_browser_report_opens_offline_and_shows_the_quotes_of_a_cell(open_report, report_path, tmp_path):
    opened = open_report(report_path)
    page = opened.page
    assert row(page, "data_use") == ["3", "0", "3"]
    cell(page, "data_use", 0).click()
    assert page.locator("#panel").is_visible()
    assert page.locator("#panel-title").inner_text() == "Data use · Alder"
    assert page.locator("#panel-status").inner_text() == "3 quotes from 2 transcripts."
    assert shown_quotes(page) == [
        "We use data to plan.",
        "Parents come to our data nights.",
        "We look at the benchmark data together.",
    ]
    first = page.locator("#panel-quotes > li").first
    assert first.locator(".meta span").all_inner_texts()[:4] == ["Ann Diaz", "principal", "Alder", "alder/principal-01"]
    assert page.locator("#panel-quotes > li").nth(1).locator(".chip").all_inner_texts() == ["Data use", "Family"]
    page.screenshot(path=str(tmp_path / "report-quotes.png"))
    assert (tmp_path / "report-quotes.png").stat().st_size > 10_000
    opened.clean()


@pytest.mark.parametrize(
    "measure, expected",
    [
        ("transcripts", {"data_use": ["2", "0", "2"], "collaborative_pl": ["2", "1", "3"], "family": ["1", "1", "2"]}),
        ("participants", {"data_use": ["3", "0", "3"], "collaborative_pl": ["2", "1", "3"], "family": ["1", "1", "2"]}),
        (
            "share",
            {
                "data_use": ["50%", "0%", "33%"],
                "collaborative_pl": ["50%", "33%", "44%"],
                "family": ["17%", "33%", "22%"],
            },
        ),
        ("segments", {"data_use": ["3", "0", "3"], "collaborative_pl": ["3", "1", "4"], "family": ["1", "1", "2"]}),
    ],
)
def test_browser_switching_the_measure_shows_the_right_numbers(open_report, report_path, measure, expected):
    opened = open_report(report_path)
    page = opened.page
    page.check('input[name="measure"][value="share"]')  # leave the default first
    page.check(f'input[name="measure"][value="{measure}"]')
    assert {code: row(page, code) for code in expected} == expected
    assert (
        page.locator("#matrix-measure").inner_text()
        == {
            "segments": "segments",
            "transcripts": "transcripts",
            "participants": "participants",
            "share": "share of segments",
        }[measure]
    )
    opened.clean()


def test_browser_role_filter_changes_numbers_and_quotes(open_report, report_path):
    opened = open_report(report_path)
    page = opened.page
    page.select_option('select[data-filter="role"]', "teacher")
    assert [row(page, c) for c in ("data_use", "collaborative_pl", "family")] == [
        ["1", "0", "1"],
        ["2", "1", "3"],
        ["0", "1", "1"],
    ]
    page.check('input[name="measure"][value="share"]')
    # Teachers: Alder 3 segments, Bayview 3, all 6.
    assert [row(page, c) for c in ("data_use", "collaborative_pl", "family")] == [
        ["33%", "0%", "17%"],
        ["67%", "33%", "50%"],
        ["0%", "33%", "17%"],
    ]
    page.select_option('select[data-filter="role"]', "principal")
    page.check('input[name="measure"][value="segments"]')
    assert [row(page, c) for c in ("data_use", "collaborative_pl", "family")] == [
        ["2", "0", "2"],
        ["1", "0", "1"],
        ["1", "0", "1"],
    ]
    cell(page, "collaborative_pl", 0).click()
    assert page.locator("#panel-title").inner_text() == "Collaborative PL · Alder · role: principal"
    assert shown_quotes(page) == ["Coaching is central."]
    page.select_option('select[data-filter="role"]', "teacher")  # the open panel follows the filter
    assert shown_quotes(page) == ["My coach visits every week.", "Our PLC meets on Wednesdays."]
    assert page.locator("#matrix-filter").inner_text() == " (role: teacher)"
    opened.clean()


def test_browser_sub_themes_roll_up_and_cooccurrence_opens_quotes(open_report, report_path):
    opened = open_report(report_path)
    page = opened.page
    page.check('input[name="level"][value="all"]')
    assert page.locator("#matrix tbody tr").count() == 6
    assert row(page, "coaching") == ["2", "0", "2"] and row(page, "plc") == ["2", "1", "3"]
    assert row(page, "collaborative_pl") == ["3", "1", "4"]
    page.locator("#cooccur tbody tr").nth(0).locator("button").nth(2).click()  # data_use x family
    assert page.locator("#panel-title").inner_text() == "Data use + Family · all cases"
    assert shown_quotes(page) == ["Parents come to our data nights."]
    assert page.locator("#code-family ol.exemplars > li").count() == 2
    opened.clean()


def test_browser_keyboard_opens_and_closes_the_quotes(open_report, report_path):
    opened = open_report(report_path)
    page = opened.page
    cell(page, "data_use", 0).focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-label')") == "Collaborative PL in Bayview: 1 segment"
    )
    page.keyboard.press("Enter")
    assert page.locator("#panel").is_visible()
    assert page.evaluate("document.activeElement.id") == "panel-title"
    assert shown_quotes(page) == ["We have a PLC too."]
    assert page.locator("#live").inner_text() == "Collaborative PL · Bayview: 1 quote from 1 transcript."
    page.keyboard.press("Escape")
    assert not page.locator("#panel").is_visible()
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-label')") == "Collaborative PL in Bayview: 1 segment"
    )
    opened.clean()


def test_browser_views_agree_with_build_matrix_for_every_measure_level_and_role(open_report, report_path, study):
    opened = open_report(report_path)
    page = opened.page
    codings = study.select().codings
    for level in ("top", "all"):
        page.check(f'input[name="level"][value="{level}"]')
        for measure in MEASURES:
            page.check(f'input[name="measure"][value="{measure}"]')
            for role in ("", "principal", "teacher"):
                page.select_option('select[data-filter="role"]', role)
                if role:
                    by_role = build_matrix(
                        study.corpus, study.codebook, codings, by=["case", "role"], measure=measure, level=level
                    )
                    wanted = {
                        c: [format_value(by_role.loc[c].get((case, role), 0), measure) for case in ("Alder", "Bayview")]
                        for c in by_role.index
                    }
                else:
                    table = build_matrix(study.corpus, study.codebook, codings, measure=measure, level=level)
                    total = totals(study.corpus, study.codebook, codings, measure, level)
                    wanted = {c: [format_value(v, measure) for v in [*table.loc[c], total[c]]] for c in table.index}
                seen = {c: row(page, c)[: len(wanted[c])] for c in wanted}
                assert seen == wanted, (level, measure, role)
    opened.clean()


def test_browser_attack_strings_stay_text(open_report, make_project, tmp_path):
    project = xss_study(make_project)
    path = tmp_path / "xss.html"
    path.write_text(
        build_report(project.corpus, project.codebook, project.select(), filters=["role", "case"]), encoding="utf-8"
    )
    opened = open_report(path)
    page = opened.page
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.scripts.length") == 2
    label = page.locator('#matrix tbody tr[data-code-id="family"] th').inner_text()
    assert label == IMG_PAYLOAD + SCRIPT_PAYLOAD
    page.select_option('select[data-filter="role"]', IMG_PAYLOAD)
    cell(page, "data_use", 1).click()  # Alder (the <script> case sorts first)
    assert shown_quotes(page) == [f"We look at the benchmark data together. {SCRIPT_PAYLOAD} {IMG_PAYLOAD}"]
    assert page.locator("#panel-quotes .meta span").all_inner_texts()[1:3] == ["participant A-T1", IMG_PAYLOAD]
    page.select_option('select[data-filter="role"]', "")
    cell(page, "family", 0).click()
    assert page.locator("#panel-title").inner_text() == f"{IMG_PAYLOAD}{SCRIPT_PAYLOAD} · {SCRIPT_PAYLOAD}"
    assert page.locator("#panel-quotes .chip").all_inner_texts() == [IMG_PAYLOAD + SCRIPT_PAYLOAD]
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    opened.clean()


def test_browser_demo_report_from_the_repository(open_report, tmp_path, cli):
    root = tmp_path / "demo"
    root.mkdir()
    shutil.copy(REPO / "qualcode.yaml", root)
    for folder in ("codebooks", "transcripts", "codings"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder, symlinks=False, ignore=shutil.ignore_patterns(".lock", "log"))
    result = cli("-C", root, "report")
    assert result.exit_code == 0, result.output
    path = root / "reports" / "cross-case.html"
    assert path.stat().st_size < 1_500_000
    project = open_project(root)
    table = build_matrix(project.corpus, project.codebook, project.select().codings)
    opened = open_report(path)
    page = opened.page
    headers = page.locator("#matrix thead th").all_inner_texts()
    assert len(headers) == 2 + len(table.columns) == 9  # theme, 7 districts, all cases
    assert page.locator("#matrix tbody tr").count() == len(project.codebook.codes) == 6
    for code in table.index:
        assert row(page, code)[:-1] == [str(v) for v in table.loc[code]]
    code, column = next(((c, j) for c in table.index for j, v in enumerate(table.loc[c]) if v), (None, None))
    if code is not None:  # the codings exist: a cell's quotes are as many as its segments
        cell(page, code, column).click()
        assert page.locator("#panel-quotes > li").count() == min(int(table.loc[code].iloc[column]), 100)
    page.check('input[name="measure"][value="share"]')
    assert all(text.endswith("%") for text in row(page, table.index[0]))
    assert page.locator(".case").count() == len(table.columns)
    assert page.locator("article.code-page").count() == sum(1 for _ in project.codebook.walk())
    page.screenshot(path=str(tmp_path / "demo-report.png"), full_page=False)
    opened.clean()


def test_browser_print_layout_hides_controls_and_panel(open_report, report_path):
    opened = open_report(report_path)
    page = opened.page
    cell(page, "data_use", 0).click()
    page.emulate_media(media="print")
    assert not page.locator("#panel").is_visible()
    assert not page.locator(".controls").is_visible()
    assert page.locator("#matrix").is_visible()
    opened.clean()


def test_browser_report_without_codings_roles_or_cases_still_works(open_report, make_project, tmp_path):
    root = make_project({"a.txt": "Interviewer: Hi?\n\nAnn: Hello there.\n", "b.txt": "---\ncase: B\n---\nBo: Yes.\n"})
    project = open_project(root)
    path = tmp_path / "empty.html"
    path.write_text(build_report(project.corpus, project.codebook, project.select()), encoding="utf-8")
    opened = open_report(path)
    page = opened.page
    assert page.locator("#matrix thead th").all_inner_texts() == ["Theme", "B", "(none)", "All cases"]
    assert page.locator("select[data-filter]").count() == 0
    assert row(page, "data_use") == ["0", "0", "0"]
    page.check('input[name="measure"][value="share"]')
    assert row(page, "data_use") == ["0%", "0%", "0%"]
    cell(page, "data_use", 0).click()
    assert page.locator("#panel-status").inner_text() == "No quotes."
    opened.clean()


def test_browser_quotes_show_the_time_in_the_recording(open_report, make_project):
    timed = """\
        ---
        case: North
        role: teacher
        ---
        [00:01:05] Interviewer: How do you plan?

        [00:01:29] Ann Diaz: We use benchmark data to plan every week.
        """
    root = make_project({"north/a.txt": timed}, name="timed")
    study = open_project(root)
    [answer] = study.corpus.coded_segments()
    study.code(answer.id, ["data_use"], "ana")
    study = open_project(root)
    path = root / "reports" / "timed.html"
    path.parent.mkdir(exist_ok=True)
    path.write_text(build_report(study.corpus, study.codebook, study.select()), encoding="utf-8")
    opened = open_report(path)
    page = opened.page
    cell(page, "data_use", 0).click()
    meta = page.locator("#panel-quotes > li").first.locator(".meta span").all_inner_texts()
    assert meta[:2] == ["Ann Diaz", "0:01:29"]
    assert page.locator("#panel-quotes .q-time").first.get_attribute("title") == "Time in the recording (h:mm:ss)"
    opened.clean()
