"""The built-in classifier and a Rasa server, side by side on the same labelled files.

    python bench/rasa_side_by_side.py --rasa-url http://127.0.0.1:5005 [--rasa-pid PID] \
        FILE.jsonl [FILE.jsonl ...]

Each file is evaluated twice with `nlu.evaluation.evaluate`: once by the built-in model, once
with Rasa asked first (Tocsin still reads places, times and confidentiality itself, so only the
category figures differ). Throughput is texts per second of wall time for both, and for the
built-in model also per CPU second of this process; with `--rasa-pid` the Rasa server's own
CPU seconds and resident memory are read from /proc. Start Rasa with `scripts/rasa.sh`.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlu import Nlu  # noqa: E402
from nlu.evaluation import evaluate, read_records  # noqa: E402


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / 100.0


def process_resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(nlu: Nlu, records: list[dict], rasa_pid: int | None) -> dict:
    cpu, wall = time.process_time(), time.perf_counter()
    rasa_cpu = process_cpu_seconds(rasa_pid) if rasa_pid else None
    report = await evaluate(nlu, records)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    figures = {
        "macro_f1": report["category"]["macro_f1"],
        "accuracy": report["category"]["accuracy"],
        "per_class": {k: v["f1"] for k, v in report["category"]["per_class"].items()},
        "texts_per_wall_second": round(len(records) / wall, 1),
        "texts_per_cpu_second_here": round(len(records) / cpu, 1),
        "confidential": report.get("confidential"),
    }
    if rasa_pid:
        figures["rasa_cpu_seconds"] = round(process_cpu_seconds(rasa_pid) - rasa_cpu, 2)
        figures["rasa_resident_mb"] = round(process_resident_mb(rasa_pid), 1)
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rasa-url", required=True)
    parser.add_argument("--rasa-pid", type=int, default=None)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    builtin = Nlu(cache_dir=args.cache_dir, warm_up=False)
    rasa = Nlu(cache_dir=args.cache_dir, warm_up=False, rasa_url=args.rasa_url)
    try:
        for path in args.files:
            records = read_records(path)
            ours = await measure(builtin, records, None)
            theirs = await measure(rasa, records, args.rasa_pid)
            print(f"== {path.name} ({len(records)} texts)")
            print(f"{'':32} {'built-in':>10} {'Rasa DIET':>10}")
            for key in ("macro_f1", "accuracy", "texts_per_wall_second"):
                print(f"{key:32} {ours[key]:>10} {theirs[key]:>10}")
            print(f"{'texts per CPU s (this process)':32} {ours['texts_per_cpu_second_here']:>10}")
            if args.rasa_pid:
                rate = round(len(records) / max(theirs["rasa_cpu_seconds"], 1e-9), 1)
                print(f"{'texts per CPU s (Rasa server)':32} {'':>10} {rate:>10}")
                print(f"{'Rasa server resident MB':32} {'':>10} {theirs['rasa_resident_mb']:>10}")
            for label in ours["per_class"]:
                print(
                    f"  F1 {label:28} {ours['per_class'][label]:>10} "
                    f"{theirs['per_class'].get(label, '-'):>10}"
                )
    finally:
        await rasa.aclose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"built-in NLU process peak resident MB: {peak:.0f}")


if __name__ == "__main__":
    asyncio.run(main())
