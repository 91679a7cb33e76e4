"""One SMS per turn, worded for SMS, never repeating what the person reported."""

from __future__ import annotations

import pytest

from bot.channels.sms_render import SmsRenderer, automatic_choice
from bot.channels.sms_segments import cost, split_segments
from bot.messages import Choice, OutboundMessage
from locales.i18n import Translator

RENDER = SmsRenderer(max_segments=4)


def ask(step: str, text: str, *choices: tuple[str, str], language: str = "en") -> OutboundMessage:
    return OutboundMessage(
        text,
        choices=tuple(Choice(id_, label) for id_, label in choices),
        language=language,
        right_to_left=language == "ar",
        step=step,
    )


def say(text: str, language: str = "en", **options: object) -> OutboundMessage:
    return OutboundMessage(text, language=language, **options)  # type: ignore[arg-type]


def test_choices_are_numbered_on_one_line() -> None:
    danger = ask(
        "danger",
        "Is anyone in danger right now?",
        ("yes", "Yes"),
        ("no", "No"),
        ("unknown", "I don't know"),
    )
    assert RENDER.render([danger]) == "Is anyone in danger now? Reply 1 Yes, 2 No, 3 I don't know."


def test_the_summary_is_not_shown_back() -> None:
    summary = ask(
        "summary",
        "Here is your report:\n• What happened: soldiers beat my brother in Gao",
        ("send", "Send the report"),
        ("change", "Change something"),
        ("cancel", "Cancel the report"),
    )
    text = RENDER.render([summary])
    assert text == "Send your report? Reply 1 Send, 2 Change, 3 Cancel."


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_acknowledgements_that_name_the_place_or_category_are_left_out(language: str) -> None:
    _ = Translator(language)
    noted = say(_("Noted: {place}.", place="Gao, Mali"), language)
    status = say(
        _(
            "{reference} ({date}): {category}. Status: {status}.",
            reference="TX-ABCD-EFGH",
            date="4 Dec 2026",
            category=_("Sexual violence"),
            status=_("received"),
        ),
        language,
    )
    text = RENDER.render([noted, status])
    assert "Gao" not in text and _("Sexual violence") not in text
    assert "TX-ABCD-EFGH" in text


def test_questions_the_sms_cannot_ask_are_answered_by_the_channel() -> None:
    media = ask("media", "If you have photos...", ("done", "Skip"))
    confirm = ask(
        "category",
        "It sounds like a beating by soldiers. Is that right?",
        ("yes", "Yes"),
        ("no", "No, choose another"),
    )
    place = ask("place", "Did it happen in Gao, Mali?", ("yes", "Yes"), ("no", "No"))
    assert [automatic_choice(m) for m in (media, confirm, place)] == ["done", "yes", "yes"]
    assert RENDER.render([confirm]) == ""


def test_the_first_reply_says_how_to_stay_safe_and_replaces_the_welcome() -> None:
    _ = Translator("en")
    welcome = say(
        _(
            "Welcome. Here you can report abuses by soldiers, police or other armed forces, "
            "safely and in your own language.\nWhat you send is encrypted. We never share who you "
            "are: you can stay anonymous and erase your data at any time with /delete. Send /help "
            "to see what I can do."
        )
    )
    where = ask(
        "place",
        "Where did it happen?",
        ("skip", "I'd rather not say"),
    )
    text = RENDER.render([welcome, where], first=True)
    assert text.startswith("Encrypted. We never repeat your report by SMS")
    assert "Welcome" not in text and "STOP" in text
    assert cost(text).segments == 1


def test_the_reference_comes_with_keywords_instead_of_commands() -> None:
    thanks = say(
        "Thank you. Your report has been received.\nYour reference is TX-ABCD-EFGH. "
        "Keep it: send /status TX-ABCD-EFGH to see what happens to it",
        offers_clear_chat=True,
    )
    assert RENDER.render([thanks]) == (
        "Received. Ref TX-ABCD-EFGH. For news: STATUS TX-ABCD-EFGH. Delete this thread."
    )
    assert RENDER.plain("Send /help to see more.", Translator("en")) == "Send HELP to see more."


def test_an_arabic_reply_is_ucs2_split_counted_and_capped() -> None:
    _ = Translator("ar")
    categories = tuple((f"cat:{n}", "عنف جسدي ضد المدنيين في السوق") for n in range(12))
    pick = ask("category", "ما نوع الحادث؟", *categories, language="ar")
    text = SmsRenderer(max_segments=3).render([pick])
    assert cost(text).encoding == "ucs2"
    assert cost(text).segments == 3 == len(split_segments(text))
    assert text.startswith(_("Kind of incident?"))
    assert text.endswith("…")


def test_french_wording_stays_gsm7() -> None:
    danger = ask(
        "danger", "x", ("yes", "Oui"), ("no", "Non"), ("unknown", "Je ne sais pas"), language="fr"
    )
    thanks = say("Merci. Votre référence est TX-ABCD-EFGH.", "fr", offers_clear_chat=True)
    text = RENDER.render([danger, thanks], first=True)
    assert cost(text).encoding == "gsm7", text
