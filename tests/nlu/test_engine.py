"""`Nlu.analyze` end to end: the shape the flow, the CLI and escalation rely on."""

from __future__ import annotations

import time
from pathlib import Path

from nlu import Analysis, Nlu
from tests.nlu.conftest import MESSAGE_TIME


async def test_analyze_reads_a_french_report(nlu: Nlu) -> None:
    analysis = await nlu.analyze(
        "Les FAMa ont tué 3 bergers peuls hier soir à Mopti", now=MESSAGE_TIME
    )
    assert isinstance(analysis, Analysis)
    assert (analysis.language, analysis.category) == ("fr", "killing")
    assert (analysis.perpetrator, analysis.perpetrator_text) == ("army", "FAMa")
    assert analysis.victims == 3 and "minority" in analysis.affected_groups
    assert analysis.when is not None and analysis.when.at.day == 14
    assert analysis.places[0].name == "Mopti"
    assert analysis.backend == "builtin"


async def test_analyze_reads_an_arabic_report(nlu: Nlu) -> None:
    analysis = await nlu.analyze("الشرطة اعتقلت ثلاثة رجال في حلب أمس", now=MESSAGE_TIME)
    assert (analysis.language, analysis.category, analysis.perpetrator) == (
        "ar",
        "arbitrary_detention",
        "police",
    )
    assert analysis.affected_groups == {"men": 3}
    assert analysis.places[0].country == "SY"


async def test_analyze_of_a_greeting_is_other(nlu: Nlu) -> None:
    analysis = await nlu.analyze("bonjour")
    assert analysis.category == "other" and analysis.places == ()


async def test_json_shape_of_the_interface_contract(nlu: Nlu) -> None:
    data = (await nlu.analyze("soldiers beat my brother in Kaya", now=MESSAGE_TIME)).to_dict()
    for key in (
        "language",
        "category",
        "confidence",
        "perpetrator",
        "affected_groups",
        "victims",
        "when",
        "places",
    ):
        assert key in data
    assert set(data["places"][0]) >= {"name", "country", "lat", "lon", "score"}


async def test_analyze_is_fast_after_warm_up(nlu: Nlu) -> None:
    text = "On 3 May 2020, presumed militants abducted 5 civilians in Djibo (Sahel region)."
    await nlu.analyze(text)
    started = time.perf_counter()
    for _ in range(20):
        await nlu.analyze(text)
    assert (time.perf_counter() - started) / 20 < 0.02


async def test_a_deployments_countries_are_home_when_no_place_is_named(
    nlu_cache_dir: Path,
) -> None:
    """In Mali's deployment, Burkinabe soldiers are foreign even where no place is named."""
    deployment = Nlu(countries=["ML"], cache_dir=nlu_cache_dir, warm_up=False)
    foreign = await deployment.analyze("les soldats burkinabè ont tué des bergers hier")
    assert foreign.perpetrator == "foreign_forces"
    assert foreign.confidential
    home = await deployment.analyze("les militaires maliens ont tué des bergers hier")
    assert home.perpetrator == "army"
