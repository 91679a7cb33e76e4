"""Interop with a real Rasa 3.6 server: train a small model on our export, serve it, ask it.

Rasa lives in its own Python 3.10 environment (`bash scripts/rasa.sh env`; `.ci/run` builds or
reuses it). Without that environment the test is skipped with the reason; in CI it fails.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlu.rasa_export import ExportOptions, export_rasa
from nlu.taxonomy import CATEGORIES
from tocsin.cli import main

pytestmark = pytest.mark.slow

RASA_VERSION = "3.6.21"
RASA_HOME = Path(
    os.environ.get("TOCSIN_RASA_HOME", Path.home() / ".cache" / "tocsin" / f"rasa-{RASA_VERSION}")
)
# Rasa would otherwise try to reach its telemetry service from a machine with no internet.
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def _rasa_or_skip() -> Path:
    rasa = RASA_HOME / "bin" / "rasa"
    if rasa.exists() and (RASA_HOME / ".tocsin-ready").exists():
        return rasa
    reason = (
        f"no Rasa {RASA_VERSION} environment at {RASA_HOME}: `bash scripts/rasa.sh env` builds "
        "it (it needs Python 3.10)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the Rasa interop test", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"rasa run exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if b"Hello from Rasa" in response.read():
                    return
        except OSError:
            time.sleep(1)
    raise AssertionError(f"rasa did not answer at {url} within {seconds:.0f} s")


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small model (two languages, a few examples per intent, two epochs), trained for real."""
    rasa = _rasa_or_skip()
    project = tmp_path_factory.mktemp("rasa-project")
    export_rasa(project, options=ExportOptions(languages=["en", "fr"], per_intent=8, epochs=2))
    subprocess.run(
        [
            str(rasa),
            "train",
            "nlu",
            "--nlu",
            "data",
            "--config",
            "config.yml",
            "--out",
            "models",
            "--fixed-model-name",
            "tocsin",
        ],
        cwd=project,
        env={**os.environ, **RASA_ENV},
        check=True,
        timeout=900,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    model = project / "models" / "tocsin.tar.gz"
    assert model.is_file()
    return model


@pytest.fixture
def rasa_server(trained_model: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    port = _free_port()
    server = subprocess.Popen(
        [
            str(RASA_HOME / "bin" / "rasa"),
            "run",
            "--enable-api",
            "--model",
            str(trained_model),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env={**os.environ, **RASA_ENV},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/", server, seconds=600)
        yield url, server
    finally:
        server.terminate()
        server.wait(timeout=60)


def _analyze(text: str, capsys: pytest.CaptureFixture) -> dict:
    assert main(["nlu", "analyze", "--json", text]) == 0
    return json.loads(capsys.readouterr().out)


def test_analyze_asks_a_trained_rasa_server_and_falls_back_when_it_stops(
    rasa_server: tuple[str, subprocess.Popen],
    monkeypatch: pytest.MonkeyPatch,
    nlu_cache_dir: Path,
    shared_nlu: object,
    capsys: pytest.CaptureFixture,
) -> None:
    url, server = rasa_server
    monkeypatch.setenv("TOCSIN_CACHE_DIR", str(nlu_cache_dir))
    monkeypatch.setenv("TOCSIN_RASA_URL", url)
    text = "Soldiers beat my brother at the market in Mopti yesterday"

    served = _analyze(text, capsys)
    assert served["backend"] == "rasa"
    assert served["category"] in CATEGORIES
    assert served["places"][0]["name"] == "Mopti"  # places are always read by Tocsin

    server.terminate()
    server.wait(timeout=60)
    fallen_back = _analyze(text, capsys)
    assert fallen_back["backend"] == "builtin"
    assert fallen_back["category"] in CATEGORIES
