"""Spreadsheet import and export of codings."""

import csv
import io
import json

from openpyxl import Workbook

from qualcode.app.study import open_project

TEXT = """\
---
case: Mesa Verde
role: teacher
participant: MV-T9
---
Interviewer: How do you use assessments?

Lorena Castellanos: We give a benchmark every six weeks and then we regroup kids for the intervention block.

Then the data chat happens on Thursdays with the coach.

Interviewer: Anything else?

Lorena Castellanos: My coaching cycle this fall was about small groups.
"""


def project_root(make_project):
    return make_project({"mesa-verde/teacher-01.txt": TEXT}, config="segment_by: paragraph\n")


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_import_codings_anchors_exact_fuzzy_and_spanning_quotes(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(
        sheet,
        [
            ["Transcript", "Quote", "Code", "Memo"],
            ["mesa-verde/teacher-01", "regroup kids for the intervention block", "data_use", "regrouping"],
            ["mesa-verde/teacher-01.txt", "My coachng cycle this fall", "collaborative_pl/coaching", ""],
            ["mesa-verde/teacher-01", "intervention block. Then the data chat happens", "data_use; coaching", ""],
        ],
    )
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert "row 3: quote matched approximately" in result.stderr
    codings = open_project(root).load_codings()
    project = open_project(root)
    spoken = [s for s in project.corpus.segments if not s.skipped]
    got = {(project.corpus.segment_index[c.segment].text[:20], c.code, c.source) for c in codings.codings}
    assert got == {
        (spoken[0].text[:20], "data_use", "import"),
        (spoken[1].text[:20], "data_use", "import"),
        (spoken[0].text[:20], "coaching", "import"),
        (spoken[1].text[:20], "coaching", "import"),
        (spoken[2].text[:20], "coaching", "import"),
    }
    memo = [c.memo for c in codings.codings if c.segment == spoken[0].id and c.code == "data_use"]
    assert memo == ["regrouping"]
    assert "imported 5 coding(s) from 3 row(s) for ana" in result.stderr


def test_import_codings_bad_rows_are_all_listed_and_nothing_is_imported(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(
        sheet,
        [
            ["transcript", "quote", "code"],
            ["mesa-verde/teacher-01", "regroup kids", "data_use"],
            ["mesa-verde/teacher-1", "regroup kids", "data_use"],
            ["mesa-verde/teacher-01", "regroup kids", "data_us"],
            ["mesa-verde/teacher-01", "a sentence nobody ever said in this interview", "data_use"],
            ["mesa-verde/teacher-01", "", "data_use"],
        ],
    )
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"read {sheet} as comma-separated, UTF-8"
    assert result.stderr.splitlines()[1:5] == [
        f"Error: {sheet}:3: no transcript 'mesa-verde/teacher-1' (did you mean 'mesa-verde/teacher-01'?)",
        f"{sheet}:4: no code 'data_us' (did you mean 'data_use'?)",
        f"{sheet}:5: quote not found in transcript 'mesa-verde/teacher-01' (even approximately); check it against the transcript text",
        f"{sheet}:6: empty quote",
    ]
    assert "nothing was imported" in result.stderr
    assert not (root / "codings" / "ana.jsonl").exists()

    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder", "--skip-bad")
    assert result.exit_code == 0
    assert "imported 1 coding(s) from 5 row(s) for ana; 4 bad row(s) skipped" in result.stderr
    assert len(open_project(root).load_codings().codings) == 1


def test_import_codings_missing_columns(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(sheet, [["file", "text", "code"], ["a", "b", "c"]])
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 1
    assert "sheet.csv:1: missing column(s) transcript, quote (found: file, text, code)" in result.stderr


def test_import_codings_from_xlsx(make_project, cli, tmp_path):
    root = project_root(make_project)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["transcript", "quote", "code", "memo"])
    sheet.append(["mesa-verde/teacher-01", "data chat happens on Thursdays", "data_use", None])
    path = tmp_path / "sheet.xlsx"
    workbook.save(path)
    result = cli("-C", root, "import", "codings", path, "--coder", "ben", "--new-coder")
    assert result.exit_code == 0, result.stderr
    [coding] = open_project(root).load_codings().codings
    assert coding.coder == "ben" and coding.code == "data_use"


def test_import_codings_broken_xlsx_is_a_clear_error(make_project, cli, tmp_path):
    root = project_root(make_project)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = cli("-C", root, "import", "codings", path, "--coder", "ben", "--new-coder")
    assert result.exit_code == 1
    assert "not a readable XLSX workbook" in result.stderr


def test_export_codings_rows_have_the_contract_keys_and_attributes(make_project, cli):
    root = project_root(make_project)
    project = open_project(root)
    segment = [s for s in project.corpus.segments if not s.skipped][0]
    project.code(segment.id, ["data_use"], "ana", memo="note")
    rows = json.loads(cli("-C", root, "export", "codings", "--format", "json").stdout)
    assert rows == [
        {
            "transcript": "mesa-verde/teacher-01",
            "case": "Mesa Verde",
            "segment": segment.id,
            "speaker": "Lorena Castellanos",
            "code": "data_use",
            "coder": "ana",
            "source": "manual",
            "quote": segment.text,
            "memo": "note",
            "time_start": None,
            "time_end": None,
            "participant": "MV-T9",
            "role": "teacher",
        }
    ]
    header = cli("-C", root, "export", "codings").stdout.splitlines()[0]
    assert header == "transcript,case,segment,speaker,code,coder,source,quote,memo,time_start,time_end,participant,role"


def test_export_codings_csv_cells_are_protected_against_formulas(make_project, cli, tmp_path):
    text = TEXT.replace("We give a benchmark", '=HYPERLINK("http://evil","x") We give a benchmark')
    root = make_project({"mesa-verde/teacher-01.txt": text}, config="segment_by: paragraph\n")
    project = open_project(root)
    segment = [s for s in project.corpus.segments if not s.skipped][0]
    project.code(segment.id, ["data_use"], "ana", memo="+1 great quote")
    project.code(segment.id, ["coaching"], "ana", memo="@SUM(A1)")
    out = tmp_path / "out.csv"
    assert cli("-C", root, "export", "codings", "-o", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["quote"][:11] for r in rows} == {"'=HYPERLINK"}
    assert {r["memo"] for r in rows} == {"'+1 great quote", "'@SUM(A1)"}


def test_export_codings_output_paths_stay_inside_the_project(make_project, cli):
    root = project_root(make_project)
    assert cli("-C", root, "export", "codings", "-o", "exports/all.csv").exit_code == 0
    assert (root / "exports" / "all.csv").read_text().startswith("transcript,case,segment")
    refused = cli("-C", root, "export", "codings", "-o", "../outside.csv")
    assert refused.exit_code == 1 and "outside the project folder" in refused.stderr
    assert not (root.parent / "outside.csv").exists()


# -- point 11 of issue 13: XLSX export, delimiter/encoding detection, header did-you-mean ----------


def read_xlsx(path):
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def codings_of(root, coder=None):
    return sorted(
        (c.segment, c.code, c.memo) for c in open_project(root).load_codings([coder] if coder else None).codings
    )


def test_import_codings_reads_semicolon_separated_windows_1252_csv(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "codings.csv"
    # European Excel on Windows: ";" between cells, cp1252 bytes, no byte-order mark, CRLF.
    lines = [
        "transcript;quote;code;memo",
        "mesa-verde/teacher-01;regroup kids for the intervention block;data_use;réunion, puis école – groupes",
        'mesa-verde/teacher-01;"My coaching cycle this fall";coaching;',
    ]
    sheet.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert f"read {sheet} as semicolon-separated, Windows-1252" in result.stderr
    assert f"{sheet}:2: not valid UTF-8 (byte 0xe9); read as Windows-1252" in result.stderr
    project = open_project(root)
    spoken = [s for s in project.corpus.segments if not s.skipped]
    assert codings_of(root) == sorted(
        [(spoken[0].id, "data_use", "réunion, puis école – groupes"), (spoken[2].id, "coaching", "")]
    )


def test_import_codings_reads_tab_separated_utf8_with_bom_and_comma_csv(make_project, cli, tmp_path):
    root = project_root(make_project)
    tabbed = tmp_path / "tabbed.csv"
    tabbed.write_bytes(
        b"\xef\xbb\xbftranscript\tquote\tcode\tmemo\n"
        + "mesa-verde/teacher-01\tthe data chat happens on Thursdays, with the coach\tdata_use\tdéjà vu\n".encode()
    )
    result = cli("-C", root, "import", "codings", tabbed, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert f"read {tabbed} as tab-separated, UTF-8 with byte-order mark" in result.stderr
    assert [(code, memo) for _s, code, memo in codings_of(root)] == [("data_use", "déjà vu")]

    commas = tmp_path / "commas.csv"
    write_csv(
        commas,
        [
            ["transcript", "quote", "code", "memo"],
            ["mesa-verde/teacher-01", "about small groups", "coaching", "a; b; c"],
        ],
    )
    result = cli("-C", root, "import", "codings", commas, "--coder", "ben", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert f"read {commas} as comma-separated, UTF-8" in result.stderr
    assert [(code, memo) for _s, code, memo in codings_of(root, "ben")] == [("coaching", "a; b; c")]


def test_import_codings_header_names_get_did_you_mean(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(sheet, [["Transcript", "Quote", "Codes"], ["mesa-verde/teacher-01", "regroup kids", "data_use"]])
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert (
        f"Error: {sheet}:1: missing column(s) code (found: Transcript, Quote, Codes); "
        "did you mean 'code' for column 'Codes'?; "
        "the first row must name the columns transcript, quote, code and optionally memo, segment"
    ) in result.stderr
    assert not (root / "codings" / "ana.jsonl").exists()

    write_csv(
        sheet,
        [[" TRANSCRIPT ", "quote", "Code", "Segment ID"], ["mesa-verde/teacher-01", "regroup kids", "data_use", "x"]],
    )
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert f"note: {sheet}:1: read column(s) 'TRANSCRIPT' as 'transcript', 'Code' as 'code'" in result.stderr
    assert (
        f"note: {sheet}:1: column 'Segment ID' is not read (did you mean 'segment'?); rename it 'segment' to use it"
    ) in result.stderr
    assert len(codings_of(root)) == 1


def test_import_codings_from_an_openpyxl_workbook_says_which_sheet(make_project, cli, tmp_path):
    root = project_root(make_project)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Team A"
    sheet.append(["Transcript ", "quote", "code", "memo"])
    sheet.append(["mesa-verde/teacher-01", "coaching cycle this fall", "collaborative_pl/coaching", 42])
    workbook.create_sheet("notes")
    path = tmp_path / "team.xlsx"
    workbook.save(path)
    result = cli("-C", root, "import", "codings", path, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert f"read {path} as XLSX, sheet 'Team A' (its 1 other sheet(s) not read)" in result.stderr
    [(_segment, code, memo)] = codings_of(root)
    assert (code, memo) == ("coaching", "42")


def test_export_codings_xlsx_round_trips_through_import(make_project, cli, tmp_path):
    text = TEXT.replace("We give a benchmark", '=HYPERLINK("http://evil","x") We give a benchmark')
    root = make_project({"mesa-verde/teacher-01.txt": text}, config="segment_by: paragraph\n")
    project = open_project(root)
    spoken = [s for s in project.corpus.segments if not s.skipped]
    project.code(spoken[0].id, ["data_use", "coaching"], "ana", memo="+1 great quote")
    project.code(spoken[1].id, ["data_use"], "ana", memo="bell\x07 rang; école")
    project.code(spoken[2].id, ["coaching"], "ana")
    project.code(spoken[2].id, ["data_use"], "ben")
    out = tmp_path / "ana.xlsx"
    result = cli("-C", root, "export", "codings", "--format", "xlsx", "--coder", "ana", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "wrote 4 coding(s)" in result.stderr
    assert "note: row 4, column memo: 1 control character(s) removed" in result.stderr
    header, rows = read_xlsx(out)
    assert header[:11] == [
        "transcript", "case", "segment", "speaker", "code", "coder", "source", "quote", "memo", "time_start",
        "time_end",
    ]  # fmt: skip
    assert {r["quote"][:11] for r in rows if r["segment"] == spoken[0].id} == {"'=HYPERLINK"}
    assert {r["memo"] for r in rows} == {"'+1 great quote", "bell rang; école", None}
    assert {r["participant"] for r in rows} == {"MV-T9"}

    fresh = make_project({"mesa-verde/teacher-01.txt": text}, config="segment_by: paragraph\n", name="fresh")
    result = cli("-C", fresh, "import", "codings", out, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert f"read {out} as XLSX, sheet 'codings'" in result.stderr
    assert "imported 4 coding(s) from 4 row(s) for ana" in result.stderr
    expected = [(s, c, m.replace("\x07", "")) for s, c, m in codings_of(root, "ana")]
    assert codings_of(fresh) == expected


def test_export_codings_xlsx_cuts_cells_longer_than_excel_holds(make_project, cli, tmp_path):
    long_answer = " ".join(f"word{i}" for i in range(6000))  # about 40,000 characters in one paragraph
    root = make_project(
        {"t.txt": f"Interviewer: Tell me.\n\nAna Ruiz: {long_answer}\n"}, config="segment_by: paragraph\n"
    )
    project = open_project(root)
    [segment] = [s for s in project.corpus.segments if not s.skipped]
    assert len(segment.text) > 32_767
    project.code(segment.id, ["data_use"], "ana")
    out = tmp_path / "long.xlsx"
    result = cli("-C", root, "export", "codings", "--format", "xlsx", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (
        f"note: row 2, column quote: {len(segment.text):,} characters cut to 32,767, the most a spreadsheet cell holds"
    ) in result.stderr
    _header, [row] = read_xlsx(out)
    assert len(row["quote"]) == 32_767 and row["quote"].endswith("…")
    assert segment.text.startswith(row["quote"][:-1])

    # Without the segment column the cut quote is still found (by the text before the "…").
    workbook = Workbook()
    workbook.active.append(["transcript", "quote", "code"])
    workbook.active.append(["t", row["quote"], "coaching"])
    sheet = tmp_path / "quotes.xlsx"
    workbook.save(sheet)
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ben", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert codings_of(root, "ben") == [(segment.id, "coaching", "")]


def test_import_codings_with_a_stale_segment_falls_back_to_the_quote(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(
        sheet,
        [
            ["transcript", "segment", "quote", "code", "coder"],
            ["mesa-verde/teacher-01", "mesa-verde/teacher-01#deadbeef", "data chat happens on Thursdays", "data_use", "ben"],
        ],
    )  # fmt: skip
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert "1 row(s) name a segment that is not in their transcript (edited since?)" in result.stderr
    assert "the file's coder column names ben; every row was imported for ana" in result.stderr
    spoken = [s for s in open_project(root).corpus.segments if not s.skipped]
    assert codings_of(root) == [(spoken[1].id, "data_use", "")]


def test_export_codings_xlsx_needs_a_file(make_project, cli):
    root = project_root(make_project)
    result = cli("-C", root, "export", "codings", "--format", "xlsx")
    assert result.exit_code == 1
    assert "--format xlsx needs a file: add -o FILE" in result.stderr
    assert result.stdout == ""


def test_attributes_csv_may_be_semicolon_separated(make_project):
    root = project_root(make_project)
    (root / "transcripts" / "attributes.csv").write_bytes(
        "transcript;school;note\r\nmesa-verde/teacher-01;École Nord;a, b\r\n".encode("cp1252")
    )
    attributes = open_project(root).corpus.by_id["mesa-verde/teacher-01"].attributes
    assert attributes["school"] == "École Nord" and attributes["note"] == "a, b"


def test_import_codings_of_many_rows_over_many_transcripts_anchors_each_to_its_segment(make_project, cli, tmp_path):
    import random

    rng = random.Random(4)
    vocabulary = [
        "we",
        "give",
        "a",
        "benchmark",
        "every",
        "six",
        "weeks",
        "then",
        "regroup",
        "kids",
        "coach",
        "data",
        "chat",
        "cycle",
        "small",
        "groups",
    ]
    transcripts, expected, rows = {}, {}, [["transcript", "quote", "code"]]
    for t in range(30):
        paragraphs = []
        for p in range(40):
            # Each paragraph starts with a unique tag, so a quote from it occurs only there.
            body = " ".join(rng.choice(vocabulary) for _ in range(rng.randrange(8, 30)))
            paragraphs.append(f"Speaker{p % 2}: T{t}P{p}x {body}")
        transcripts[f"site-{t}/interview.txt"] = "\n\n".join(paragraphs) + "\n"
        for p in rng.sample(range(40), 35):
            words = paragraphs[p].split(": ", 1)[1].split()
            quote = " ".join(words[: rng.randrange(2, len(words) + 1)])
            if rng.random() < 0.3:
                quote = quote.upper().replace(" ", "  \n ", 1)  # case and whitespace differ
            rows.append([f"site-{t}/interview", quote, "data_use"])
            expected[(f"site-{t}/interview", p)] = True
    root = make_project(transcripts, config="segment_by: paragraph\n")
    sheet = tmp_path / "many.csv"
    write_csv(sheet, rows)
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert f"imported {len(rows) - 1} coding(s) from {len(rows) - 1} row(s) for ana" in result.stderr
    assert "approximately" not in result.stderr
    project = open_project(root)
    got = set()
    for coding in project.load_codings().codings:
        text = project.corpus.segment_index[coding.segment].text
        tag = text.split()[0]
        assert tag.startswith(f"T{coding.transcript.split('-')[1].split('/')[0]}P")
        got.add((coding.transcript, int(tag.split("P")[1].rstrip("x"))))
    assert got == set(expected)
