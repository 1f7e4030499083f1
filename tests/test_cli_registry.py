"""The registry of cli/app.py: what ``billing --help`` lists without
importing any command is what each command, once built, says of itself."""

from __future__ import annotations

import click
import pytest
import typer
from typer.main import get_command

from billing.cli.app import COMMANDS, app, summary_of, target_of


@pytest.mark.parametrize("entry", COMMANDS, ids=lambda entry: entry.name)
def test_each_entry_names_a_command_whose_summary_and_panel_it_repeats(entry):
    target = target_of(entry)
    assert isinstance(target, typer.Typer) or callable(target)
    assert entry.summary == summary_of(target)
    command = get_command(app).commands[entry.name]
    assert (command.name, command.rich_help_panel) == (entry.name, entry.panel)
    assert isinstance(command, click.Group) is isinstance(target, typer.Typer)


def test_names_are_unique_and_listed_in_the_registrys_order():
    names = [entry.name for entry in COMMANDS]
    assert len(names) == len(set(names))
    group = get_command(app)
    assert group.list_commands(click.Context(group)) == names


def test_an_unknown_command_is_none_and_builds_nothing():
    group = get_command(app)
    assert group.get_command(click.Context(group), "nonesuch") is None
    assert "nonesuch" not in group.commands


def _subcommands(group: click.Group):
    for command in group.commands.values():
        yield command
        if isinstance(command, click.Group):
            yield from _subcommands(command)


@pytest.mark.parametrize("entry", [e for e in COMMANDS if isinstance(target_of(e), typer.Typer)],
                         ids=lambda entry: entry.name)
def test_a_groups_list_shows_each_summary_on_one_line(entry):
    # Rich markup keeps a docstring's line breaks: the list would break a
    # summary mid-sentence ("made again if it was before;\n recorded ...").
    for command in _subcommands(get_command(app).commands[entry.name]):
        assert command.short_help and "\n" not in command.short_help, command.name
        assert command.help and command.short_help == " ".join(command.help.split("\n\n")[0].split())
