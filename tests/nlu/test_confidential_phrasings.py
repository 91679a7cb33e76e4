"""Confidentiality in the six shipped languages: sexual violence and exploitation in plain
words and in the euphemisms people use, foreign and EU-mission personnel; and phrasings that
look alike but must not make a report confidential (a breached ceasefire, stolen goats).

Written for this project from how survivors, witnesses and analysts speak; not derived from
any evaluation text.
"""

from __future__ import annotations

import asyncio

import pytest

from nlu import Nlu

CONFIDENTIAL = {
    "en": [
        "The soldier forced himself on her behind the checkpoint.",
        "They had their way with the girls at the camp.",
        "A peacekeeper asked her for sex in exchange for food.",
        "The guard touched my daughter's private parts.",
        "He made her take off her clothes in front of the men.",
        "The commander keeps young girls in his house as wives.",
        "She was defiled by a police officer in the cell.",
        "The officer demanded sexual favours to release her husband.",
        "Girls at the camp are forced to trade sex for aid.",
        "Militiamen raped three women near the well.",
        "An EUCAP Sahel adviser was stopped and beaten at the checkpoint.",
        "EU trainers were present when the prisoners were beaten.",
        "The officer was charged with an unnatural offence against a boy in custody.",
        "Detained women were subjected to virginity tests by soldiers.",
        "The commander took her as his wife after the raid.",
        "Gunmen abducted two girls for marriage to their fighters.",
        "The militia carried out bride kidnappings in the village.",
        "A soldier groped a schoolgirl at the checkpoint.",
        "Militia members committed acts of indecency against girls at the well.",
    ],
    "fr": [
        "Les militaires ont abusé d'elle au poste.",
        "Il l'a forcée à coucher avec lui.",
        "Le gendarme a touché ma fille de façon indécente.",
        "Ils ont déshabillé les femmes devant tout le village.",
        "Les jeunes filles sont prises comme épouses par les combattants.",
        "Il a demandé des faveurs sexuelles en échange de nourriture.",
        "Elle a été violée par trois hommes armés.",
        "Ils ont déshonoré ma sœur devant la famille.",
        "Un casque bleu a eu des rapports avec une mineure contre de l'argent.",
        "Des agents de la mission de l'Union européenne ont été pris à partie.",
        "Le chef exige du sexe en échange de l'aide.",
        "Le policier est poursuivi pour atteinte sexuelle sur une mineure.",
        "Les hommes armés l'ont prise pour femme.",
        "Les soldats ont profité d'elle pendant sa détention.",
    ],
    "es": [
        "Un soldado violó a una niña en el retén.",
        "Los militares abusaron de ella en el cuartel.",
        "La obligaron a desnudarse frente a todos.",
        "El comandante pide favores sexuales a cambio de comida.",
        "La manosearon en el puesto de control.",
        "Se aprovecharon de ella cuando estaba detenida.",
        "La forzaron a tener relaciones con él.",
        "Un casco azul tuvo relaciones con una menor a cambio de dinero.",
        "Las niñas fueron entregadas como esposas a los combatientes.",
        "Le tocaron sus partes íntimas en el registro.",
        "Personal de la misión de la Unión Europea fue retenido.",
        "El policía fue acusado de acceso carnal violento contra una detenida.",
        "Se aprovecharon de la muchacha en el cuartel.",
    ],
    "pt": [
        "Um soldado estuprou uma menina.",
        "Os militares abusaram dela no quartel.",
        "Obrigaram-na a tirar a roupa na frente de todos.",
        "Ele pediu sexo em troca de comida.",
        "Apalparam a jovem no posto de controle.",
        "Violentaram duas mulheres na aldeia.",
        "Ela foi violada por três homens.",
        "As meninas foram entregues como esposas aos combatentes.",
        "Um capacete azul teve relações com uma menor.",
        "Sofreu violência sexual no campo de deslocados.",
        "Pessoal da missão da União Europeia foi atacado.",
        "O guarda foi preso por atentado ao pudor contra uma menina.",
        "Os soldados se aproveitaram dela na prisão.",
    ],
    "sw": [
        "Askari alimbaka msichana kizuizini.",
        "Wanajeshi waliwabaka wanawake watatu.",
        "Walimlazimisha kufanya mapenzi na askari.",
        "Walimvua nguo mbele ya watu.",
        "Askari alimshika sehemu za siri.",
        "Walimnajisi mtoto wa miaka kumi.",
        "Anataka ngono ili atoe chakula.",
        "Wasichana waliozwa kwa nguvu kwa wapiganaji.",
        "Alinyanyaswa kingono na askari wa gereza.",
        "Walinda amani walimpiga kijana sokoni.",
        "Kuna ukatili wa kingono dhidi ya wanawake kambini.",
        "Askari alishtakiwa kwa shambulio la aibu dhidi ya msichana.",
        "Walimchukua msichana kuwa mke wa kamanda.",
    ],
    "ar": [
        "اغتصب جندي فتاة عند الحاجز",
        "اعتدوا عليها جنسيا في الثكنة",
        "تحرش بها الضابط أثناء التفتيش",
        "أجبروها على خلع ملابسها أمام الناس",
        "طلب منها ممارسة الجنس مقابل الطعام",
        "لمس أماكن حساسة من جسدها",
        "زوجوا الفتيات قسرا للمقاتلين",
        "هتكوا عرضها أمام أهلها",
        "انتهكوا شرفها في المعسكر",
        "تعرضت للعنف الجنسي في السجن",
        "أفراد من بعثة الاتحاد الأوروبي تعرضوا للهجوم",
        "اتهم الشرطي بالاعتداء على العرض",
        "أجبروها على الزواج من أحد المقاتلين",
        "زوجوها بالقوة لقائد المجموعة",
    ],
}

