"""In a real browser: the case page draws the report's place on a map, as precisely as it
was placed (a pin, a town, a region drawn as an area), with no inline script."""

from __future__ import annotations

import pytest

from tests.staff.analysis.browser import artefact, browser_page
from tests.staff.analysis.seeding import Seed, seed_reports
from tests.staff.conftest import Desk

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]


async def test_the_case_page_draws_the_place_as_precisely_as_it_is_known(desk: Desk) -> None:
    refs = await seed_reports(
        desk.bench.store.engine,
        desk.bench.keyring,
        [
            Seed(location_precision="exact"),
            Seed(location_precision="place"),
            Seed(location_precision="admin", place=None),
            Seed(location_precision="country", place=None, admin_area=None),
        ],
    )
    async with browser_page(desk, "analyst", viewport={"width": 1200, "height": 900}) as page:
        drawn = {}
        for reference, precision in zip(refs[:3], ("exact", "place", "admin"), strict=True):
            await page.goto(desk.url(f"/staff/reports/{reference}"))
            try:
                await page.wait_for_selector("#case-map[data-drawn=true]", timeout=8000)
                await page.wait_for_selector(f"#case-map path.point-{precision}", timeout=8000)
            except Exception:
                raise AssertionError(page.console) from None
            assert not [line for line in page.console if line.startswith(("pageerror", "http"))]
            assert await page.eval_on_selector("#case-map", "n => n.dataset.precision") == precision
            others = {"exact", "place", "admin"} - {precision}
            for other in others:
                assert await page.locator(f"#case-map path.point-{other}").count() == 0
            drawn[precision] = await page.eval_on_selector(
                f"#case-map path.point-{precision}",
                "p => { const b = p.getBoundingClientRect(); return b.width; }",
            )
            await page.wait_for_selector("#case-map[data-outlines=drawn]", timeout=10000)
            await page.screenshot(path=str(artefact(f"case-map-{precision}.png")))
        # a town is drawn wider than a pin, and a region's area wider than a town at their zoom
        assert drawn["exact"] < drawn["place"]
        legend = page.locator("#case-map-precision")
        assert "region" in (await legend.inner_text()).lower()
        # a place known only to its country is not drawn at all, and says so
        await page.goto(desk.url(f"/staff/reports/{refs[3]}"))
        assert await page.locator("#case-map").count() == 0
        assert "not precise enough" in await page.locator("#case-map-precision").inner_text()
