"""Arabic messages show references, commands, coordinates and Latin names in reading order.

The rendered messages of every channel (Telegram sends the text as it is, WhatsApp and the
console render choices in their own way) are laid out with the Unicode bidi algorithm
(python-bidi), right to left as an Arabic phone shows them, and every left-to-right run must
come out as it was written.
"""

from __future__ import annotations

import re

import pytest
from bidi import get_display

from bot.channels import console, whatsapp_render
from bot.direction import LRI, PDI, isolate_left_to_right
from bot.flow.places import describe_candidate
from bot.messages import OutboundMessage
from nlu import Nlu
from tests.bot.conversation import Person
from tests.bot.flow.driver import answer_until_submitted

LATIN_RUN = re.compile(r"[/(#+\-]*[A-Za-z0-9](?:[A-Za-z0-9\s.,:/_\-()]*[A-Za-z0-9)])?")
STORY = "قام جنود بضرب ثلاثة رجال في سوق موبتي مساء أمس"


def shown(text: str) -> str:
    """The text as a right-to-left screen lays it out, read left to right, marks removed."""
    visual = get_display(text, base_dir="R")
    return visual.replace(LRI, "").replace(PDI, "")


def garbled_runs(text: str) -> list[str]:
    """The left-to-right runs of `text` that the bidi algorithm does not keep in order."""
    logical = text.replace(LRI, "").replace(PDI, "")
    runs = {match.group(0).strip() for match in LATIN_RUN.finditer(logical)}
    return sorted(run for run in runs if run and run not in shown(text))


def renderings(message: OutboundMessage) -> list[str]:
    """What each channel sends for `message`: Telegram its text and button labels, WhatsApp
    its parts, the console its numbered lines."""
    texts = [message.text, *(choice.label for choice in message.choices)]
    texts += [whatsapp_render.plain_text(part) for part in whatsapp_render.render(message)]
    texts.append(console.render(message))
    return texts


def test_without_isolation_the_bidi_algorithm_scrambles_commands_and_coordinates() -> None:
    text = "أرسل /status TX-A9DG-TJB2 لمعرفة ما حدث (16.2717, -0.0447)."
    assert "/status TX-A9DG-TJB2" in garbled_runs(text)
    assert "(16.2717, -0.0447)" in garbled_runs(text)
    assert garbled_runs(isolate_left_to_right(text)) == []


def test_isolation_leaves_the_words_as_they_were() -> None:
    text = "• المكان: Gao (region), مالي (16.2717, -0.0447)"
    isolated = isolate_left_to_right(text)
    assert isolated.replace(LRI, "").replace(PDI, "") == text
    assert isolate_left_to_right(isolated) == isolated


async def test_every_message_of_an_arabic_report_keeps_its_latin_runs_in_order(
    person: Person,
) -> None:
    await person.send(STORY)
    await answer_until_submitted(person, {})
    reference = person.reference()
    assert reference and f"/status {reference}" in shown(person.last.text)
    assert any(re.search(r"\(\d+\.\d{4}, -\d+\.\d{4}\)", m.text) for m in person.transcript)
    for message in person.transcript:
        assert message.right_to_left
        for rendered in renderings(message):
            assert garbled_runs(rendered) == [], rendered


@pytest.mark.skipif(
    not hasattr(Nlu, "place_names"),
    reason="Nlu.place_names arrives with the gazetteer's alternate names (nlu branch)",
)
def test_an_arabic_conversation_names_places_in_arabic(shared_nlu: Nlu) -> None:
    [timbuktu, *_rest] = shared_nlu.geotag("Tombouctou", language="fr")
    shown_name = describe_candidate(timbuktu.to_dict(), "ar", nlu=shared_nlu)
    assert re.match(r"[\u0621-\u064a]", shown_name), shown_name
    assert describe_candidate(timbuktu.to_dict(), "en").startswith("Timbuktu")
