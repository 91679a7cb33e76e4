"""Geotagging under three scopes of `TOCSIN_COUNTRIES`, with or without imported GeoNames files.

    python bench/geo_scopes.py FILE.jsonl [--gazetteer-dir DIR] [--cache-dir DIR]

A deployment serves one country or a few, and sets `TOCSIN_COUNTRIES` to them; an evaluation
file mixes many. This prints geo accuracy within 161 km three ways, scored as `tocsin nlu eval`
scores it:
- worldwide: no scope;
- one scope: every country of the file at once;
- per deployment: each record read by an NLU scoped to the record's own country, as the
  deployment in that country would read it.
With `--gazetteer-dir`, the NLU also indexes the GeoNames files that `tocsin gazetteer import`
wrote there (a country dump loads that country's villages), and the per-country table shows
which countries have one.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


async def geo_figures(nlu: Any, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Geo accuracy of `nlu` on the records, as `tocsin nlu eval` reports it."""
    from nlu.evaluation import Scores

    scores = Scores()
    for record in records:
        scores.add({"lat": record["lat"], "lon": record["lon"]}, await nlu.analyze(record["text"]))
    return scores.report()["geo"]


async def measure(path: Path, gazetteer_dir: Path | None, cache_dir: Path | None) -> None:
    from nlu import Nlu
    from nlu.evaluation import read_records
    from nlu.gazetteer_import import PLACES_PREFIX, imported_files

    records = [r for r in read_records(path) if r.get("lat") is not None and r.get("country")]
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_country[str(record["country"]).upper()].append(record)
    dumps = {
        f.stem.removeprefix(PLACES_PREFIX)[:2].upper() for f in imported_files(gazetteer_dir)[0]
    }

    def build(countries: list[str] | None) -> Any:
        return Nlu(
            countries=countries, cache_dir=cache_dir, gazetteer_dir=gazetteer_dir, warm_up=False
        )

    worldwide = await geo_figures(build(None), records)
    scoped = await geo_figures(build(sorted(by_country)), records)
    hits, table = 0.0, []
    for country, group in sorted(by_country.items(), key=lambda item: -len(item[1])):
        figures = await geo_figures(build([country]), group)
        hits += figures["acc_161km"] * len(group)
        table.append((country, len(group), figures["acc_161km"], country in dumps))
    print(f"records with a point: {len(records)}, countries: {len(by_country)}")
    print(f"imported country files: {', '.join(sorted(dumps)) or 'none'}")
    print(f"worldwide:      acc@161km {worldwide['acc_161km']}  median {worldwide['median_km']} km")
    print(f"one scope:      acc@161km {scoped['acc_161km']}  median {scoped['median_km']} km")
    print(f"per deployment: acc@161km {round(hits / len(records), 4)}")
    for country, count, accuracy, has_dump in table:
        marker = "  (country file)" if has_dump else ""
        print(f"  {country}  n={count:<4} acc@161km {accuracy}{marker}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="labelled JSON lines with text, lat, lon, country")
    parser.add_argument("--gazetteer-dir", type=Path, default=None)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    asyncio.run(measure(args.file, args.gazetteer_dir, args.cache_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
