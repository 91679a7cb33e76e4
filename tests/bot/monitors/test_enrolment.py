"""Becoming a monitor in the chat: `/monitor CODE` anywhere, `/start CODE` from a deep link."""

from __future__ import annotations

from datetime import timedelta

from bot.engine import ConversationEngine
from reports.monitors import FREE_ATTEMPTS, MonitorStore, new_code
from tests.bot.conversation import Person
from tests.bot.monitors.conftest import invite_code, unique


def text_of(replies: list) -> str:
    return "\n".join(reply.text for reply in replies)


async def profile(person: Person) -> tuple[str, str | None]:
    services = person.services
    return await services.reporter_profile(
        services.keyring.pseudonym(person.channel, person.sender_id)
    )


async def test_monitor_command_with_a_code_enrols_the_sender(
    community: Person, monitors: MonitorStore
) -> None:
    reply = text_of(await community.send(f"/monitor {await invite_code(monitors)}"))
    assert "you are now a monitor for Sahel Watch" in reply
    assert "/template" in reply
    assert await profile(community) == ("monitor", "Sahel Watch")


async def test_a_telegram_deep_link_start_enrols_the_sender(
    engine: ConversationEngine, monitors: MonitorStore
) -> None:
    person = Person(engine, sender_id=unique("tg"), channel="telegram")
    reply = text_of(await person.send(f"/start {await invite_code(monitors)}"))
    assert "you are now a monitor" in reply
    assert await profile(person) == ("monitor", "Sahel Watch")


async def test_start_without_a_code_is_the_ordinary_welcome(community: Person) -> None:
    plain = await community.send("/start")
    other = await community.send("/start from-a-poster")
    assert "Welcome." in plain[0].text and "Welcome." in other[0].text
    assert "monitor" not in text_of(plain + other)
    assert await profile(community) == ("community", None)


async def test_a_used_code_is_answered_clearly(
    engine: ConversationEngine, monitors: MonitorStore
) -> None:
    code = await invite_code(monitors)
    await Person(engine, sender_id=unique("first")).send(f"/monitor {code}")
    second = Person(engine, sender_id=unique("second"))
    reply = text_of(await second.send(f"/monitor {code}"))
    assert "already been used" in reply
    assert await profile(second) == ("community", None)


async def test_an_expired_code_is_answered_clearly(
    community: Person, monitors: MonitorStore
) -> None:
    invite = await monitors.create_invite("Sahel Watch", timedelta(seconds=-1))
    assert "has expired" in text_of(await community.send(f"/monitor {invite.code}"))


async def test_a_wrong_code_is_answered_clearly(community: Person) -> None:
    assert "not valid" in text_of(await community.send(f"/monitor {new_code()}"))


async def test_a_wrong_deep_link_code_says_so_then_welcomes(community: Person) -> None:
    replies = await community.send(f"/start {new_code()}")
    assert "not valid" in replies[0].text
    assert "Welcome." in text_of(replies[1:])


async def test_repeated_wrong_codes_make_the_sender_wait(
    community: Person, monitors: MonitorStore
) -> None:
    for _ in range(FREE_ATTEMPTS):
        await community.send(f"/monitor {new_code()}")
    reply = text_of(await community.send(f"/monitor {await invite_code(monitors)}"))
    assert "Too many wrong codes" in reply
    assert "second" in reply or "minute" in reply
    assert await profile(community) == ("community", None)


async def test_monitor_without_a_code_explains_or_names_the_organisation(
    community: Person, monitor: Person
) -> None:
    assert "invite code" in text_of(await community.send("/monitor"))
    assert "Sahel Watch" in text_of(await monitor.send("/monitor"))


async def test_enrolment_replies_in_the_conversation_language(
    engine: ConversationEngine, monitors: MonitorStore
) -> None:
    person = Person(engine, sender_id=unique("fr"), language_hint="fr")
    reply = text_of(await person.send(f"/monitor {new_code()}"))
    assert "n'est pas valide" in reply


async def test_help_lists_the_monitor_commands_only_for_monitors(
    community: Person, monitor: Person
) -> None:
    assert "/myreports" not in text_of(await community.send("/help"))
    assert "/myreports" in text_of(await monitor.send("/help"))
