"""Everyday words that are also the names of some hamlet somewhere ("Police", "Kill", "Said").

The worldwide gazetteer has a quarter of a million places, so most short words of most
languages name one of them. The geotagger never reads these words alone as a place in a
sentence; they still count inside a longer name ("Bir Lehlou") or as a bare answer.
"""

from __future__ import annotations

from nlu.text import tokens

_FUNCTION_WORDS = """
a an the and or but of in on at to from by for with without near after before over under
into about this that these those there here is are was were be been being has have had do
does did not no yes yesterday today tomorrow morning evening night afternoon my our your his
her their its we they he she it you i me us them him who what where when why how which all
some many more most other others also again still just very too now then than if so as up
down out off new old man men woman women child children boy boy girl girls people person
family home house village town city market school hospital road street camp church mosque
field farm bush river forest north south east west central upper lower region province
district county state area place centre center army police soldier soldiers military
gendarmes guard guards unknown armed group groups forces force security attack attacked
killed kill killing shot dead beat beaten arrested arrest taken took came come went go
burned burnt houses homes village villages said told asked please help hello hi thanks thank
ok okay good bad day days week month year time le la les un une des du de d l et ou mais
dans sur sous avec sans pour par chez vers en au aux ce cet cette ces mon ma mes ton ta tes
son sa ses notre nos votre vos leur leurs il elle ils elles on nous vous je tu me te se lui
y qui que quoi dont ou quand comment pourquoi est sont etait ont avait a ete pas ne plus
tres bien mal oui non hier aujourd demain matin soir nuit homme hommes femme femmes enfant
enfants gens village ville marche ecole route quartier brousse champ camp mosquee eglise
armee police soldats militaires gendarmes bonjour salut merci svp el los las y o pero en con
sin por para del al su sus mi mis nuestro es son fue fueron ayer hoy noche mañana gente
pueblo ciudad mercado escuela casa casas ejercito policia soldados hola gracias o os as e ou
mas em no na nos nas com sem por para do da dos das meu minha seu sua foi foram ontem hoje
noite gente aldeia cidade mercado escola casa casas exercito soldados ola obrigado na ya wa
za la kwa katika huko hapa pale kijiji mji soko shule nyumba watu askari polisi jeshi jana
leo usiku asubuhi jioni habari jambo asante sana ndiyo hapana mimi wewe yeye sisi wao في من
الى على عن مع هذا هذه ذلك تلك هو هي هم نحن انا انت قد لقد كان كانت تم الذي التي امس اليوم
الليل صباح مساء قريه مدينه سوق مدرسه بيت منزل منازل الناس الجيش الشرطه جنود مرحبا شكرا
السلام عليكم نعم لا
border frontier checkpoint barracks prison jail bridge well mine frontiere caserne barrage
prison pont puits mine frontera cuartel reten carcel puente pozo mina campamento fronteira
quartel cadeia ponte poco acampamento mpaka kambi kizuizi gereza daraja kisima mgodi حدود
الحدود معسكر المعسكر حاجز الحاجز ثكنه الثكنه سجن السجن جسر الجسر بئر البئر منجم المنجم
"""


def common_words(extra: list[str] | None = None) -> frozenset[str]:
    """The folded function and domain words, plus any extra words (e.g. of training data)."""
    words = set()
    for word in _FUNCTION_WORDS.split():
        words.update(tokens(word))
    for word in extra or ():
        words.update(tokens(word))
    return frozenset(words)
