"""The optional Rasa backend, against a fake Rasa server on loopback."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from nlu import Nlu
from nlu.rasa import classification_from_rasa
from tests.fakes.rasa import FakeRasa


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    server = await FakeRasa(rules={"checkpoint": "extortion_corruption"}).start()
    yield server
    await server.stop()


def _rasa_nlu(shared: Nlu, url: str, cache_dir: Path) -> Nlu:
    return Nlu(languages=shared.languages, cache_dir=cache_dir, rasa_url=url)


async def test_analyze_asks_rasa_first(rasa: FakeRasa, nlu: Nlu, nlu_cache_dir: Path) -> None:
    analysis = await _rasa_nlu(nlu, rasa.url, nlu_cache_dir).analyze(
        "soldiers shot a man at the checkpoint"
    )
    assert rasa.requests == [{"text": "soldiers shot a man at the checkpoint"}]
    assert (analysis.category, analysis.backend) == ("extortion_corruption", "rasa")
    assert analysis.confidence == pytest.approx(0.91)
    assert analysis.perpetrator == "army"  # extraction stays built in


async def test_rasa_errors_fall_back_to_the_builtin_model(
    rasa: FakeRasa, nlu: Nlu, nlu_cache_dir: Path
) -> None:
    rasa.fail_with = 500
    analysis = await _rasa_nlu(nlu, rasa.url, nlu_cache_dir).analyze(
        "soldiers shot my brother dead"
    )
    assert (analysis.category, analysis.backend) == ("killing", "builtin")


async def test_unreachable_rasa_falls_back(nlu: Nlu, nlu_cache_dir: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    analysis = await _rasa_nlu(nlu, f"http://127.0.0.1:{port}", nlu_cache_dir).analyze(
        "police beat me"
    )
    assert analysis.backend == "builtin"


def test_intents_outside_the_taxonomy_are_ignored() -> None:
    answer = FakeRasa(rules={"hi": "greet"}).answer("hi")
    assert classification_from_rasa(answer) is None


def test_ranking_maps_onto_taxonomy_ids() -> None:
    answer = FakeRasa(rules={"drone": "attack_on_civilian_area", "x": "other"}).answer("drone")
    result = classification_from_rasa(answer)
    assert result is not None
    assert result.category == "attack_on_civilian_area"
    assert [c for c, _ in result.ranked] == ["attack_on_civilian_area", "other"]
