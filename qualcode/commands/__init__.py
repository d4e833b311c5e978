"""Command modules. Each ``*_cmd.py`` module lists its click commands in ``COMMANDS``;
:func:`register` attaches them all to the main group, in module-name order."""

from __future__ import annotations

import importlib
import pkgutil

import click


def register(group: click.Group) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.endswith("_cmd"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for command in module.COMMANDS:
            group.add_command(command)
