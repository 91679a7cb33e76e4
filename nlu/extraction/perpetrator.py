"""Who did it: perpetrator type from the words people use for security forces and armed groups.

Local names matter more than dictionary words: FAMa, FDS, VDP, Koglweogo, Wagner/Africa Corps,
RSF, askari, polisi, عسكر, شرطة. The earliest mention wins, because reports name the actor
first ("gendarmes arrested..."), and the matched words are returned so a unit's name is kept.
"""

from __future__ import annotations

from nlu.extraction.lexicon import Lexicon, original_span, words
from nlu.text import fold

PERPETRATOR_WORDS: dict[str, tuple[str, ...]] = {
    "foreign_forces": words(
        "wagner; groupe wagner; africa corps; russes?; russians?; mercenaires?; "
        "mercenar(?:y|ies); mercenarios; barkhane; soldats? francais; french "
        "(?:soldiers|troops|forces); minusma; monusco; amisom; atmis; minusca; unmiss; "
        "casques? bleus?; peacekeepers?; un troops; eutm; forces? etrangeres?; foreign "
        "(?:troops|forces|soldiers); فاغنر; الروس; روس; مرتزقه; قوات اجنبيه; قوات حفظ "
        "السلام; tropas estrangeiras; tropas extranjeras; mamluki; askari wa kigeni; "
        "wanajeshi wa kigeni; فاجنر; الفيلق الافريقي; مينوسما; eucap; eumpm; eufor; eulex; "
        "eu (?:mission|trainers|soldiers|personnel|instructors); mission de l'ue; "
        "instructeurs (?:russes|europeens); coalition (?:forces|airstrikes?|aircraft|warplanes|"
        "jets|troops); saudi-led coalition; us-led coalition; التحالف; قوات التحالف; "
        "forces de la coalition; takuba; operation barkhane; foreign military"
    ),
    "gendarmerie": words(
        "gendarmes?; gendarmerie; gendarmeria; gendarmería; guardia civil; gnr; درك; "
        "الدرك; دركي; جندرمه"
    ),
    "police": words(
        "police; policiers?; policemen; policeman; police officers?; cops?; flics?; "
        "polisi; askari polisi; askari wa polisi; gsu; riot police; crs; commissariat; "
        "policia; policías?; polícias?; brimob; شرطه; شرطي; الشرطه; البوليس; بوليس; "
        "الامن العام; police nationale; agents? de police; anti[- ]?riot; compagnie "
        "republicaine; law enforcement(?: officers| agents)?; security agents; police agents; "
        "forces de l'ordre; agents de l'ordre; policia militar; policiais militares; "
        "carabineros; rapid action battalion; rab; sars; niss; nss; dss; anr; dgsi; "
        "intelligence (?:agents|officers|services); services de renseignement; "
        "المخابرات; الاستخبارات; agentes de (?:policia|seguridad)"
    ),
    "army": words(
        "soldiers?; army; military; militaires?; soldats?; armee; armées?; fama; fds; "
        "fardc; kdf; sandf; saf; tatmadaw; troops?; troupes?; forces armees; armed "
        "forces; defen[cs]e forces; jeshi; wanajeshi; mwanajeshi; askari wa jeshi; askari "
        "; ejercito; ejército; soldados?; militares?; exercito; exército; fuerzas armadas "
        "; forcas armadas; جيش; الجيش; جنود; جندي; عسكر; عساكر; عسكري; العسكر; القوات "
        "المسلحه; قوات النظام; الحرس الجمهوري; marines?; navy; air force; commandos?; "
        "bir; fanci; security forces; military forces; forces de (?:defense et de )?securite; "
        "forces armees \\w+; قوات الامن; الاجهزه الامنيه; fuerzas de seguridad; forcas de "
        "seguranca; vyombo vya usalama; sspdf; spla; jtf; operation \\w+ \\w+ troops; regime "
        "forces; government forces; forces gouvernementales; القوات الحكوميه; fuerzas del "
        "gobierno; forcas governamentais; majeshi ya serikali"
    ),
    "militia": words(
        "koglweogo; kogl[ -]?weogo; vdp; volontaires? pour la defense de la patrie; dozos? "
        "; dan na ambassagou; milices?; militias?; militiamen; milicias?; milícias?; "
        "milicianos?; vigilantes?; vigilance group; cjtf; imbonerakure; janjaweed; "
        "wanamgambo; mgambo; ميليشيا; مليشيا; ميليشيات; مليشيات; الحشد; شبيحه; الشبيحه "
        "; الجنجويد; groupe d'autodefense; auto[- ]?defense; self[- ]?defen[cs]e "
        "(?:group|militia); home guards?; rondas? campesinas?; (?:ethnic|communal|clan|tribal|"
        "community) (?:militias?|militiamen|fighters|gunmen); clan militias?; tribesmen; "
        "clansmen; (?:cattle )?raiders; cattle rustlers; armed (?:herdsmen|herders|"
        "pastoralists|youths); (?:fulani|peul|peuls|dogon|hema|lendu|nuer|dinka|murle|pokot|"
        "turkana|borana|afar|afari|issa|garre|marehan|tiv|jukun|bororo|misseriya|masalit|"
        "rizeigat|toposa|mundari|twa|bambara|mossi|zarma|tuareg|daoussahak|gurage|oromo|amhara"
        "|somali|gedeo|gumuz|qemant|agaw|kikuyu|kalenjin|luo|kisii|maasai|samburu) "
        "(?:gunmen|militias?|militiamen|armed men|youths?|fighters|herders|herdsmen|raiders|"
        "attackers|assailants|hunters|vigilantes|community members|elements); "
        "ethnic (?:gunmen|armed men); milices? (?:communautaires|ethniques|d'autodefense); "
        "ميليشيات قبليه; ميليشيا قبليه; مسلحون قبليون"
    ),
    "private_security": words(
        "security guards?; private security; guards? of the (?:mine|company|farm); "
        "watchm[ae]n; gardiens?; vigiles?; securite privee; agents? de securite; seguranca "
        "privada; segurancas; guardias? de seguridad; seguridad privada; walinzi; mlinzi; "
        "حراس; حارس; الحراس; شركه امنيه; company guards; mine guards; bouncers?"
    ),
    "armed_group": words(
        "jihadists?; jihadistes?; djihadistes?; terroristes?; terrorists?; jnim; eigs; "
        "isgs; is sahel; islamic state; etat islamique; daesh; daech; boko haram; iswap "
        "; al[- ]?shabaa?b; shabaab; m23; adf; rsf; rapid support forces?; rebels?; "
        "rebelles?; insurgents?; militants?; bandits?; ansarul islam; katiba; aqmi; aqim "
        "; ansar dine; mnla; cma; al[- ]?qaeda; taliban; houthis?; magaidi; waasi; al[- "
        "]?sunnah; داعش; الدولة الاسلاميه; الدعم السريع; القاعده; ارهابيين; ارهابيون; "
        "ارهابي; جهاديين; الحوثي; الحوثيين; متمردين; المتمردين; بوكو حرام; rebeldes; "
        "guerrilheiros; guerrilla; terroristas; insurgentes; insurgentes?"
    ),
    "unknown": words(
        "unknown (?:men|people|gunmen|assailants|persons|individuals); unidentified "
        "(?:men|gunmen|armed men|people|assailants|individuals|armed group); gunmen; armed "
        "men; men in uniform; hommes armes; individus armes; hommes en uniforme; inconnus "
        "; hommes non identifies; individus non identifies; assaillants; assailants; مسلحين "
        "; مسلحون; مجهولين; مجهولون; ملثمين; hombres armados; homens armados; "
        "desconocidos; desconhecidos; watu wasiojulikana; watu wenye silaha; wasiojulikana"
    ),
}

_LEXICON = Lexicon(PERPETRATOR_WORDS)


def parse_perpetrator(text: str) -> tuple[str | None, str | None]:
    """(perpetrator id, the words that named it) for the earliest mention, or (None, None)."""
    folded = fold(text)
    match = _LEXICON.first(folded)
    if match is None:
        return None, None
    return match.label, original_span(text, folded, match.start, match.end).strip()
