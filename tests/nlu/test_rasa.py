"""The optional Rasa backend, against a fake Rasa server on loopback."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from nlu import Nlu
from nlu.rasa import RasaClient, classification_from_rasa
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


class _HandMovedClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_one_http_session_serves_every_message(rasa: FakeRasa) -> None:
    client = RasaClient(rasa.url)
    try:
        for text in ("a checkpoint", "another checkpoint", "a third one"):
            await client.classify(text)
    finally:
        await client.close()
    assert len(rasa.requests) == 3
    assert client.sessions_opened == 1


async def test_a_slow_server_is_left_alone_for_a_cool_down(rasa: FakeRasa) -> None:
    clock = _HandMovedClock()
    client = RasaClient(rasa.url, timeout=0.2, cool_down=30.0, clock=clock)
    rasa.delay = 1.0
    try:
        assert await client.classify("at the checkpoint") is None  # over the time budget
        assert await client.classify("at the checkpoint") is None  # resting: not even asked
        assert len(rasa.requests) == 1
        rasa.delay = 0.0
        clock.now += 31.0
        answer = await client.classify("at the checkpoint")
    finally:
        await client.close()
    assert answer is not None and answer.category == "extortion_corruption"
    assert len(rasa.requests) == 2


async def test_a_rasa_answer_never_makes_a_confidential_story_public(
    nlu: Nlu, nlu_cache_dir: Path
) -> None:
    server = await FakeRasa(rules={"market": "physical_assault"}).start()
    try:
        analysis = await _rasa_nlu(nlu, server.url, nlu_cache_dir).analyze(
            "Soldiers raped two women behind the market in Gao"
        )
    finally:
        await server.stop()
    assert analysis.backend == "rasa"
    assert analysis.confidential
    assert "sexual_violence" in analysis.categories
    assert analysis.places and analysis.places[0].name == "Gao"  # places stay Tocsin's own
