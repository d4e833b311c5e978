"""Inter-coder agreement and reconciliation: ``agree``, ``reconcile``."""

from __future__ import annotations

import textwrap

import click

from qualcode.analysis.agreement import compare, disagreement_list, prepare
from qualcode.cli.common import coders_option, emit, emit_rows, format_option, pass_study
from qualcode.codebook.model import LEVELS
from qualcode.coding.identity import check_coder_name
from qualcode.coding.reconcile import (
    CHOICES,
    apply_reconciliation,
    done_summary,
    keep_all,
    parse_choice,
    plan_reconciliation,
)
from qualcode.common.tabular import to_json, to_table
from qualcode.errors import QualcodeError

STAT_COLUMNS = ["units", "coders", "agreement", "kappa", "alpha", "alpha 95% CI"]
CSV_COLUMNS = ["kind", "id", "units", "coders", "percent_agreement", "kappa", "alpha", "alpha_ci_low", "alpha_ci_high"]
WIDTH = 100


def _num(value, percent: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}%" if percent else f"{value:.2f}"


def _ci(value) -> str:
    return "n/a" if value is None else f"[{value[0]:.2f}, {value[1]:.2f}]"


def _stat_row(name: str, f: dict) -> dict:
    return {
        "name": name,
        "units": f.get("units"),
        "coders": f.get("coders"),
        "agreement": _num(f.get("percent_agreement"), True),
        "kappa": _num(f.get("kappa")),
        "alpha": _num(f["alpha"]),
        "alpha 95% CI": _ci(f["alpha_ci"]),
    }


def _render_table(result: dict, shared: int, book, level: str) -> str:
    coders = ", ".join(result["coders"])
    lines = [
        f"Agreement of {coders}: {shared} of {result['units']} segments coded by two or more of them "
        f"(each code present or absent per segment; level: {level})",
        "",
    ]
    rows = [_stat_row(book.path_of(c), f) for c, f in result["codes"].items()]
    lines += [to_table(rows, ["name", *STAT_COLUMNS], ["code", *STAT_COLUMNS]) if rows else "no codes to compare", ""]
    if result["groups"]:
        groups = [_stat_row(g, f) for g, f in result["groups"].items()]
        lines += [
            to_table(
                groups,
                ["name", "units", "alpha", "alpha 95% CI"],
                ["exclusive group (children as categories)", "units", "alpha", "alpha 95% CI"],
            ),
            "",
        ]
    pooled, mean = result["overall"]["pooled"], result["overall"]["mean"]
    overall = [
        {**_stat_row("pooled over (segment, code) decisions", pooled), "units": pooled["decisions"]},
        {
            **_stat_row(f"mean of per-code values ({mean['codes']} codes)", {**mean, "alpha_ci": None}),
            "alpha 95% CI": "",
        },
    ]
    lines += [
        to_table(
            overall,
            ["name", "units", "agreement", "kappa", "alpha", "alpha 95% CI"],
            ["overall", "units", "agreement", "kappa", "alpha", "alpha 95% CI"],
        )
    ]
    if result["notes"]:
        lines += ["", "notes:"] + [f"- {note}" for note in result["notes"]]
    return "\n".join(lines)


def _csv_rows(result: dict) -> list[dict]:
    rows = []

    def add(kind, name, f):
        low, high = f.get("alpha_ci") or (None, None)
        rows.append({"kind": kind, "id": name, **f, "alpha_ci_low": low, "alpha_ci_high": high})

    for code, f in result["codes"].items():
        add("code", code, f)
    for group, f in result["groups"].items():
        add("group", group, f)
    add("overall", "pooled", {**result["overall"]["pooled"], "units": result["overall"]["pooled"]["decisions"]})
    add("overall", "mean", result["overall"]["mean"])
    return rows


def _render_disagreements(items: list[dict], units: int) -> str:
    lines = []
    for item in items:
        where = " · ".join(x for x in (item["case"], item["speaker"]) if x)
        lines.append(f"{item['segment']}  {where}".rstrip())
        quote = textwrap.shorten(" ".join(item["text"].split()), 400, placeholder=" …")
        lines.append(textwrap.fill(f'"{quote}"', WIDTH, initial_indent="  ", subsequent_indent="  "))
        for coder, codes in item["codes"].items():
            lines.append(f"  {coder}: {', '.join(codes) or '(no code)'}")
        lines.append(f"  disputed: {', '.join(item['disputed'])}")
        lines.append("")
    lines.append(f"{len(items)} of {units} segments coded by two or more coders differ")
    return "\n".join(lines)


