"""National forces acting abroad: "Turkish forces" in Iraq, "Rwandan troops" in Congo.

A country's own army is `army`; the same army across a border is `foreign_forces`, which the
escalation rules route confidentially. The words alone cannot tell: the text's place can.
So the reading looks for a nationality followed by a word for forces, and calls them foreign
when the text's best place lies in another country.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nlu.text import fold

NATIONALITIES: dict[str, str] = {
    "TR": "turkish; turques?; turcs?; turcas?; التركي\\w*; تركي\\w*",
    "RU": "russian; russes?; rusos?; rusas?; russos?; الروسي\\w*; روسي\\w*; روس",
    "FR": "french; francais\\w*; franceses; francesas; الفرنسي\\w*; فرنسي\\w*",
    "US": "u\\.s\\.; us-led; american; americains?; estadounidenses?; norte-americanos?; "
    "الامريكي\\w*; امريكي\\w*",
    "IL": "israeli; israeliens?; israelies?; الاسرائيلي\\w*; اسرائيلي\\w*",
    "SA": "saudi(?:-led)?; saoudien\\w*; السعودي\\w*; سعودي\\w*",
    "AE": "emirati; emiratis; الاماراتي\\w*; اماراتي\\w*",
    "IR": "iranian; iraniens?; الايراني\\w*; ايراني\\w*",
    "ET": "ethiopian; ethiopiens?; الاثيوبي\\w*",
    "ER": "eritrean; erythreens?; الاريتري\\w*",
    "KE": "kenyan; kenyans?",
    "RW": "rwandan; rwandese; rwandais\\w*; ruandes(?:es|as|a)?",
    "UG": "ugandan; ougandais\\w*",
    "BI": "burundian; burundais\\w*",
    "TD": "chadian; tchadiens?; التشادي\\w*",
    "NG": "nigerian",
    "SD": "sudanese; soudanais\\w*; السوداني\\w*",
    "EG": "egyptian; egyptiens?; المصري\\w*",
    "ZA": "south african; sud-africain\\w*",
    "IN": "indian; indiens?",
    "PK": "pakistani",
    "CM": "cameroonian; camerounais\\w*",
    "ML": "malian; maliens?; maliennes?",
    "BF": "burkinabe",
    "NE": "nigerien; nigeriens?",
    # armies that cross borders or serve in regional missions (SAMIM, the Mauritanian and
    # Algerian borders of the Sahel, Venezuela's border with Colombia); not an army that serves
    # at home only, which a place read in the wrong country would make foreign
    "SS": "south sudanese; sud-soudanais\\w*",
    "MR": "mauritanian; mauritanien\\w*; الموريتاني\\w*",
    "DZ": "algerian; algerien\\w*; الجزائري\\w*",
    "TZ": "tanzanian; tanzanien\\w*",
    "ZW": "zimbabwean",
    "MW": "malawian",
    "AO": "angolan; angolais\\w*",
    "VE": "venezuelan; venezolan[oa]s?",
    "GB": "british",
}
# Countries whose forces are abroad wherever a deployment serves: the EU's partner countries
# are none of them, so a text that names their soldiers without a place reads as foreign.
NEVER_HOME = frozenset({"RU", "FR", "US", "GB", "TR", "IL", "SA", "AE", "IR"})
FORCE_WORDS = (
    "forces?|troops?|soldiers|military|army|armed forces|airstrikes?|air ?strikes?|drones?|"
    "warplanes|jets|aircraft|navy|border guards?|soldats|militaires|armee|troupes|frappes?|"
    "tropas|soldados|militares|fuerzas|forcas|wanajeshi|jeshi|(?:ال)?قوات|(?:ال)?جيش|"
    "(?:ال)?جنود|(?:ال)?طائرات|(?:ال)?غارات|(?:ال)?مسيرات|police|policemen|police officers|"
    "policiers|gendarmes|policia|policias|(?:ال)?شرطه|polisi|peacekeepers|contingent|"
    "instructors|instructeurs|mercenaries|mercenaires|paramilitaries"
)
# Armed forces by their own acronym, wherever they serve: the KDF in Somalia, the UPDF in
# Congo, the RDF in Mozambique. Only armies often deployed abroad: an army at home read with a
# place in the wrong country must not turn foreign. Matched on folded (lower-case) text.
FORCE_ACRONYMS: dict[str, str] = {
    "kdf": "KE", "updf": "UG", "rdf": "RW", "endf": "ET", "fdnb": "BI", "sandf": "ZA",
    "idf": "IL", "fant": "TD", "tpdf": "TZ",
}  # fmt: skip
_ACRONYMS = re.compile(r"(?<!\w)(" + "|".join(FORCE_ACRONYMS) + r")(?!\w)")


# In "forces armées turques" only an adjective of the forces stands between them; any other
# word ("police arrested Ugandan traders") makes the nationality someone else's.
BETWEEN = (
    "armees|armadas|speciales|especiales|especiais|aeriennes|aereas|navales|terrestres|"
    "de securite|de defense|de seguridad|de seguranca|(?:ال)?مسلحه|(?:ال)?خاصه|(?:ال)?جويه"
)


def _patterns() -> tuple[re.Pattern[str], ...]:
    alternatives = []
    for country, spellings in NATIONALITIES.items():
        names = "|".join(s.strip() for s in spellings.split(";") if s.strip())
        alternatives.append(f"(?P<{country}>{names})")
    nationality = "|".join(alternatives)
    # "Turkish forces" and "forces turques" / "القوات التركية"
    return (
        re.compile(
            rf"(?<!\w)(?:{nationality})(?!-backed|-supported|-allied|-trained)[- ](?:\w+ )?"
            rf"(?:{FORCE_WORDS})(?!\w)"
        ),
        re.compile(rf"(?<!\w)(?:{FORCE_WORDS}) (?:(?:{BETWEEN}) )?(?:{nationality})(?!\w)"),
    )


_PATTERNS = _patterns()
# "US" in capitals only: in lower case it is the pronoun ("they beat us soldiers' wives").
_US = re.compile(rf"(?<!\w)US[- ](?i:(?:\w+ )?(?:{FORCE_WORDS}))(?!\w)")


# Substrings one of which every nationality above contains: most texts name none, and a
# substring test costs a fraction of the patterns.
STEMS = (
    "turk", "turq", "turc", "russ", "rus", "franc", "french", "u.s.", "us-", "US", "americ",
    "estadoun", "israel", "saudi", "saoud", "emirat", "iran", "ethiop", "eritre", "erythr",
    "kenya", "rwand", "ruand", "ugand", "ougand", "burund", "chad", "tchad", "nigeri", "sudan",
    "soudan", "egypt", "afric", "india", "indie", "pakistan", "camero", "malian", "malien",
    "burkinabe", "تركي", "روس", "فرنسي", "امريكي", "اسرائيلي", "سعودي", "امارات", "ايراني",
    "اثيوبي", "اريتري", "تشادي", "سوداني", "مصري",
    "sud-soudan", "maurit", "alger", "tanzan", "zimbabw", "malaw", "angol", "venezu",
    "british", "موريتاني", "جزائري",
)  # fmt: skip


def force_nationalities(text: str) -> set[str]:
    """The countries whose forces the text names ("Turkish drones" -> {"TR"})."""
    folded = fold(text)
    if not any(stem in folded or stem in text for stem in STEMS):
        return {FORCE_ACRONYMS[match] for match in _ACRONYMS.findall(folded)}
    found = {"US"} if _US.search(text) else set()
    found.update(FORCE_ACRONYMS[match] for match in _ACRONYMS.findall(folded))
    for pattern in _PATTERNS:
        for match in pattern.finditer(folded):
            found.update(name for name, value in match.groupdict().items() if value)
    return found


def is_foreign(text: str, home: str | Iterable[str | None] | None) -> bool:
    """True when the text names the forces of a country other than its home.

    `home` is the country of the text's place, or several countries (the best place's and
    the deployment's, so that a place read across the border does not make a deployment's
    own army foreign). With no home known, only the forces of a country that is never a
    deployment's home are foreign ("des soldats russes ont tué des bergers").
    """
    countries = {home} if isinstance(home, str) else {c for c in home or () if c}
    if not countries:
        return not NEVER_HOME.isdisjoint(force_nationalities(text))
    return any(country not in countries for country in force_nationalities(text))
