"""``qualcode codebook validate|show``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from qualcode.cli.common import OUTPUT, emit, format_option
from qualcode.codebook.model import Codebook
from qualcode.codebook.parse import validate_codebook
from qualcode.common.storage import atomic_write
from qualcode.common.tabular import to_json
from qualcode.errors import CodebookError, PathError, QualcodeError, UsageError


@click.group("codebook")
def codebook() -> None:
    """Check and show the codebook (codebooks/*.yaml)."""


def _codebook_path(ctx: click.Context, file: Path | None) -> tuple[Path, str]:
    if file is not None:
        return file, str(file)
    study = ctx.obj.study
    return study.project.codebook_path, study.display(study.project.codebook_path)


@codebook.command("validate")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def validate(ctx, file):
    """Report every problem in the codebook as FILE:LINE: message.

    Checks YAML syntax, tabs, unknown keys, ids, duplicates, empty keywords, spaCy patterns
    and colours. Exit status 1 when there is any problem.

    \b
    Example:
      qualcode codebook validate
      qualcode codebook validate codebooks/draft.yaml
    """
    path, display = _codebook_path(ctx, file)
    book, problems = validate_codebook(path, display)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise CodebookError(problems, f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {display}")
    assert book is not None  # no problems: the codebook was built
    emit(codebook_summary(book))
    _language_note(ctx)


def _language_note(ctx: click.Context) -> None:
    """Say once when the project's language has no lemma table (keywords then match as written)."""
    from qualcode.errors import QualcodeError

    try:
        config = ctx.obj.study.config
    except QualcodeError:  # a codebook file validated outside any project
        return
    if config.nlp:
        return
    from qualcode.suggest.nlp import has_lemma_table, no_lemma_note

    if not has_lemma_table(config.language):
        click.echo(f"note: {no_lemma_note(config.language)}", err=True)


@codebook.command("show")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@format_option("tree", "json", default="tree")
@click.option("--brief", is_flag=True, help="Ids and labels only, without definitions.")
@click.pass_context
def show(ctx, file, fmt, brief):
    """Print the codebook as a tree with definitions (or as JSON).

    \b
    Example:
      qualcode codebook show --brief
    """
    from qualcode.codebook.parse import load_codebook

    path, display = _codebook_path(ctx, file)
    book = load_codebook(path, display)
    if fmt == "json":
        emit(to_json(book.to_json()))
    else:
        emit(render_tree(book, brief=brief))


def codebook_summary(codebook: Codebook) -> str:
    """One line: name, version, number of top-level codes and of codes, rules."""
    total = sum(1 for _ in codebook.walk())
    keywords = sum(len(c.keywords) for c in codebook.walk())
    patterns = sum(len(c.patterns) for c in codebook.walk())
    related = sum(len(c.related_words) for c in codebook.walk())
    version = f" v{codebook.version}" if codebook.version else ""
    words = f", {related} related words" if related else ""
    return (
        f"{codebook.display}: valid — '{codebook.name}'{version}: {len(codebook.codes)} top-level codes, "
        f"{total} codes in all, {keywords} keywords{words}, {patterns} patterns"
    )


def render_tree(book: Codebook, brief: bool = False, width: int = 88) -> str:
    version = f" (version {book.version})" if book.version else ""
    lines = [f"{book.name}{version}"]
    if book.description and not brief:
        lines += textwrap.wrap(book.description, width)
    lines.append("")
    for c in book.walk():
        depth = book.depth(c.id)
        indent = "  " * depth
        label = f" — {c.label}" if c.label else ""
        marker = " [exclusive]" if c.exclusive else ""
        rules = f"  ({len(c.keywords)} keywords, {len(c.patterns)} patterns)" if not brief else ""
        lines.append(f"{indent}{c.id}{label}{marker}{rules}")
        if not brief and c.definition:
            lines += textwrap.wrap(
                c.definition, width, initial_indent=indent + "    ", subsequent_indent=indent + "    "
            )
    return "\n".join(lines)


@codebook.command("rename")
@click.argument("old")
@click.argument("new")
@click.pass_context
def rename(ctx, old, new):
    """Rename code OLD to NEW in the codebook, every coder's codings, suggestions, memos and summaries.

    Comments and layout of the codebook are kept; a memo's front matter `codes:` is updated,
    its text left as it was; summaries/<case>/OLD.md files become NEW.md.

    \b
    Example:
      qualcode codebook rename plc professional_learning_communities
    """
    from qualcode.app.recode import rename_code

    changed = rename_code(ctx.obj.study, old, new)
    click.echo(
        f"renamed '{old}' to '{new}' in the codebook and in {changed.codings} coding(s){_memos(changed.memos)}",
        err=True,
    )
    _summaries(ctx.obj.study, changed.summaries)


def _memos(memos):
    return f" and {len(memos)} memo(s) ({', '.join(memos)})" if memos else ""


def _summaries(study, moves):
    for move in moves:
        source, target = study.display(move.source), study.display(move.target)
        if move.merged:
            click.echo(f"summary {source} appended to {target} (under a heading) and removed", err=True)
        else:
            click.echo(f"summary {source} moved to {target}", err=True)


@codebook.command("merge")
@click.argument("codes", nargs=-1, required=True)
@click.pass_context
def merge(ctx, codes):
    """Merge codes into one: qualcode codebook merge SRC... INTO TARGET.

    The sources' keywords, patterns, examples and children move to TARGET, the sources leave
    the codebook, and every coding of a source becomes a TARGET coding (once per segment);
    memos citing a source cite TARGET; a source's summary of a case moves to TARGET's file, or
    is appended under a heading to TARGET's summary of that case when there is one.

    \b
    Example:
      qualcode codebook merge peer_observation walkthroughs INTO collaborative_pl
    """
    from qualcode.app.recode import merge_codes

    if len(codes) < 3 or codes[-2].upper() != "INTO":
        raise click.UsageError("write it as: qualcode codebook merge SRC [SRC...] INTO TARGET")
    sources, into = list(codes[:-2]), codes[-1]
    changed = merge_codes(ctx.obj.study, sources, into)
    click.echo(
        f"merged {', '.join(sources)} into '{into}': {changed.codings} coding(s) recoded{_memos(changed.memos)}",
        err=True,
    )
    _summaries(ctx.obj.study, changed.summaries)


@codebook.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["qdc", "csv", "xlsx"]),
    required=True,
    help="Output format: qdc, csv or xlsx. qdc: a REFI-QDA codebook (NVivo, ATLAS.ti, MAXQDA, QualCoder); "
    "csv or xlsx: a spreadsheet.",
)
@click.option(
    "-o",
    "--output",
    type=OUTPUT,
    metavar="FILE",
    help="Where to write it (required for qdc and xlsx; csv goes to stdout).",
)
@click.pass_context
def export_cmd(ctx, fmt, output):
    """Export the codebook as a REFI-QDA codebook (.qdc) or a table (CSV, XLSX).

    The QDC keeps the hierarchy, names, colours, GUIDs that stay the same across exports, and one
    readable description per code (definition, include, exclude, examples, keywords). The table
    has the columns id, parent, label, definition, include, exclude, examples, keywords.

    \b
    Example:
      qualcode codebook export --format qdc -o reports/codebook.qdc
      qualcode codebook export --format csv > codebook.csv
    """
    from qualcode import __version__
    from qualcode.cli.common import write_output

    study = ctx.obj.study
    book = study.codebook
    if fmt in ("qdc", "xlsx") and not output:
        raise UsageError(f"--format {fmt} needs a file: add -o FILE, e.g. -o reports/codebook.{fmt}")
    data: str | bytes
    if fmt == "qdc":
        from qualcode.interop.refi.codebook import qdc_bytes

        data = qdc_bytes(book, f"qualcode {__version__}")
    else:
        from qualcode.interop.codebook_table import codebook_csv, codebook_xlsx

        data = codebook_csv(book) if fmt == "csv" else codebook_xlsx(book)
    if not output:
        assert isinstance(data, str)
        emit(data)
        return
    path = write_output(study, output, data)
    click.echo(f"wrote {study.display(path)} ({sum(1 for _ in book.walk())} codes)", err=True)


@codebook.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=OUTPUT, metavar="OUT.yaml", help="Write the YAML codebook here (default: stdout).")
@click.option("--force", is_flag=True, help="Replace OUT.yaml if it exists.")
@click.pass_context
def import_cmd(ctx, file, output, force):
    """Read a codebook from NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette or a spreadsheet into YAML.

    Reads a REFI-QDA codebook (.qdc), the codebook inside a project (.qdpx or .qde), or a CSV/XLSX
    table with qualcode's columns, name/description columns, or Taguette's tag/description. Ids
    are derived from the names; what changed on the way is listed.

    \b
    Example:
      qualcode codebook import nvivo-codes.qdc -o codebooks/from-nvivo.yaml
    """
    from qualcode.codebook.write import codebook_yaml

    display = str(file)
    if file.suffix.lower() in (".csv", ".xlsx", ".xlsm"):
        from qualcode.interop.codebook_table import read_codebook_table

        book, notes = read_codebook_table(file, display)
    else:
        from qualcode.interop.refi.codebook import read_codebook_file

        book, notes = read_codebook_file(file, display)
    text = codebook_yaml(book, [f"Imported from {file.name} by qualcode codebook import.", *notes])
    for note in notes:
        click.echo(f"note: {note}", err=True)
    if not output:
        emit(text)
        return
    target = Path(output)
    try:
        study = ctx.obj.study
    except QualcodeError:
        study = None
    path = study.project.output_path(target, allow="codebooks") if study is not None else target
    if path.exists() and not force:
        raise PathError(f"{output} already exists; pass --force to replace it, or choose another file")
    atomic_write(path, text, str(output))
    click.echo(f"wrote {output} ({sum(1 for _ in book.walk())} codes)", err=True)


COMMANDS = [codebook]
