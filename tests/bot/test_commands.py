"""Commands at any step: /help /language /status /add /delete /cancel, and unknown ones."""

from __future__ import annotations

from bot.engine import ConversationEngine
from reports.storage import ReportStore
from tests.bot.conversation import Person, media
from tests.bot.flow.driver import answer_until_submitted

STORY = "Police beat my son at the Bamako checkpoint"


async def submitted(person: Person, story: str = STORY) -> str:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send(story)
    return await answer_until_submitted(person, {})


async def test_help_lists_commands_and_repeats_the_question(person: Person) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    replies = await person.send("/help")
    assert "/status" in replies[0].text and "/delete" in replies[0].text
    assert person.step == "describe"


async def test_language_command_switches_mid_report(person: Person) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("/language fr")
    assert person.last.language == "fr"
    assert person.step == "describe"
    await person.send("/language")
    assert person.step == "language"
    await person.pick("lang:ar")
    assert person.last.language == "ar" and person.last.right_to_left


async def test_status_shows_own_reports_only(engine: ConversationEngine) -> None:
    owner = Person(engine, sender_id="owner")
    reference = await submitted(owner)
    await owner.send(f"/status {reference.lower()}")
    assert reference in owner.last.text or reference in owner.transcript[-2].text
    assert "received" in owner.text().split(reference)[-1]
    stranger = Person(engine, sender_id="stranger")
    await stranger.send("/start")
    await stranger.pick("lang:en")
    replies = await stranger.send(f"/status {reference}")
    assert "found no report" in replies[0].text
    mistyped = reference[:-1] + ("B" if reference[-1] != "B" else "C")
    replies = await stranger.send(f"/status {mistyped}")
    assert "found no report" in replies[0].text
    assert reference not in replies[0].text and "TX-ABCD-EFGH" not in replies[0].text


async def test_a_mistyped_reference_is_matched_only_to_the_persons_own_reports(
    engine: ConversationEngine,
) -> None:
    owner = Person(engine, sender_id="typist")
    reference = await submitted(owner)
    mistyped = reference[:-1] + ("B" if reference[-1] != "B" else "C")
    replies = await owner.send(f"/status {mistyped}")
    assert f"Did you mean {reference}?" in replies[0].text
    replies = await owner.send("/status TX-AAAA-BBBB")
    assert "found no report TX-AAAA-BBBB" in replies[0].text
    assert "TX-ABCD-EFGH" not in replies[0].text and reference not in replies[0].text


async def test_status_without_reference_lists_recent_reports(engine: ConversationEngine) -> None:
    person = Person(engine, sender_id="lister")
    reference = await submitted(person)
    replies = await person.send("/status")
    assert reference in replies[0].text


async def test_add_appends_text_and_files_to_an_own_report(
    engine: ConversationEngine, store: ReportStore
) -> None:
    person = Person(engine, sender_id="adder")
    reference = await submitted(person)
    await person.send(f"/add {reference}")
    assert person.step == "add_details"
    await person.send("They came back this morning with two trucks")
    await person.send(media_ref=media(b"photo-bytes"))
    await person.pick("done")
    report = await store.get_report(reference, actor="test")
    assert report.additions == ("They came back this morning with two trucks",)
    assert len(report.media) == 1


async def test_delete_erases_after_confirmation(
    engine: ConversationEngine, store: ReportStore
) -> None:
    person = Person(engine, sender_id="eraser")
    reference = await submitted(person)
    await person.send("/delete")
    await person.pick("keep")
    assert not (await store.get_report(reference, actor="test")).erased
    await person.send("/delete")
    await person.pick("erase")
    report = await store.get_report(reference, actor="test")
    assert report.erased and report.description is None
    assert (
        await engine.services.sessions.load(engine.services.keyring.pseudonym("test", "eraser"))
        is None
    )


async def test_cancel_discards_the_report_in_progress(person: Person, store: ReportStore) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Soldiers burned our granary in Sevare")
    replies = await person.send("/cancel")
    assert "cancelled" in replies[0].text
    replies = await person.send("/cancel")
    assert "nothing to cancel" in replies[0].text
    assert await store.list_reports(actor="test") == []


async def test_unknown_command_is_answered_and_the_question_repeated(person: Person) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    replies = await person.send("/frobnicate now")
    assert "/frobnicate" in replies[0].text
    assert person.step == "describe"


async def test_start_during_a_report_offers_to_resume(person: Person) -> None:
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Soldiers beat a boy at the market in Mopti yesterday")
    step = person.step
    await person.send("/start")
    assert person.step == "resume"
    await person.pick("continue")
    assert person.step == step
