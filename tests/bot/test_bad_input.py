"""Unexpected input at any step gets a short re-prompt, never a crash or a lost answer."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import ConversationEngine
from bot.messages import Location
from tests.bot.conversation import Person
from tests.bot.flow.driver import answer_one

FAILURE = "something went wrong"


async def at_step(engine: ConversationEngine, step: str, sender: str) -> Person:
    person = Person(engine, sender_id=sender)
    await person.send("/start")
    await person.pick("lang:en")
    if step == "describe":
        return person
    # a story that names no place, so that the place is asked on its own
    where = "" if step == "place" else " in Mopti"
    await person.send(f"Soldiers beat three men at the market{where} yesterday evening")
    for _ in range(12):
        if person.step == step:
            return person
        await answer_one(person)
    raise AssertionError(f"never reached {step}")


async def test_sticker_is_refused_politely_at_every_step(engine: ConversationEngine) -> None:
    for step in ("describe", "review", "danger", "summary"):
        person = await at_step(engine, step, f"sticker-{step}")
        replies = await person.send(unsupported="sticker")
        assert "cannot take that kind of message" in replies[0].text
        assert person.step == step


async def test_impossible_typed_coordinates_get_a_clear_answer_and_are_not_kept(
    engine: ConversationEngine,
) -> None:
    person = Person(engine, sender_id="impossible-coordinates")
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Soldiers beat three men at the market yesterday evening")
    for _ in range(12):
        if person.step == "place":
            break
        await answer_one(person)
    for typed in ("999, 999", "-91,181"):
        replies = await person.send(typed)
        assert "cannot be right" in replies[0].text
        assert person.step == "place"
    pseudonym = engine.services.keyring.pseudonym(person.channel, person.sender_id)
    session = await engine.services.sessions.load(pseudonym)
    assert session is not None and session.draft.lat is None
    assert session.draft.location_text is None


async def test_out_of_range_number_is_re_asked(engine: ConversationEngine) -> None:
    person = await at_step(engine, "danger", "range")
    replies = await person.send("9")
    assert "one of the numbers" in replies[0].text
    assert person.step == "danger"
    await person.send("2")  # "No", by number
    assert person.step != "danger"


async def test_stale_button_of_an_older_question_is_re_asked(engine: ConversationEngine) -> None:
    person = await at_step(engine, "summary", "stale")
    replies = await person.send(choice="lang:fr")
    assert "one of the numbers" in replies[0].text
    assert person.step == "summary"


async def test_a_label_typed_instead_of_pressed_is_understood(engine: ConversationEngine) -> None:
    person = await at_step(engine, "danger", "typed")
    await person.send("no")
    assert person.step != "danger"


async def test_too_short_account_asks_for_more(engine: ConversationEngine) -> None:
    person = await at_step(engine, "describe", "short")
    replies = await person.send("help")
    assert "a little more" in replies[0].text
    assert person.step == "describe"


async def test_huge_message_is_refused_with_the_limit(engine: ConversationEngine) -> None:
    person = await at_step(engine, "describe", "huge")
    replies = await person.send("soldiers " * 2000)
    assert "too long" in replies[0].text
    assert person.step == "describe"


async def test_impossible_coordinates_are_treated_as_words(engine: ConversationEngine) -> None:
    person = Person(engine, sender_id="coords")
    await person.send("/start")
    await person.pick("lang:en")
    await person.send("Police beat protesters in the capital last week")
    for _ in range(6):
        if person.step == "place":
            break
        await answer_one(person)
    if person.last.choices and person.last.choices[0].id == "yes":
        await person.pick("no")
    await person.send("95.0,200.0")
    assert FAILURE not in person.text()


async def test_location_pin_is_reverse_geocoded(engine: ConversationEngine) -> None:
    person = Person(engine, sender_id="pin")
    await person.send("/start")
    await person.pick("lang:en")
    await person.send(location=Location(14.4843, -4.1827))
    assert "Mopti" in person.text()
    assert person.step == "describe"


MESSAGES = st.one_of(
    st.text(max_size=60).map(lambda text: {"text": text}),
    st.integers(min_value=-3, max_value=30).map(lambda n: {"text": str(n)}),
    st.sampled_from(["yes", "no", "done", "send", "change", "cat:killing", "bogus"]).map(
        lambda choice: {"choice": choice}
    ),
    st.sampled_from(["sticker", "poll", "dice"]).map(lambda kind: {"unsupported": kind}),
    st.builds(
        lambda lat, lon: {"location": Location(lat, lon)},
        st.floats(-90, 90, allow_nan=False),
        st.floats(-180, 180, allow_nan=False),
    ),
    st.sampled_from(["/start", "/help", "/cancel", "/status", "/add", "/language xx"]).map(
        lambda text: {"text": text}
    ),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(MESSAGES, min_size=1, max_size=12))
async def test_any_sequence_of_messages_gets_answers_and_never_fails(
    engine: ConversationEngine, messages: list[dict]
) -> None:
    person = Person(engine, sender_id=f"fuzz-{id(messages)}")
    for message in messages:
        replies = await person.send(**message)
        assert replies, message
        assert all(FAILURE not in reply.text for reply in replies), (message, replies)
