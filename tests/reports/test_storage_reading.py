"""Reports keep the NLU's whole reading (migration 0800) and show it in `reports list --json`."""

from __future__ import annotations

from reports.crypto import Keyring
from reports.storage import ReportStore
from tests.reports.test_storage import make_draft


async def test_every_category_is_kept_with_the_chosen_one_first(
    store: ReportStore, keyring: Keyring
) -> None:
    draft = make_draft(
        keyring,
        category="property_destruction_looting",
        categories=["sexual_violence", "property_destruction_looting", "killing"],
        confidential_reading=True,
        relevant=True,
        relevance=0.97,
    )
    view = await store.submit(draft)
    (listed,) = [r for r in await store.list_reports(actor="test") if r.reference == view.reference]
    shown = listed.to_json()
    assert shown["categories"] == ["property_destruction_looting", "sexual_violence", "killing"]
    assert shown["confidential_reading"] is True
    assert (shown["relevant"], shown["relevance"]) == (True, 0.97)


async def test_a_report_without_a_reading_lists_its_one_category(
    store: ReportStore, keyring: Keyring
) -> None:
    view = await store.submit(make_draft(keyring, category="killing"))
    assert view.to_json()["categories"] == ["killing"]
    assert view.to_json()["relevant"] is None


async def test_the_most_severe_category_sets_the_severity(
    store: ReportStore, keyring: Keyring
) -> None:
    view = await store.submit(
        make_draft(
            keyring,
            category="extortion_corruption",
            categories=["killing"],
            victims=3,
            affected_groups={},
            immediate_danger=None,
        )
    )
    assert view.severity == "critical"  # killing of several people