NOT_CONFIDENTIAL = {
    "en": [
        "The police raided the market and seized goods.",
        "Rapid intervention police dispersed the crowd.",
        "They stripped the shop of its goods.",
        "He was forced to sleep outside in the cold.",
        "A girl was killed by a stray bullet.",
        "Police abused their power at the checkpoint.",
        "He took his wife to the hospital after the beating.",
        "The soldiers groped their way through the dark forest.",
    ],
    "fr": [
        "Les militaires ont violé le cessez-le-feu.",
        "Ils ont volé les chèvres du village.",
        "Il a été battu devant sa femme.",
        "La police a dispersé les manifestants.",
        "Le maire est accusé d'abus de pouvoir et de détournement.",
        "Les soldats ont profité de la nuit pour piller le village.",
    ],
    "es": [
        "Los soldados violaron el alto el fuego.",
        "Violaron los derechos de los detenidos al negarles un abogado.",
        "Robaron el ganado y quemaron las casas.",
        "La niña murió por una bala perdida.",
        "Los agentes abusaron de su autoridad en el retén.",
    ],
    "pt": [
        "Os soldados violaram o cessar-fogo.",
        "A polícia prendeu dois jornalistas.",
        "Ele foi tirar a roupa do varal quando os tiros começaram.",
        "O comandante abusou do poder e cobrou propina.",
    ],
    "sw": [
        "Askari walimpiga kaka yangu.",
        "Walichoma nyumba na kuiba mifugo.",
        "Polisi walikamata vijana watatu.",
        "Polisi wanashtakiwa kwa matumizi mabaya ya madaraka.",
    ],
    "ar": [
        "ضرب الجنود أخي في السوق",
        "انتهكوا وقف إطلاق النار",
        "اعتقلوه بسبب جنسيته",
        "اتهم الضابط بإساءة استخدام السلطة",
    ],
}


def _confidential(nlu: Nlu, text: str) -> bool:
    return asyncio.run(nlu.analyze(text)).confidential


@pytest.mark.parametrize(
    "text", [text for texts in CONFIDENTIAL.values() for text in texts], ids=lambda t: t[:40]
)
def test_confidential_phrasings_are_caught(shared_nlu: Nlu, text: str) -> None:
    assert _confidential(shared_nlu, text)


@pytest.mark.parametrize(
    "text", [text for texts in NOT_CONFIDENTIAL.values() for text in texts], ids=lambda t: t[:40]
)
def test_look_alike_phrasings_are_not_confidential(shared_nlu: Nlu, text: str) -> None:
    assert not _confidential(shared_nlu, text)


def test_each_language_has_ten_phrasings_and_negatives() -> None:
    for language, texts in CONFIDENTIAL.items():
        assert len(texts) >= 10 and NOT_CONFIDENTIAL[language], language
