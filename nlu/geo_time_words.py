"""Words that say when, never where: "at dawn", "à midi", "في الصباح", "usiku".

Such words follow the same prepositions as places do ("at dawn" like "at Kaya"), and many of
them are also the name of some hamlet (Dawn, Midi, Sabah): the geotagger never reads them
as a place, in any case. The parts of the day come from CLDR (shipped with babel) in every
language the gazetteer's country names use; the rest (dawn, dusk, yesterday...) are listed
here. The set is built with the gazetteer and cached with it.
"""

from __future__ import annotations

from nlu.country_names import NAME_LANGUAGES
from nlu.text import tokens

# Tokens shorter than this are left to the function-word lists (they would block names
# such as "Ho" or "Ur" for nothing).
MIN_LENGTH = 3

_TIME_WORDS = """
dawn daybreak sunrise sunup morning mornings forenoon noon midday noontime afternoon
evening evenings dusk sunset sundown twilight nightfall night nights midnight tonight
overnight daytime nighttime today yesterday tomorrow weekend
aube aurore matin matinee matinees midi soir soiree soirees crepuscule
nuit nuits minuit aujourd'hui hier demain veille lendemain
fajr
الفجر فجر فجرا الصبح صباح الصباح صباحا الضحى الظهر ظهرا الظهيره العصر عصرا المساء مساء
مساءا الليل ليل ليلا ليله الليله البارحه امس أمس اليوم غدا بكره العشيه السحر
amanecer madrugada mañana manana mediodia mediodía tarde atardecer anochecer noche
medianoche hoy ayer anoche anteayer
amanhecer manha manhã meiodia entardecer anoitecer noite hoje ontem
anteontem amanha amanhã
alfajiri asubuhi mchana adhuhuri alasiri jioni usiku magharibi leo jana kesho juzi
"""


def time_words() -> frozenset[str]:
    """Folded words of time of day and of nearby days, in the gazetteer's languages."""
    from babel import Locale

    words = set(_TIME_WORDS.split())
    for language in NAME_LANGUAGES:
        for context in Locale.parse(language).day_periods.values():
            for width in context.values():
                for phrase in width.values():
                    # "in the morning", "de l'après-midi", "منتصف الليل": the last word says
                    # when; abbreviations ("mat.", "a. m.") are left out.
                    parts = tokens(phrase)
                    if parts and "." not in phrase:
                        words.add(parts[-1])
    return frozenset(
        word
        for word in (w for entry in words for w in tokens(entry))
        if len(word) >= MIN_LENGTH and not word.isdigit()
    )
