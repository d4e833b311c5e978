"""Command modules; :func:`register` attaches each one's commands to the main group."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    from . import codebook_cmd, init_cmd, study_cmd

    for module in (init_cmd, study_cmd, codebook_cmd):
        for command in module.COMMANDS:
            group.add_command(command)
