"""`tocsin nlu analyze|eval|export-rasa`: the NLU from the command line.

Operators check what the NLU reads from one text, measure it on a labelled file, and export the
training data for a Rasa project. The NLU detects among a wider set of languages than the
conversation offers (a Swahili report is still read when the bot speaks en, fr, ar).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

DETECTION_LANGUAGES = ("en", "fr", "ar", "es", "pt", "sw")


def register(subparsers: Any) -> None:
    """Add the `nlu` command and its sub-commands to the `tocsin` parser."""
    parser = subparsers.add_parser("nlu", help="analyse, evaluate or export the NLU")
    commands = parser.add_subparsers(dest="nlu_command", metavar="SUBCOMMAND")
    commands.required = True

    analyze = commands.add_parser("analyze", help="print what the NLU reads from one text")
    analyze.add_argument("text", help="the text to read, quoted as one argument")
    analyze.add_argument("--json", action="store_true", help="print one JSON object")
    analyze.add_argument("--lang", default=None, help="a language hint (ISO 639-1)")
    analyze.set_defaults(handler=run_analyze)

    evaluate = commands.add_parser(
        "eval",
        help="measure the NLU on a JSON-lines file",
        description="Measure the NLU on a labelled JSON-lines file: one object a line, "
        'e.g. {"text": "...", "lang": "fr", "category": "killing", "place": "Mopti", '
        '"country": "ML", "lat": 14.49, "lon": -4.19}. "text" is required; null or absent '
        'fields are not scored; optional "confidential" and "relevant" booleans. A file '
        "whose records carry none of the labelled fields is refused.",
    )
    evaluate.add_argument("file", type=Path, help="the JSON-lines file of labelled texts")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=run_eval)

    export = commands.add_parser(
        "export-rasa",
        help="write the training data as a Rasa 3 project (config.yml, domain.yml, data/)",
        description="Write a project that `rasa train nlu` trains with no edit: config.yml "
        "(the pipeline), domain.yml and data/nlu-<language>.yml. Refuses to overwrite files.",
    )
    export.add_argument("directory", type=Path, help="where to write the project")
    export.add_argument("--epochs", type=int, default=100, help="DIET training epochs")
    export.add_argument(
        "--languages", default=None, help="comma-separated languages to keep (default: all)"
    )
    export.add_argument(
        "--per-intent", type=int, default=None, help="at most N examples per intent and language"
    )
    export.add_argument("--force", action="store_true", help="overwrite an existing project")
    export.set_defaults(handler=run_export)


def build_nlu(settings: Any) -> Any:
    """An Nlu configured from the settings."""
    from nlu import Nlu
    from tocsin.settings import SettingsError

    extra = settings.extra_gazetteer
    if extra is not None and not Path(extra).is_file():
        raise SettingsError(f"TOCSIN_EXTRA_GAZETTEER: no such file {extra}")
    languages = tuple(dict.fromkeys([*DETECTION_LANGUAGES, *settings.languages]))
    return Nlu(
        languages=languages,
        countries=settings.countries or None,
        cache_dir=settings.resolved_cache_dir,
        rasa_url=settings.rasa_url,
        extra_gazetteer=settings.extra_gazetteer,
        gazetteer_dir=settings.resolved_gazetteer_dir,
        warm_up=False,  # one-shot commands: no chat waits for a pin
    )


async def _closing(nlu: Any, work: Any) -> Any:
    """Run `work(nlu)` and release the NLU's connections, whatever happens."""
    try:
        return await work(nlu)
    finally:
        await nlu.aclose()


def run_analyze(args: argparse.Namespace, settings: Any) -> int:
    analysis = asyncio.run(
        _closing(build_nlu(settings), lambda nlu: nlu.analyze(args.text, language_hint=args.lang))
    )
    if args.json:
        print(json.dumps(analysis.to_dict(), ensure_ascii=False))
        return 0
    print(f"language:    {analysis.language} ({analysis.language_confidence:.2f})")
    print(f"category:    {analysis.category} ({analysis.confidence:.2f})")
    print(f"categories:  {', '.join(analysis.categories or (analysis.category,))}")
    print(f"confidential: {'yes' if analysis.confidential else 'no'}")
    print(f"relevant:    {'yes' if analysis.relevant else 'no'} ({analysis.relevance:.2f})")
    print(f"perpetrator: {analysis.perpetrator or '-'} {analysis.perpetrator_text or ''}".rstrip())
    groups = ", ".join(
        f"{k}={'?' if v is None else v}" for k, v in analysis.affected_groups.items()
    )
    total = "-" if analysis.victims is None else analysis.victims
    print(f"victims:     {total} {groups}".rstrip())
    print(f"when:        {analysis.when.at.isoformat() if analysis.when else '-'}")
    for place in analysis.places:
        print(
            f"place:       {place.name}, {place.admin1 or ''}, {place.country} "
            f"({place.lat}, {place.lon}) score {place.score:.2f}"
        )
    return 0


def run_eval(args: argparse.Namespace, settings: Any) -> int:
    from nlu.evaluation import evaluate, format_report, read_records

    try:
        records = check_records(read_records(args.file))
    except (OSError, ValueError) as error:
        print(f"tocsin: cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    report = asyncio.run(
        _closing(build_nlu(settings), lambda nlu: evaluate(nlu, records, show_progress=True))
    )
    print(json.dumps(report) if args.json else format_report(report))
    return 0


LABELS = ("category", "lang", "place", "country", "lat", "lon", "confidential", "relevant")


def check_records(records: list[Any]) -> list[dict[str, Any]]:
    """Each record an object with a text; at least one labelled field in the file, or the
    figures would measure nothing (a file of another format would print zeros)."""
    for number, record in enumerate(records, 1):
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise ValueError(f'record {number} has no "text" (see tocsin nlu eval --help)')
    if not any(record.get(name) is not None for record in records for name in LABELS):
        raise ValueError(f"no record carries any of the fields {', '.join(LABELS)}")
    return records


def run_export(args: argparse.Namespace, settings: Any) -> int:
    from nlu.rasa_export import ExportError, ExportOptions, export_rasa

    if args.directory.exists() and not args.directory.is_dir():
        message = f"{args.directory} is a file, not a directory"
        print(f"tocsin: cannot export the Rasa project: {message}", file=sys.stderr)
        return 1
    languages = [code.strip() for code in args.languages.split(",")] if args.languages else None
    options = ExportOptions(
        epochs=args.epochs,
        languages=languages,
        per_intent=args.per_intent,
        overwrite=args.force,
    )
    try:
        paths = export_rasa(args.directory, options=options)
    except (ExportError, OSError) as error:
        print(f"tocsin: cannot export the Rasa project: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0
