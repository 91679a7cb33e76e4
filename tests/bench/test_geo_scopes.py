"""bench/geo_scopes.py on a small file of our own: three scopes, and a country file counted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tocsin.cli import main

BENCH = Path(__file__).resolve().parents[2] / "bench"
DUMP = Path(__file__).resolve().parents[1] / "nlu" / "data" / "BF-sample.txt"
RECORDS = [
    # a village only the imported country file knows, and a town the shipped gazetteer knows
    {
        "text": "Des hommes armés ont enlevé deux bergers à Gangaol-Peulh",
        "lat": 14.21,
        "lon": -0.73,
        "country": "BF",
    },
    {
        "text": "Soldiers beat traders at the market in Mopti",
        "lat": 14.49,
        "lon": -4.19,
        "country": "ML",
    },
]


def test_the_scopes_are_measured_with_the_imported_country_file(
    tmp_path: Path, nlu_cache_dir: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TOCSIN_GAZETTEER_DIR", str(tmp_path / "gazetteer"))
    assert main(["gazetteer", "import", str(DUMP), "--country", "BF"]) == 0
    labelled = tmp_path / "places.jsonl"
    labelled.write_text("\n".join(json.dumps(r) for r in RECORDS), encoding="utf-8")
    command = [sys.executable, str(BENCH / "geo_scopes.py"), str(labelled)]
    cache = ["--cache-dir", str(nlu_cache_dir)]
    alone = subprocess.run([*command, *cache], capture_output=True, text=True, timeout=300)
    loaded = subprocess.run(
        [*command, *cache, "--gazetteer-dir", str(tmp_path / "gazetteer")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert alone.returncode == 0 and loaded.returncode == 0, alone.stderr + loaded.stderr
    assert "imported country files: none" in alone.stdout
    assert "per deployment: acc@161km 0.5" in alone.stdout
    assert "imported country files: BF" in loaded.stdout
    assert "per deployment: acc@161km 1.0" in loaded.stdout
    assert "BF  n=1    acc@161km 1.0  (country file)" in loaded.stdout
