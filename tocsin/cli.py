"""The `tocsin` command line.

Each sub-command lives in its own module under `tocsin/commands/` and exposes
`register(subparsers)`; the module sets `handler` (a function `(args, settings) -> int`) on its
parser. This file only parses, loads settings once, and turns known failures into one clear line.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tocsin.settings import SettingsError, load_settings

COMMAND_MODULES = (
    "tocsin.commands.shell",
    "tocsin.commands.run",
    "tocsin.commands.db",
    "tocsin.commands.reports",
    "tocsin.commands.nlu",
    "tocsin.commands.worker",
    "tocsin.commands.monitors",
    "tocsin.commands.staff",
    "tocsin.commands.web",
    "tocsin.commands.gazetteer",
    "tocsin.commands.inbox",
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tocsin")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tocsin", description="Community early-warning bots: report, triage, escalate."
    )
    parser.add_argument("--version", action="version", version=f"tocsin {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue  # a command whose module is not built yet is simply absent
            raise
        module.register(subparsers)
    describe(parser)
    return parser


def describe(parser: argparse.ArgumentParser) -> None:
    """A command's own `--help` page opens with the line its parent lists it by, unless the
    command wrote a longer description of itself."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            listed = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                if not child.description and listed.get(name):
                    child.description = f"{listed[name][0].upper()}{listed[name][1:]}."
                describe(child)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"tocsin: invalid setting {error}", file=sys.stderr)
        return 2
    from tocsin.logs import configure_logging, operator_values

    configure_logging(settings.log_level, keep=operator_values(settings))
    try:
        return int(args.handler(args, settings) or 0)
    except SettingsError as error:
        print(f"tocsin: invalid setting {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from tocsin.failures import operator_message

        message = operator_message(error)
        if message is None:
            raise
        print(f"tocsin: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
