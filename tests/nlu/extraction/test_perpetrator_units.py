"""National units, joint and foreign missions, and state-allied militias, in six languages."""

from __future__ import annotations

import pytest

from nlu.extraction.perpetrator import parse_perpetrator

UNITS = [
    # gendarmerie units
    ("la brigade de gendarmerie de Dori a arrêté deux hommes", "gendarmerie"),
    ("un escadron mobile a dispersé la foule", "gendarmerie"),
    ("les éléments du GARSI ont fouillé le village", "gendarmerie"),
    ("la Guarda Nacional Republicana deteve dois homens", "gendarmerie"),
    # police units
    ("des éléments du GMI ont dispersé les manifestants", "police"),
    ("les éléments de la FORSAT ont interpellé trois jeunes", "police"),
    ("jeshi la polisi liliwakamata vijana watatu", "police"),
    ("askari wa FFU waliwapiga wafanyabiashara", "police"),
    ("قوات مكافحة الشغب فرقت المتظاهرين", "police"),
    ("agentes de la policía municipal golpearon a un vendedor", "police"),
    ("a Unidade de Intervenção Rápida espancou os manifestantes", "police"),
    # armies, their guards and units
    ("the FAN arrested three men near the market", "army"),
    ("les FAN ont arrêté trois hommes", "army"),
    ("UPDF soldiers beat residents of the camp", "army"),
    ("الحرس الرئاسي اعتقل صحفيا", "army"),
    ("a guarda presidencial prendeu dois jornalistas", "army"),
    ("walinzi wa rais walimpiga mwandishi", "army"),
    ("la Guardia Nacional Bolivariana detuvo a dos estudiantes", "army"),
    ("troops of Operation Hadin Kai arrested two suspects", "army"),
    # joint forces and missions
    ("the G5 Sahel joint force killed two herders", "foreign_forces"),
    ("des éléments de la force conjointe du G5 Sahel ont tué deux bergers", "foreign_forces"),
    ("los cascos azules abusaron de una niña", "foreign_forces"),
    ("os capacetes azuis agrediram um vendedor", "foreign_forces"),
    ("walinda amani walimpiga kijana", "foreign_forces"),
    ("قوات الأمم المتحدة اعتقلت رجلين", "foreign_forces"),
    # state-allied and self-defence militias
    ("GATIA fighters killed two civilians", "militia"),
    ("Amotekun operatives beat two herders", "militia"),
    ("los colectivos atacaron a los manifestantes", "militia"),
    ("Local Defence Unit personnel shot a trader", "militia"),
    ("traditional hunters killed two herders", "militia"),
    ("des chasseurs traditionnels ont tué deux bergers", "militia"),
    ("Dan na Amassagou fighters burned the granaries", "militia"),
    ("wawindaji wa jadi waliwaua wafugaji wawili", "militia"),
    ("الصيادون التقليديون قتلوا راعيين", "militia"),
    ("los cazadores tradicionales atacaron la aldea", "militia"),
    ("os caçadores tradicionais queimaram as casas", "militia"),
    # South Asia: central armed police, army units, party men, insurgents
    ("CRPF personnel beat a shopkeeper in Pulwama.", "police"),
    ("BSF troops shot a cattle smuggler at the border.", "police"),
    ("Members of the Frontier Corps detained two students in Turbat.", "army"),
    ("Assam Rifles personnel detained a youth in Churachandpur.", "army"),
    ("Awami League supporters attacked a BNP leader in Cumilla.", "militia"),
    ("Activists of the Chhatra League beat two students.", "militia"),
    ("TMC-backed goons vandalised the house of a BJP worker.", "militia"),
    ("A BJP worker was beaten to death by TMC supporters.", "militia"),
    ("Bajrang Dal activists assaulted an inter-faith couple.", "militia"),
    ("Arambai Tenggol members assaulted a legislator in Imphal.", "militia"),
    ("Suspected Maoists killed a villager, calling him a police informer.", "armed_group"),
    ("Naxals abducted and killed a former village head.", "armed_group"),
    ("BIFF gunmen burned houses in Datu Saudi Ampatuan.", "armed_group"),
    # Iran's guards, Lebanon's police, settlers, in several languages
    ("IRGC forces shot dead a Kurdish porter near the border.", "army"),
    ("اعتقل الحرس الثوري ناشطا في طهران", "army"),
    ("ISF members beat a protester in Beirut.", "police"),
    ("Israeli settlers attacked Palestinian farmers near Nablus.", "militia"),
    ("des colons israéliens ont attaqué des agriculteurs près de Naplouse", "militia"),
    ("هاجم مستوطنون مزارعين فلسطينيين قرب نابلس", "militia"),
    ("colonos israelíes atacaron a campesinos palestinos", "militia"),
]


