"""`tocsin … --help` describes every command and every option, all the way down the tree."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from tocsin.cli import build_parser


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ("tocsin",)
) -> Iterator[tuple[str, argparse.ArgumentParser, str | None]]:
    """(command line, its parser, the one-line help its parent lists) for every command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                if child is not parser:
                    yield " ".join((*path, name)), child, listed.get(name)
                    yield from commands(child, (*path, name))


def undocumented_options(parser: argparse.ArgumentParser) -> list[str]:
    return [
        "/".join(action.option_strings) or action.dest
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
        and (not action.help or action.help == argparse.SUPPRESS or not action.help.strip())
    ]


def test_every_command_is_listed_with_a_line_of_help() -> None:
    found = list(commands(build_parser()))
    assert len(found) > 20  # the walk reaches the sub-commands' own actions
    missing = [line for line, _parser, listed in found if not (listed and listed.strip())]
    assert not missing, f"listed without help: {missing}"


def test_every_command_help_page_describes_the_command() -> None:
    missing = [
        line
        for line, parser, _listed in commands(build_parser())
        if not (parser.description and parser.description.strip())
    ]
    assert not missing, f"`--help` without a description: {missing}"


def test_every_option_and_argument_of_every_command_has_help() -> None:
    parser = build_parser()
    missing = {
        line: undocumented
        for line, child, _listed in [("tocsin", parser, None), *commands(parser)]
        if (undocumented := undocumented_options(child))
    }
    assert not missing, f"options without help: {missing}"


def test_a_command_help_page_shows_its_description() -> None:
    parser = build_parser()
    [(_line, listing, _listed)] = [
        found for found in commands(parser) if found[0] == "tocsin reports list"
    ]
    page = listing.format_help()
    assert listing.description and listing.description in " ".join(page.split())
    assert "--limit" in page and "0 for all" in page
