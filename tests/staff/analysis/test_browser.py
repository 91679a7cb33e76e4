"""In a real browser: the map clusters a seeded data set, Arabic is right-to-left, a unit
dossier prints."""

from __future__ import annotations

import pytest

from tests.staff.analysis.browser import artefact, browser_page
from tests.staff.analysis.seeding import Seed, random_seeds, seed_reports
from tests.staff.conftest import Desk

# One backend is enough in the browser (the pages' queries are tested on both elsewhere).
pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


async def test_the_map_shows_the_clusters_of_a_seeded_data_set(desk: Desk) -> None:
    seeds = [s for s in random_seeds(300) if not s.confidential]
    await seed_reports(desk.bench.store.engine, desk.bench.keyring, seeds)
    async with browser_page(desk, "analyst", viewport={"width": 1200, "height": 900}) as page:
        await page.goto(desk.url("/staff/map"))
        try:
            await page.wait_for_selector("#map[data-loaded]", state="attached", timeout=8000)
        except Exception:
            raise AssertionError(page.console) from None
        assert not [line for line in page.console if line.startswith(("pageerror", "http"))]
        loaded = await page.eval_on_selector("#map", "node => node.dataset.loaded")
        assert loaded == str(len(seeds))
        clusters = page.locator(".marker-cluster")
        await clusters.first.wait_for(timeout=10000)
        counts = [
            int(text) for text in await page.locator(".marker-cluster span").all_inner_texts()
        ]
        assert len(counts) >= 2  # several towns, several clusters
        assert sum(counts) <= len(seeds) and max(counts) > 1
        await page.screenshot(path=str(artefact("map-clusters.png")))
        # the slider goes back in time: fewer reports shown
        await page.eval_on_selector(
            "#map-until",
            "node => { node.value = node.min; node.dispatchEvent(new Event('input')); }",
        )
        shown = await page.eval_on_selector("#map", "node => Number(node.dataset.shown)")
        assert 0 < shown < len(seeds)


async def test_the_arabic_pages_are_laid_out_right_to_left(desk: Desk) -> None:
    await seed_reports(desk.bench.store.engine, desk.bench.keyring, [Seed(unit="GTIA 8")])
    async with browser_page(desk, "analyst", locale="ar") as page:
        for path in ("/staff/map?lang=ar", "/staff/charts?lang=ar", "/staff/units?lang=ar"):
            await page.goto(desk.url(path))
            assert await page.evaluate("document.documentElement.dir") == "rtl"
            assert await page.evaluate("document.documentElement.lang") == "ar"
            direction = await page.evaluate("getComputedStyle(document.body).direction")
            assert direction == "rtl"
        await page.goto(desk.url("/staff/charts?lang=ar"))
        await page.wait_for_selector("canvas[data-drawn=true]", timeout=10000)
        nav = await page.evaluate(
            "(() => { const b = document.querySelector('.brand').getBoundingClientRect();"
            " return b.left > window.innerWidth / 2; })()"
        )
        assert nav, "the brand should sit on the right in Arabic"
        await page.screenshot(path=str(artefact("charts-ar.png")), full_page=True)


async def test_the_unit_dossier_prints_without_the_desk_around_it(desk: Desk) -> None:
    refs = await seed_reports(
        desk.bench.store.engine,
        desk.bench.keyring,
        [Seed(unit="GTIA 8"), Seed(unit="GTIA 8", category="killing")],
    )
    async with browser_page(desk, "analyst") as page:
        await page.goto(desk.url("/staff/units/gtia-8"))
        await page.emulate_media(media="print")
        hidden = await page.evaluate(
            "[...document.querySelectorAll('.topbar, .filters, .no-print')]"
            ".every(node => getComputedStyle(node).display === 'none')"
        )
        assert hidden
        cited = await page.locator(".references tbody tr").all_inner_texts()
        assert sorted(line.split()[0] for line in cited) == sorted(refs)
        pdf = await page.pdf(format="A4", path=str(artefact("dossier-gtia-8.pdf")))
        assert pdf.startswith(b"%PDF") and len(pdf) > 2000
