"""`tocsin gazetteer import|info`: the deployment's own place data.

`import` loads a GeoNames country dump (`BF.txt` or `BF.zip`) or an alternateNames file into
the gazetteer directory (TOCSIN_GAZETTEER_DIR), so reports naming villages, or naming places
in Arabic or French, find them. `info` says what is loaded. The next start of the NLU rebuilds
its index once (a scoped deployment in seconds).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `gazetteer` command and its sub-commands to the `tocsin` parser."""
    parser = subparsers.add_parser(
        "gazetteer", help="load GeoNames files of the deployment, or show what is loaded"
    )
    commands = parser.add_subparsers(dest="gazetteer_command", metavar="SUBCOMMAND")
    commands.required = True

    load = commands.add_parser(
        "import",
        help="load a GeoNames country dump (CC.txt or CC.zip) or alternateNames file",
        description="Keeps populated places, admin areas, localities, parks, forests and camps "
        "of a country dump (optionally of one country), or the language-tagged names of an "
        "alternateNames file, in TOCSIN_GAZETTEER_DIR. Importing the same country again "
        "replaces it.",
    )
    load.add_argument("file", type=Path, help="a GeoNames CC.txt, CC.zip or alternateNames file")
    load.add_argument("--country", default=None, help="keep only this ISO 3166 alpha-2 code")
    load.set_defaults(handler=run_import)

    info = commands.add_parser("info", help="show the imported files and the index's size")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(handler=run_info)


def run_import(args: argparse.Namespace, settings: Any) -> int:
    from nlu.gazetteer_import import GazetteerImportError, import_file

    try:
        summary = import_file(args.file, settings.resolved_gazetteer_dir, args.country)
    except GazetteerImportError as error:
        print(f"tocsin: {error}")
        return 1
    what = "places and areas" if summary.kind == "places" else "names"
    skipped = f", {summary.skipped} malformed line(s) skipped" if summary.skipped else ""
    print(f"imported {summary.kept} {what} into {summary.path}{skipped}")
    print("the NLU rebuilds its place index once, at its next start")
    return 0


def run_info(args: argparse.Namespace, settings: Any) -> int:
    from nlu.gazetteer import PRECISION
    from nlu.gazetteer_import import imported_files
    from tocsin.commands.nlu import build_nlu

    directory = settings.resolved_gazetteer_dir
    dumps, names = imported_files(directory)
    gazetteer = build_nlu(settings).gazetteer
    kinds: dict[str, int] = {}
    for kind in gazetteer.kind.tolist():
        kinds[PRECISION[kind]] = kinds.get(PRECISION[kind], 0) + 1
    report = {
        "directory": str(directory),
        "countries": settings.countries or None,
        "imported": [
            {"file": path.name, "kind": kind, "rows": _rows(path)}
            for kind, paths in (("places", dumps), ("names", names))
            for path in paths
        ],
        "entries": len(gazetteer),
        "by_precision": kinds,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"gazetteer directory: {report['directory']}")
    print(f"scope: {','.join(settings.countries) if settings.countries else 'worldwide'}")
    for item in report["imported"]:
        print(f"  {item['file']}: {item['rows']} {item['kind']}")
    if not report["imported"]:
        print("  nothing imported (tocsin gazetteer import FILE)")
    print(f"entries: {report['entries']} " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    return 0


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())