@pytest.mark.parametrize(("text", "expected"), UNITS)
def test_units_missions_and_militias(text: str, expected: str) -> None:
    assert parse_perpetrator(text)[0] == expected


def test_a_brigade_after_an_article_is_not_a_named_army_unit() -> None:
    """ "à la brigade de Kaya" is the gendarmerie post, not "la" brigade of an army."""
    assert parse_perpetrator("ils l'ont emmené à la brigade de Kaya")[0] != "army"
    assert parse_perpetrator("the 5th brigade shelled the village")[0] == "army"


def test_a_party_man_who_is_attacked_is_no_perpetrator() -> None:
    """ "TMC workers were attacked by police": the party's men are the victims here."""
    assert parse_perpetrator("TMC workers were attacked by police in Nandigram")[0] == "police"


def test_a_lower_case_fan_is_no_army() -> None:
    assert parse_perpetrator("a football fan was beaten by unknown men")[0] == "unknown"


# What people call forces in chats: slang and local names, in the six languages
SLANG = [
    ("les keufs ont tabassé mon frère", "police"),
    ("la BAC a frappé des jeunes devant le lycée", "police"),
    ("les bérets rouges ont arrêté le journaliste", "army"),
    ("les hommes en treillis ont brûlé le marché", "army"),
    ("les forces de défense ont tiré sur la foule", "army"),
    ("les hommes de la brousse ont tué mon oncle", "armed_group"),
    ("les terros sont venus au village hier", "armed_group"),
    ("the boys in blue beat my brother at the stage", "police"),
    ("los tombos le pegaron a mi hermano", "police"),
    ("los pacos dispararon perdigones a los estudiantes", "police"),
    ("la chota se llevó a mi primo", "police"),
    ("los milicos quemaron el rancho", "army"),
    ("los paracos mataron al líder comunal", "militia"),
    ("los elenos secuestraron al profesor", "armed_group"),
    ("os PMs mataram o menino na favela", "police"),
    ("a PM invadiu a casa de madrugada", "police"),
    ("os canas bateram no meu filho", "police"),
    ("o BOPE entrou atirando na comunidade", "police"),
    ("makomandoo walitupiga usiku", "army"),
    ("askari wa kaunti walituibia bidhaa", "police"),
    ("askari wa KWS walimpiga mchungaji", "police"),
    ("wanamgambo wa al shabaab walivamia basi", "armed_group"),
    ("os policiais bateram no meu irmão", "police"),
    ("os machababos queimaram a aldeia", "armed_group"),
    ("os ruandeses mataram civis perto de Palma", "foreign_forces"),
    ("the guards at the mine beat us", "private_security"),
    ("los guardias de la mina nos golpearon", "private_security"),
    ("مسلحون من قبيلة مجاورة هاجموا القرية", "militia"),
    # Sudan's forces as people there name them; prison, border and immigration officers
    ("ناس الدعم نهبوا بيتنا", "armed_group"),
    ("الدعامة نهبوا السوق", "armed_group"),
    ("القوات النظامية اعتقلت ابني", "army"),
    ("الاستخبارات العسكرية اعتقلت أخي", "army"),
    ("قوات الاحتياطي المركزي أطلقت النار على المتظاهرين", "police"),
    ("askari magereza walimpiga mfungwa", "police"),
    ("los guardias del INPEC golpearon a mi hijo", "police"),
    ("la migra detuvo a mi esposo en la frontera", "police"),
    ("a PSP agrediu um jovem no bairro", "police"),
    ("os guardas prisionais espancaram os reclusos", "police"),
    ("the immigration officers beat migrants at the border post", "police"),
    ("los del GAULA se llevaron a mi hermano", "army"),
]
# Words that look like that slang and are not ("le bac" is an exam, "um tombo" a fall)
NOT_SLANG = [
    "il a passé le bac l'an dernier",
    "o menino levou um tombo na escola",
    "la jura de bandera fue ayer",
    "they came at 3 pm and left",
    "mi abuela tiene tres canas",
    "me migra el dolor de cabeza",
]


@pytest.mark.parametrize(("text", "expected"), SLANG)
def test_forces_are_read_by_the_names_people_call_them(text: str, expected: str) -> None:
    assert parse_perpetrator(text)[0] == expected


@pytest.mark.parametrize("text", NOT_SLANG)
def test_look_alikes_of_slang_name_no_force(text: str) -> None:
    assert parse_perpetrator(text)[0] is None
