"""Command modules, loaded lazily.

Each ``*_cmd.py`` module lists its click commands in ``COMMANDS``. :data:`REGISTRY` maps every
command name to its module, so the ``qualcode`` group imports a module only when one of its
commands runs (or when ``--help`` lists them all): hand-coding commands never pay for importing
pandas or spaCy. A test checks that the registry and the modules agree.
"""

from __future__ import annotations

import importlib

import click

REGISTRY: dict[str, str] = {
    "init": "init_cmd",
    "segments": "study_cmd",
    "transcripts": "study_cmd",
    "cases": "study_cmd",
    "codebook": "codebook_cmd",
    "code": "coding_cmd",
    "uncode": "coding_cmd",
    "annotate": "coding_cmd",
    "done": "coding_cmd",
    "show": "coding_cmd",
    "coders": "coding_cmd",
    "quotes": "retrieve_cmd",
    "stats": "retrieve_cmd",
    "memo": "memo_cmd",
    "log": "store_cmd",
    "check": "store_cmd",
    "orphans": "store_cmd",
    "reanchor": "store_cmd",
    "import": "interop_cmd",
    "export": "interop_cmd",
    "suggest": "suggest_cmd",
    "review": "suggest_cmd",
    "evaluate": "suggest_cmd",
    "learn": "suggest_cmd",
    "matrix": "matrix_cmd",
    "cooccur": "matrix_cmd",
    "report": "report_cmd",
    "agree": "agree_cmd",
    "reconcile": "agree_cmd",
}


def load_command(name: str) -> click.Command | None:
    """Import the module of command ``name`` and return the command (None if unknown)."""
    module_name = REGISTRY.get(name)
    if module_name is None:
        return None
    module = importlib.import_module(f"qualcode.cli.{module_name}")
    for command in module.COMMANDS:
        if command.name == name:
            return command
    raise LookupError(f"{module_name} does not define the command {name!r}")  # registry out of date
