"""What the NLU read in the account is stored with the report, whatever category is chosen.

Routing decides confidentiality on that reading, so a story that also tells of sexual violence
must carry it to storage even when the person confirms (or picks) another act.
"""

from __future__ import annotations

from reports.storage import ReportStore
from tests.bot.conversation import Person
from tests.bot.flow.driver import answer_one, answer_until_submitted

STORY = "Soldiers raped my sister and beat my brother at the market in Mopti yesterday evening"


async def test_the_reading_of_the_account_reaches_the_stored_report(
    person: Person, store: ReportStore
) -> None:
    await person.send(STORY)
    for _ in range(20):
        if person.reference():
            break
        offered = [choice.id for choice in person.last.choices]
        if person.step == "category" and "yes" not in offered:
            # a story of two acts read with less confidence: the person picks the other act
            await person.pick("cat:physical_assault")
        else:
            await answer_one(person)
    reference = await answer_until_submitted(person, {})
    [report] = await store.list_reports(actor="test")
    assert report.reference == reference
    assert report.confidential_reading is True
    assert report.categories[0] == report.category
    assert {"sexual_violence", "physical_assault"} <= set(report.categories)
    assert report.relevant is True


async def test_a_greeting_is_not_a_report(person: Person, store: ReportStore) -> None:
    await person.send("hello, is this working? just testing the bot")
    assert await store.list_reports(actor="test") == []