@click.command("agree")
@coders_option(minimum=2, help="Coders to compare, comma-separated. Default: every coder.")
@click.option(
    "--code",
    "code_ids",
    multiple=True,
    metavar="ID",
    help="Only this code (repeatable); name an exclusive code to get its group. Default: every code used.",
)
@click.option(
    "--unit",
    type=click.Choice(["segment"]),
    default="segment",
    show_default=True,
    help="The unit coders are compared on.",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="all",
    show_default=True,
    help="all: each code exactly as coded; top: children rolled into their top-level code.",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0, max=100_000),
    default=1000,
    show_default=True,
    metavar="N",
    help="Bootstrap resamples for alpha's 95% interval (0: none).",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0, max=2**32 - 1),
    default=1,
    show_default=True,
    help="Seed of the bootstrap (same seed, same interval).",
)
@click.option("--disagreements", is_flag=True, help="List the segments where coders differ instead of the statistics.")
@format_option("table", "json", "csv")
@pass_study
def agree(study, coders, code_ids, unit, level, bootstrap, seed, disagreements, fmt):
    """Inter-coder agreement per code: percent agreement, Cohen's kappa, Krippendorff's alpha.

    Units are the segments of coded speakers in transcripts the coders covered (marked done or
    coded at least once); a coder who did not cover a transcript has missing data there.

    \b
    Example:
      qualcode agree --coders ana,ben
      qualcode agree --coders ana,ben --level top --format json
      qualcode agree --coders ana,ben --disagreements
    """
    found = prepare(study.load_codings(coders), study.corpus, study.codebook, code_ids, level)
    if disagreements:
        items = disagreement_list(study.corpus, found)
        columns = ["segment", "transcript", "case", "speaker", "disputed", "codes", "text"]
        emit_rows(fmt, items, columns, lambda rows: _render_disagreements(rows, found.table.shared))
        return
    result = compare(found.table, found.codes, found.groups, bootstrap, seed)
    if fmt == "json":
        emit(to_json(result))
    elif fmt == "csv":
        emit_rows(fmt, _csv_rows(result), CSV_COLUMNS)
    else:
        emit(_render_table(result, found.table.shared, study.codebook, level))


def _describe_dispute(dispute, number: int, total: int, codebook) -> str:
    segment = dispute.segment
    where = " · ".join(f"{k}: {v}" for k, v in (("case", dispute.case), ("speaker", segment.speaker)) if v)
    lines = [click.style(f"Disagreement {number} of {total}: {segment.id}", bold=True), where]
    lines.append(textwrap.fill(" ".join(segment.text.split()), WIDTH, initial_indent="  ", subsequent_indent="  "))
    for index, (coder, codes) in enumerate(dispute.given.items(), start=1):
        lines.append(f"{index}) {coder}: {', '.join(sorted(codes)) or '(no code)'}")
    if dispute.agreed:
        lines.append(f"agreed (kept): {', '.join(sorted(dispute.agreed))}")
    lines.append("disputed:")
    for code_id in sorted(dispute.disputed):
        code = codebook.by_id[code_id]
        definition = " ".join(code.definition.split()) or "(no definition)"
        lines.append(
            textwrap.fill(
                f"{code_id} ({code.name}): {definition}", WIDTH, initial_indent="  ", subsequent_indent="    "
            )
        )
    return "\n".join(lines)


def _ask(plan, codebook) -> dict:
    """Prompt for each dispute; stop at ``q``, keeping the decisions made so far."""
    decisions = {}
    for number, dispute in enumerate(plan.disputes, start=1):
        click.echo(_describe_dispute(dispute, number, len(plan.disputes), codebook))
        while True:
            answer = click.prompt(f"Keep which codes? {CHOICES}", prompt_suffix="\n> ")
            try:
                kept = parse_choice(answer, dispute, codebook)
            except QualcodeError as exc:
                click.echo(str(exc))
                continue
            break
        if kept is None:
            break
        decisions[dispute.segment.id] = (kept, answer.strip())
        click.echo("")
    return decisions


@click.command("reconcile")
@coders_option(exactly=2, required=True, help="The two coders to reconcile, comma-separated.")
@click.option("--into", required=True, metavar="NAME", help="The new coder holding the reconciled codings.")
@click.option("--keep-union", is_flag=True, help="Keep every code either coder gave, without asking.")
@click.option("--keep-intersection", is_flag=True, help="Keep only the codes both coders gave, without asking.")
@pass_study
def reconcile(study, coders, into, keep_union, keep_intersection):
    """Merge two coders into a new coder, deciding each disagreement.

    Codes both coders gave are copied. For each segment where they differ, the segment, both
    coders' codes and the disputed codes' definitions are shown, and you answer 1 (first
    coder's codes), 2 (second's), b (both), n (neither), a comma list of codes to keep, or q
    to stop and save what is decided so far; run the command again to continue. A transcript
    is marked done for the new coder only where both coders had marked it done and no
    disagreement is left; the others are named.

    \b
    Example:
      qualcode reconcile --coders ana,ben --into ana-ben
      qualcode reconcile --coders ana,ben --into ana-ben --keep-intersection
    """
    into = check_coder_name(into, "--into")
    if keep_union and keep_intersection:
        raise click.UsageError("use --keep-union or --keep-intersection, not both")
    plan = plan_reconciliation(study.store, study.corpus, study.codebook, coders, into.strip())
    if plan.single:
        click.echo(
            f"left out {len(plan.single)} transcript(s) covered by only one coder: {', '.join(plan.single)}", err=True
        )
    if keep_union or keep_intersection:
        decisions = keep_all(plan, union=keep_union)
    else:
        decisions = _ask(plan, study.codebook)
    outcome = apply_reconciliation(study.store, study.corpus, plan, decisions)
    first, second = plan.coders
    click.echo(
        f"{plan.into}: copied {outcome.copied} agreed coding(s) of {first} and {second}; decided "
        f"{outcome.decided} disagreement(s), {outcome.remaining} left; {len(outcome.done)} transcript(s) "
        f"marked done ({outcome.path})",
        err=True,
    )
    summary = done_summary(outcome)
    if summary:
        click.echo(summary, err=True)
    if outcome.remaining:
        click.echo(f"run the same command again to decide the {outcome.remaining} left", err=True)


COMMANDS = [agree, reconcile]
