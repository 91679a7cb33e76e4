"""Benchmark of the NLU: construction time (cold and warm cache), throughput, memory.

    python bench/nlu.py [--cache-dir DIR] [--texts FILE.jsonl] [--countries ML,BF]
                        [--gazetteer-dir DIR]

First build trains the classifier and indexes the gazetteer into an empty cache (once per
deployment and data version); cold start is what every new process pays afterwards.
Throughput is `analyze` single-threaded, measured in CPU seconds of this process as well as
wall seconds, so a busy machine does not hide the cost. Texts are a built-in multilingual
set unless a JSON-lines file is given. `--gazetteer-dir` adds the GeoNames files that
`tocsin gazetteer import` wrote there, as a deployment with its country files runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# This file is itself called nlu.py: the repository root must come before its folder.
ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

SAMPLE_TEXTS = (
    "soldiers beat my brother at the checkpoint yesterday",
    "Les FAMa ont tué 3 bergers peuls hier soir près de Mopti",
    "الشرطة اعتقلت ثلاثة رجال في حلب أمس",
    "askari walimpiga kaka yangu sokoni jana usiku huko Garissa",
    "la policía dispersó la manifestación en Bogotá y detuvo a dos periodistas",
    "os soldados queimaram as casas da aldeia perto de Mocímboa da Praia",
    "On 14 March 2021, soldiers reportedly killed four civilians, including a woman and two "
    "children, in the village of Toumbou (Barsalogho, Sanmatenga, Centre-Nord) during a search "
    "operation, then burned houses and looted livestock before returning to Kaya.",
    "bonjour",
    "Ouaga",
    "les gendarmes demandent 2000 francs à chaque barrage sur la route de Dori",
)


def construct(
    cache_dir: Path, countries: str | None, gazetteer_dir: Path | None = None
) -> tuple[float, float]:
    """(seconds, peak resident MB) to build an Nlu in a fresh process."""
    scope = countries.split(",") if countries else None
    places = str(gazetteer_dir) if gazetteer_dir else None
    code = (
        "import time, resource; t = time.perf_counter(); from nlu import Nlu; "
        f"Nlu(cache_dir={str(cache_dir)!r}, countries={scope!r}, gazetteer_dir={places!r}); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    )
    seconds, memory = out.stdout.split()
    return float(seconds), float(memory)


def throughput(
    cache_dir: Path, countries: str | None, texts: list[str], gazetteer_dir: Path | None = None
) -> dict[str, float]:
    from nlu import Nlu

    nlu = Nlu(
        cache_dir=cache_dir,
        countries=countries.split(",") if countries else None,
        gazetteer_dir=gazetteer_dir,
    )

    async def run(rounds: int) -> None:
        for _ in range(rounds):
            for text in texts:
                await nlu.analyze(text)

    # the background warm-up (k-d tree, dateparser; on a fresh cache the lazily built indexes)
    # would otherwise spend its CPU inside the measured window
    nlu.warmed.wait()
    asyncio.run(run(2))  # warm-up: lazy models, caches
    rounds = max(1, 2000 // len(texts))
    wall, cpu = time.perf_counter(), time.process_time()
    asyncio.run(run(rounds))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    count = rounds * len(texts)
    return {
        "texts": count,
        "texts_per_second_cpu": round(count / cpu, 1),
        "texts_per_second_wall": round(count / wall, 1),
        "ms_per_text_cpu": round(1000 * cpu / count, 3),
        "resident_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache-dir", type=Path, default=None, help="default: a fresh temp dir")
    parser.add_argument("--texts", type=Path, default=None, help="JSON lines with a text field")
    parser.add_argument("--countries", default=None)
    parser.add_argument("--gazetteer-dir", type=Path, default=None, help="imported GeoNames files")
    args = parser.parse_args()
    texts = list(SAMPLE_TEXTS)
    if args.texts:
        lines = args.texts.read_text(encoding="utf-8").splitlines()
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    with tempfile.TemporaryDirectory() as temp:
        cache_dir = args.cache_dir or Path(temp)
        first = construct(cache_dir, args.countries, args.gazetteer_dir)
        cold = construct(cache_dir, args.countries, args.gazetteer_dir)
        figures = {
            "first_build_s": round(first[0], 2),
            "first_build_peak_mb": round(first[1], 1),
            "cold_start_s": round(cold[0], 2),
            "cold_start_resident_mb": round(cold[1], 1),
            **throughput(cache_dir, args.countries, texts, args.gazetteer_dir),
        }
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
