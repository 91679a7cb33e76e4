"""Rendering the bot's answers within WhatsApp's limits (tested alone, like a keyboard)."""

from __future__ import annotations

from bot.channels.whatsapp_render import (
    BUTTON_BODY_LIMIT,
    TEXT_LIMIT,
    plain_text,
    render,
    split_text,
    template_part,
)
from bot.messages import Choice, OutboundMessage


def choices(*labels: str) -> tuple[Choice, ...]:
    return tuple(Choice(f"c{number}", label) for number, label in enumerate(labels))


def test_plain_text_is_one_text_message_without_link_previews() -> None:
    [part] = render(OutboundMessage("What happened?"))
    assert part == {"type": "text", "text": {"preview_url": False, "body": "What happened?"}}


def test_up_to_three_short_choices_are_reply_buttons() -> None:
    [part] = render(OutboundMessage("Is anyone in danger?", choices("Yes", "No", "I don't know")))
    interactive = part["interactive"]
    assert interactive["type"] == "button"
    assert interactive["body"]["text"] == "Is anyone in danger?"
    assert [button["reply"] for button in interactive["action"]["buttons"]] == [
        {"id": "c0", "title": "Yes"},
        {"id": "c1", "title": "No"},
        {"id": "c2", "title": "I don't know"},
    ]


def test_a_label_longer_than_a_button_title_makes_a_list_with_the_whole_label() -> None:
    long_label = "No, keep me anonymous please"  # 28 characters: too long for a button
    [part] = render(OutboundMessage("May we contact you?", choices("Yes", long_label)))
    interactive = part["interactive"]
    assert interactive["type"] == "list"
    rows = interactive["action"]["sections"][0]["rows"]
    assert rows[1]["title"] == "No, keep me anonymous p…"
    assert len(rows[1]["title"]) <= 24
    assert rows[1]["description"] == long_label
    assert "description" not in rows[0]


def test_four_to_ten_choices_are_a_list_with_a_translated_button() -> None:
    labels = [f"Category {number}" for number in range(10)]
    for language, button in (("en", "Choose an answer"), ("fr", "Choisir une réponse")):
        [part] = render(OutboundMessage("What kind?", choices(*labels), language=language))
        action = part["interactive"]["action"]
        assert action["button"] == button
        assert len(action["sections"][0]["rows"]) == 10
    [part] = render(OutboundMessage("ما نوع ذلك؟", choices(*labels), language="ar"))
    assert part["interactive"]["action"]["button"] != "Choose an answer"
    assert len(part["interactive"]["action"]["button"]) <= 20


def test_more_than_ten_choices_are_numbered_lines_to_answer_by_number() -> None:
    labels = [f"Place {number}" for number in range(1, 13)]
    [part] = render(OutboundMessage("Which place?", choices(*labels)))
    body = part["text"]["body"]
    assert body.startswith("Which place?\n\n1. Place 1\n2. Place 2")
    assert body.endswith("12. Place 12")


def test_a_location_question_is_a_location_request_then_its_choices() -> None:
    message = OutboundMessage(
        "Where did it happen?", choices("I'd rather not say"), request_location=True
    )
    request, buttons = render(message)
    assert request["interactive"] == {
        "type": "location_request_message",
        "body": {"text": "Where did it happen?"},
        "action": {"name": "send_location"},
    }
    assert buttons["interactive"]["type"] == "button"
    assert buttons["interactive"]["body"]["text"] == "Or choose one of these:"
    [french, _] = render(
        OutboundMessage("Où ?", choices("Je préfère ne pas dire"), True, language="fr")
    )
    assert french["interactive"]["body"]["text"] == "Où ?"


def test_long_text_is_split_at_paragraphs_within_the_limit() -> None:
    paragraph = ("Words of a long summary. " * 60).strip()  # about 1,500 characters
    text = "\n\n".join([paragraph] * 5)
    parts = render(OutboundMessage(text))
    bodies = [part["text"]["body"] for part in parts]
    assert all(len(body) <= TEXT_LIMIT for body in bodies)
    assert all(set(body.split("\n\n")) == {paragraph} for body in bodies)
    assert sum(body.count(paragraph) for body in bodies) == 5


def test_a_long_question_with_buttons_sends_its_start_first_and_the_buttons_last() -> None:
    text = "Here is your report:\n" + "\n".join(f"• line {n} of the summary" for n in range(60))
    parts = render(OutboundMessage(text, choices("Send", "Change", "Cancel")))
    *lead, last = parts
    assert [part["type"] for part in lead] == ["text"]
    assert last["interactive"]["type"] == "button"
    assert len(last["interactive"]["body"]["text"]) <= BUTTON_BODY_LIMIT
    assert last["interactive"]["body"]["text"].startswith("• line")


def test_split_never_loses_a_word_even_without_spaces() -> None:
    text = "x" * 9000
    chunks = split_text(text)
    assert [len(chunk) for chunk in chunks] == [4096, 4096, 808]


def test_template_carries_the_text_on_one_line() -> None:
    part = template_part("tocsin_followup", "fr", ["Une question :\nqui était là ?", "1. Oui"])
    assert part["template"]["name"] == "tocsin_followup"
    assert part["template"]["language"] == {"code": "fr"}
    [parameter] = part["template"]["components"][0]["parameters"]
    assert parameter == {"type": "text", "text": "Une question : qui était là ? — 1. Oui"}


def test_plain_text_of_a_rendered_question_numbers_its_choices() -> None:
    [part] = render(OutboundMessage("Is anyone in danger?", choices("Yes", "No")))
    assert plain_text(part) == "Is anyone in danger?\n\n1. Yes\n2. No"
