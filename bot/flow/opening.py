"""What the flow does with a message outside the question it asked.

The first message of a conversation (which may already be the whole story), and a location or
a file sent while another question is open. The engine reaches these only through the
registry, so it never needs to know which step reads the account, the place or the files.
"""

from __future__ import annotations

from bot.flow.describe import MIN_WORDS, read_account
from bot.flow.media import stage_media
from bot.flow.places import describe_candidate, record_pin
from bot.flow.turn import Turn

# Steps that take a location or a file as their own answer.
TAKES_LOCATION = frozenset({"place"})
TAKES_MEDIA = frozenset({"media", "add_details"})


def welcome(turn: Turn) -> None:
    _ = turn._
    turn.say(
        _(
            "Welcome. Here you can report abuses by soldiers, police or other armed forces, "
            "safely and in your own language.\n"
            "What you send is encrypted. We never share who you are: you can stay anonymous "
            "and erase your data at any time with /delete. Send /help to see what I can do."
        )
    )


def _detect_language(turn: Turn, text: str) -> None:
    """The language of a first story, unless the person chose one themselves."""
    session = turn.session
    if not session.language_explicit:
        nlu, languages = turn.services.nlu, turn.services.settings.languages
        code, _confidence = nlu.detect_language(text, turn.inbound.language_hint)
        if code in languages:
            turn.set_language(code, explicit=False)
    session.language = turn.language


async def begin(turn: Turn) -> None:
    """The first message of a conversation (or the first after a finished report); the
    caller then asks the first step still unanswered."""
    session, inbound = turn.session, turn.inbound
    text = (inbound.text or "").strip()
    returning = session.language is not None
    is_story = bool(text) and len(text.split()) >= MIN_WORDS
    if is_story:
        _detect_language(turn, text)
    if not returning:
        welcome(turn)
    if inbound.location is not None:
        record_early_pin(turn)
    if inbound.media is not None:  # a photo with a caption: both are kept
        await stage_media(turn, inbound.media)
    if is_story:
        await read_account(turn, text)
        session.answered.append("describe")


def record_early_pin(turn: Turn) -> None:
    """A location shared before the place question answers it in advance."""
    _ = turn._
    location = turn.inbound.location
    assert location is not None
    nearest = turn.services.nlu.reverse_geocode(location.lat, location.lon)
    nearest_place = nearest.to_dict() if nearest else None
    record_pin(turn.session.draft, location.lat, location.lon, nearest_place)
    if "place" not in turn.session.answered:
        turn.session.answered.append("place")
    if nearest_place:
        turn.say(
            _(
                "Noted: near {place}.",
                place=describe_candidate(nearest_place, turn.language, nlu=turn.services.nlu),
            )
        )


async def take_aside(turn: Turn, step: str, in_report: bool) -> bool:
    """A location or file sent at a question that asks for something else: kept for the
    report in progress (True), so the question is asked again; False lets the step answer."""
    reply = turn.reply
    if reply.location is not None and in_report and step not in TAKES_LOCATION:
        record_early_pin(turn)
        return True
    if reply.media is not None and step not in TAKES_MEDIA:
        if in_report:
            await stage_media(turn, reply.media)
        return True
    return False
