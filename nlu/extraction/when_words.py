"""Time words of each shipped language, folded (nlu.text.fold), for nlu.extraction.when.

Each table is written as `value: "word; word; ..."` so a speaker of the language can add a
word without reading code.
"""

from __future__ import annotations

from nlu.extraction.lexicon import words
from nlu.text import fold


def _table(spec: dict) -> dict:  # type: ignore[type-arg]
    return {fold(word): value for value, text in spec.items() for word in words(text)}


# Relative days, as days before the message.
DAY_OFFSETS: dict[str, int] = _table(
    {
        0: "today; tonight; this morning; this evening; this afternoon; aujourd'hui; "
        "aujourdhui; auj; ce matin; ce soir; cet apres-midi; cette nuit; اليوم; الليله; "
        "صباح اليوم; هذا الصباح; hoy; esta manana; esta noche; hoje; esta manha; "
        "esta noite; leo; asubuhi ya leo; usiku huu",
        1: "yesterday; last night; yday; hier; hier soir; hier matin; la nuit derniere; امس; "
        "البارحه; ليله امس; مساء امس; صباح امس; ayer; anoche; ontem; jana; usiku wa jana",
        2: "day before yesterday; the day before yesterday; avant-hier; avant hier; اول امس; "
        "اول من امس; anteayer; antier; anteontem; juzi",
    }
)

# Parts of the day, as the hour we record for them.
PARTS_OF_DAY: dict[str, int] = _table(
    {
        8: "morning; this morning; matin; ce matin; matinee; صباح; الصباح; صباحا; manana; "
        "manha; asubuhi",
        13: "midday; noon; midi; ظهر; الظهر; mediodia; meio-dia; mchana",
        15: "afternoon; apres-midi; apres midi; بعد الظهر; العصر; tarde; alasiri",
        19: "evening; this evening; soir; soiree; ce soir; مساء; المساء; مساءا; jioni",
        23: "night; last night; tonight; nuit; la nuit; cette nuit; la nuit derniere; ليل; "
        "الليل; ليلا; الليله; ليله; noche; anoche; noite; madrugada; usiku; "
        "usiku wa jana",
    }
)

WEEKDAYS: dict[str, int] = _table(
    {
        0: "monday; lundi; الاثنين; الإثنين; lunes; segunda; segunda-feira; jumatatu",
        1: "tuesday; mardi; الثلاثاء; martes; terca; terca-feira; jumanne",
        2: "wednesday; mercredi; الاربعاء; miercoles; quarta; quarta-feira; jumatano",
        3: "thursday; jeudi; الخميس; jueves; quinta; quinta-feira; alhamisi",
        4: "friday; vendredi; الجمعه; viernes; sexta; sexta-feira; ijumaa",
        5: "saturday; samedi; السبت; sabado; jumamosi",
        6: "sunday; dimanche; الاحد; domingo; jumapili",
    }
)

MONTHS: dict[str, int] = _table(
    {
        1: "january; jan; janvier; janv; enero; janeiro; januari; يناير; كانون الثاني; جانفي",
        2: "february; feb; fevrier; fev; febrero; fevereiro; februari; فبراير; شباط; فيفري",
        3: "march; mar; mars; marzo; marco; machi; مارس; اذار",
        4: "april; apr; avril; abril; aprili; ابريل; افريل; نيسان",
        5: "may; mai; mayo; maio; mei; مايو; ماي; ايار",
        6: "june; jun; juin; junio; junho; juni; يونيو; جوان; حزيران",
        7: "july; jul; juillet; julio; julho; julai; يوليو; جويلية; تموز",
        8: "august; aug; aout; agosto; agosti; اغسطس; اوت; اب",
        9: "september; sept; sep; septembre; septiembre; setembro; septemba; سبتمبر; ايلول",
        10: "october; oct; octobre; octubre; outubro; oktoba; اكتوبر; تشرين الاول",
        11: "november; nov; novembre; noviembre; novembro; novemba; نوفمبر; تشرين الثاني",
        12: "december; dec; decembre; diciembre; dezembro; desemba; ديسمبر; كانون الاول",
    }
)

# "N days ago": unit word -> (precision, days per unit).
UNITS: dict[str, tuple[str, int]] = _table(
    {
        ("day", 1): "day; days; jour; jours; dia; dias; siku; يوم; ايام; يومين",
        ("week", 7): "week; weeks; semaine; semaines; semana; semanas; wiki; juma; اسبوع; "
        "اسابيع; اسبوعين",
        (
            "month",
            30,
        ): "month; months; mois; mes; meses; mwezi; miezi; شهر; اشهر; شهور; شهرين",
        ("hour", 0): "hour; hours; heure; heures; hora; horas; saa; ساعه; ساعات",
    }
)

AGO_BEFORE = frozenset(_table({True: "il y a; ya; hace; ha; há; faz; منذ; قبل"}))
AGO_AFTER = frozenset(_table({True: "ago; zilizopita; iliyopita; uliopita; atras; atrás"}))
LAST_WORDS = frozenset(
    _table(
        {
            True: "last; past; dernier; derniere; passe; passee; pasado; pasada; passado; "
            "passada; iliyopita; الماضي; الماضيه; الفائت"
        }
    )
)
