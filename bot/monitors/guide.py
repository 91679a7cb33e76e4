"""`/template`: the one-message template in the monitor's language, with a working example.

The keys come from `bot.monitors.words` (data); the explanations and the example's values are
translated. The example is itself a valid report, so copying and editing it always works.
"""

from __future__ import annotations

from bot.monitors.words import FIELD_KEYS, TEMPLATE_WORDS, display_key
from locales.i18n import N_, Translator
from nlu.taxonomy import CATEGORIES, PERPETRATORS

EXPLANATIONS: dict[str, str] = {
    "what": N_("the kind of incident, in a few words, or one of: {ids}"),
    "who": N_("who did it, one of: {ids}; or the name of the force or unit"),
    "where": N_("a town or village, or coordinates as lat,lon"),
    "when": N_("a date and time, or words such as “yesterday evening”"),
    "victims": N_("how many, and who if you know: “3 men, 1 child”"),
    "danger": N_("is anyone in danger right now: yes or no"),
    "source": N_(
        "your grading: reliability of the source from A to F, then credibility of the "
        "information from 1 to 6, e.g. B2"
    ),
    "text": N_("what happened, in your own words; it may go on over several lines"),
}

EXAMPLE_VALUES: dict[str, str] = {
    "what": N_("arrest"),
    "where": N_("Gao"),
    "when": N_("yesterday 18:00"),
    "who": N_("gendarmes"),
    "victims": N_("3 men"),
    "source": "B2",
    "text": N_("Three traders were arrested at the market and taken away in a pick-up."),
}


def example(_: Translator) -> str:
    """A whole report in the template, in the chat's language."""
    language = _.language if _.language in TEMPLATE_WORDS else "en"
    words = TEMPLATE_WORDS[language]
    lines = [words.trigger[0]]
    for key in FIELD_KEYS:
        if key == "danger":
            value = words.no[0]
        else:
            value = _(EXAMPLE_VALUES[key]) if key != "source" else EXAMPLE_VALUES[key]
        lines.append(f"{display_key(key, language)}: {value}")
    return "\n".join(lines)


def template_guide(_: Translator) -> str:
    """The whole `/template` answer."""
    language = _.language if _.language in TEMPLATE_WORDS else "en"
    hashtag = TEMPLATE_WORDS[language].trigger[0]
    intro = _(
        "To send a whole report in one message, start it with {hashtag} and write one field "
        "per line as “key: value”, or separate the fields with “;”. “{what}” and “{where}” "
        "are needed; the others are optional. For example:",
        hashtag=hashtag,
        what=display_key("what", language),
        where=display_key("where", language),
    )
    ids = {"what": ", ".join(CATEGORIES), "who": ", ".join(PERPETRATORS)}
    fields = [
        f"{display_key(key, language)}: {_(EXPLANATIONS[key], ids=ids.get(key, ''))}"
        for key in FIELD_KEYS
    ]
    outro = _(
        "Several reports in one message: separate them with a line ---. Many reports: send a "
        "CSV or Excel file with these keys as column names, one report per row."
    )
    return "\n\n".join([intro, example(_), "\n".join(fields), outro])
