"""With what: weapons or means named in a report, when the words are plain.

Staff triage reads "live bullets" or "drone" differently from "batons", so the easy cases are
picked out; nothing here guesses.
"""

from __future__ import annotations

from nlu.extraction.lexicon import Lexicon, words
from nlu.text import fold

WEAPON_WORDS: dict[str, tuple[str, ...]] = {
    "firearm": words(
        "guns?; gunfire; gunshots?; shot; shooting; rifles?; firearms?; bullets?; live "
        "ammunition; ak-?47; kalash(?:nikov)?s?; fusils?; armes? a feu; balles?; balles "
        "reelles; tirs?; pistolets?; disparos?; balas?; armas? de fuego; tiros?; armas? "
        "de fogo; bunduki; risasi; رصاص; الرصاص; بنادق; بندقيه; اطلاق النار; اطلاق نار "
        "; كلاشنكوف"
    ),
    "bladed": words(
        "machetes?; knives; knife; cutlass(?:es)?; machettes?; couteaux?; coupe-coupe; "
        "facas?; facao; cuchillos?; panga; mapanga; kisu; visu; سكين; سكاكين; ساطور; "
        "سواطير"
    ),
    "blunt": words(
        "batons?; truncheons?; clubs?; sticks?; whips?; rifle butts?; matraques?; "
        "gourdins?; batons?; cravaches?; chicotte; crosses? de fusil; porras?; "
        "cassetetes?; palos?; rungu; marungu; fimbo; viboko; هراوات; هراوه; عصي; عصا; "
        "سوط; كرباج"
    ),
    "tear_gas": words(
        "tear ?gas; teargas; gaz lacrymogenes?; lacrymogenes?; gases? lacrimogenos?; gas "
        "lacrimogeno; gas pimienta; pepper spray; water cannons?; canons? a eau; mabomu ya "
        "machozi; gesi ya machozi; غاز مسيل للدموع; الغاز المسيل; مسيل للدموع"
    ),
    "airstrike_drone": words(
        "drones?; air ?strikes?; airstrikes?; air raids?; aircraft; helicopters?; "
        "warplanes?; bombing; frappes? aeriennes?; bombardements? aeriens?; avions?; "
        "helicopteres?; bombardeos?; bombardeios?; ataques? aereos?; ndege; ndege isiyo na "
        "rubani; طائره مسيره; طائرات مسيره; مسيره; مسيرات; غاره; غارات; طيران; الطيران "
        "; مروحيه"
    ),
    "shelling": words(
        "shells?; shelling; shelled; mortars?; artillery; rockets?; missiles?; barrel bombs?; "
        "obus; mortiers?; roquettes?; missiles?; artillerie; pilonn(?:e|es|ee|age); "
        "morteros?; cohetes?; misiles?; foguetes?; misseis; makombora; kombora; قذائف; "
        "قذيفه; قصف(?:ت|وا)?; صواريخ; صاروخ; براميل متفجره; برميل متفجر; مدفعيه; هاون"
    ),
    "explosive": words(
        "grenades?; explosives?; ieds?; bombs?; landmines?; mines?; explosifs?; engins? "
        "explosifs?; bombes?; granadas?; mabomu; bomu; guruneti; عبوه ناسفه; الغام; لغم; "
        "قنبله"
    ),
    "fire": words(
        "burn(?:ed|t|ing)?; set (?:on )?fire; torched; arson; incendi(?:e|es|ees?|ent|er); "
        "brule(?:e|es|r|nt)?; mis le feu; quemar(?:on)?; quemad[ao]s?; incendiaron; "
        "queimar(?:am)?; queimad[ao]s?; incendiaram; kuchoma; walichoma; wamechoma; "
        "; احرق; احرقوا; حرق; حرقوا; اضرموا النار"
    ),
}

_LEXICON = Lexicon(WEAPON_WORDS)


def parse_weapons(text: str) -> tuple[str, ...]:
    """Weapon or means ids named in `text`, in order of first mention, without repeats."""
    seen: dict[str, None] = {}
    for match in _LEXICON.find(fold(text)):
        seen.setdefault(match.label, None)
    return tuple(seen)


# Means that make an incident an attack on a civilian area whatever its toll (taxonomy:
# "shelling, air or drone strike ... on homes, markets, schools, hospitals").
AREA_ATTACK_MEANS = frozenset({"airstrike_drone", "shelling"})
