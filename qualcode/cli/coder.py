"""Who a writing command codes as: ``--coder``, ``--new-coder`` and the announced git fallback.

Every command that writes into a coder's file (``code``, ``uncode``, ``annotate``, ``done``,
``review``, ``import codings``) resolves its coder through :func:`writing_coder`: a name taken
from ``git config user.name`` is announced on stderr, and a name with no file in ``codings/`` yet
is refused with a did-you-mean unless ``--new-coder`` is given or, on a terminal, the user
confirms it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from qualcode.coding.identity import FROM_GIT, check_new_coder, find_coder
from qualcode.errors import NewCoderError

if TYPE_CHECKING:
    from qualcode.app.study import Study

coder_option = click.option(
    "--coder", metavar="NAME", help="Coder name. Default: $QUALCODE_CODER, else `git config user.name`."
)
new_coder_option = click.option(
    "--new-coder",
    is_flag=True,
    help="Start a coder who has no codings yet (without it a new name is refused as a likely typo).",
)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


def writing_coder(study: Study, explicit: str | None, new_coder: bool) -> str:
    """The coder to write as, checked (see the module docstring); messages go to stderr."""
    name, source = find_coder(explicit, cwd=study.root)
    if source == FROM_GIT:
        click.echo(f"coding as '{name}' (from git config user.name); use --coder to choose", err=True)
    try:
        check_new_coder(study.store, name, allow_new=new_coder)
    except NewCoderError as exc:
        if not _interactive():
            raise
        click.echo(str(exc), err=True)
        where = study.display(study.store.path_for(name))
        if not click.confirm(f"Start coding as the new coder '{name}' (in {where})?", default=False, err=True):
            raise click.ClickException("nothing changed") from None
    return name
