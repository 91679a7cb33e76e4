"""From one category to a reading: every act a text tells, confidentiality, relevance.

The classifier weighs the whole text and names its main category; the act words of
nlu.cues find every other act the text names. Together they give `categories` (primary
first). Sexual violence, when the text names it in so many words, becomes the primary: it
is the act that decides who may see the report, and in a story of several acts the analyst
codes it first (spec/taxonomy.md gives SEAH its own route). `confidential` follows from the
categories and from foreign or EU-mission personnel named anywhere in the text.

Relevance is triage: a greeting, a test, an advertisement or a rumour that tells no act is
kept but not escalated. The score mixes the classifier's belief that the text is "other"
(its training data holds such messages in six languages) with the evidence of act words and
of named forces, so a short "soldiers beat my brother" is never archived as chatter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.cues import ACTS, FOREIGN, SEXUAL
from nlu.extraction.lexicon import Lexicon, words
from nlu.result import Classification

SEXUAL_VIOLENCE = "sexual_violence"
RESTRICTION = "restriction_of_freedoms"
# In the order a crackdown's harm is coded when it names several.
HARM_TO_PERSONS = ("arbitrary_detention",)
OTHER = "other"
RELEVANCE_THRESHOLD = 0.5
# A category the classifier gives this much joins the reading even without an act word.
SECONDARY_PROBABILITY = 0.25
# Sexual violence that no cue names joins the reading only on this much belief: the cues
# (nlu.cues) carry the euphemisms, and a weaker guess is most often a killing of a woman.
UNCUED_SEXUAL_PROBABILITY = 0.6
# A message this short that names no act is an acknowledgement ("ok", "sawa", "حسنا").
SHORT_WORDS = 2

# Messages that are about the service or sell something: never an incident on their own.
CHATTER = Lexicon(
    {
        "chatter": words(
            r"test(?:ing)?; just testing; is this working; ceci est un test; c'est un test; "
            r"esto es una prueba; isto e um teste; hii ni majaribio; majaribio; تجربه; اختبار; "
            r"promo\w*; discount; offer valid; buy now; click (?:here|the link); subscribe; "
            r"follow (?:us|my page); whatsapp me for; call now; prix special; achetez; "
            r"abonnez[- ]vous; oferta; compre ja; descuento; suscribete; punguzo; nunua sasa; "
            r"تخفيض\w*; عرض خاص; اشترك\w*; free (?:data|airtime|credit); gagnez; ganhe; gana; "
            r"forward (?:this|to) \w+; partagez a tous vos contacts; "
            r"https?://\S+; www\.\S+; "
            # shops and offers: "buy cheap phones, call 0722...", "a vendre", "se vende"
            r"buy (?:cheap|quality|original|your|the best)\b; for sale; on sale; best prices?; "
            r"call (?:us )?(?:on )?\+?\d[\d ]{7,}; order now; limited offer; a vendre; prix "
            r"(?:casses|imbattables); se vende; vendo \w+; vende-se; bei nafuu; inauzwa; "
            r"للبيع; اتصل (?:على|بالرقم)"
        )
    }
)
# Hearsay ("on dit que", "I heard that") of what may come, with no act named, is a rumour,
# not a report ("on dit que les militaires vont venir un jour"); of what happened, it is a
# report at second hand ("dicen que los militares se llevaron a tres muchachos anoche").
HEARSAY = Lexicon(
    {
        "hearsay": words(
            r"people are saying; people say; they say that; i heard (?:that|people); rumou?rs?; "
            r"there is a rumou?r; on dit que; il parait que; il se dit que; j'ai entendu dire; "
            r"des rumeurs?; dicen que; se dice que; escuche que; rumores?; dizem que; ouvi "
            r"dizer; boatos?; inasemekana; wanasema kwamba; nimesikia kwamba; uvumi; يقال ان; "
            r"يقولون ان; سمعت ان; اشاعه; اشاعات; شائعه; شائعات"
        )
    }
)
# What is to come: "will", "vont", "van a", "vão", "watakuja", "سوف"
FUTURE = Lexicon(
    {
        "future": words(
            r"will; won't; going to; gonna; might; may; could; soon; one day; some day; next "
            r"(?:week|month|year|time); tomorrow; vont; va (?:\w+er|\w+ir|\w+re); allons; "
            r"pourraient; pourrait; bientot; un jour; demain; la semaine prochaine; van a; va a; "
            r"vamos a; podrian; podria; pronto; algun dia; manana; vao; vai (?:\w+ar|\w+er|"
            r"\w+ir); poderao; podem; logo; um dia; amanha; huenda; kesho; "
            r"(?:wa|a|tu|u)ta(?:kuja|rudi|shambulia|vamia|fanya|leta)\w*; "
            r"siku moja; سوف; قريبا; غدا; يوما ما; سيات\w*; سيعود\w*; سيهاجم\w*"
        )
    }
)
# Words of greeting and thanks: a message made of them alone reports nothing ("olá, tudo
# bem?", "habari za asubuhi", "merci beaucoup")
_PLEASANTRY_WORDS = """
    hello hi hey good morning afternoon evening night how are you doing thanks thank very much
    god bless all dear friends bonjour bonsoir salut coucou ca va comment allez vous tu merci
    beaucoup bien et toi hola buenos buenas dias tardes noches que tal como esta estas gracias
    muchas ola tudo bem bom boa dia tarde noite obrigado obrigada muito habari za asubuhi
    mchana jioni mambo poa salama sana asante shikamoo marahaba jambo sijambo السلام عليكم
    وعليكم ورحمه الله وبركاته مرحبا اهلا صباح الخير مساء النور كيف حالك حالكم شكرا جزيلا بخير
    الحمد لله
"""
PLEASANTRIES = frozenset(_PLEASANTRY_WORDS.split())


# "Violación", "violation", "violação" name rape and also the breach of a right or a truce; the
# classifier learnt the first sense. Followed by a right, a law or a truce, it is the second.
# "Abused" is the same: of a person, sexual violence; of power or an office, not.
BREACH = Lexicon(
    {
        "breach": words(
            r"violaci(?:on|ones) (?:de|a) (?:los |las |la |el )?(?:derechos?|ley|leyes|"
            r"acuerdo|tregua|alto el fuego|cese al fuego|soberania|espacio); violations? "
            r"(?:des |de la |du |de l'|of )?(?:droits?|rights|loi|law|accord|treve|truce|"
            r"cessez-le-feu|ceasefire|sovereignty|espace|airspace); violac(?:ao|oes) (?:dos |"
            r"das |da |do |de )?(?:direitos?|lei|acordo|tregua|cessar-fogo|soberania); "
            # the verb: "ont violé le cessez-le-feu", "violaron el acuerdo", "violaram a lei"
            r"viol\w* (?:el |la |los |las |o |a |os |as |le |les |l'|un |una |um |uma |leur |"
            r"leurs |sus |seus |suas )?(?:alto el fuego|cese al fuego|cessez-le-feu|cessar-fogo|"
            r"acuerdos?|accords?|acordos?|tregua|treve|ley|leyes|loi|lois|lei|leis|constitu\w+|"
            r"derechos|droits?|direitos|frontera|frontiere|fronteira|espacio aereo|espace "
            r"aerien|espaco aereo|toque de (?:queda|recolher)|couvre-feu|embargo|normas?|"
            r"regles?|territoire|territorio|soberania|souverainete); "
            # "abused their power": an abuse of office, not of a person
            r"abus\w* (?:of )?(?:their|his|her|its|the) (?:power|powers|authority|office|"
            r"position|mandate|positions); abuse of (?:power|authority|office|position); "
            r"abus (?:de pouvoir|d'autorite|de fonction|de position); abusos? de (?:poder|"
            r"autoridad|autoridade|funcion|funcao); abusaron de (?:su|sus) (?:poder|autoridad|"
            r"cargo|funciones); abusaram (?:do|de seu|de sua|da sua|do seu) (?:poder|autoridade|"
            r"cargo); (?:اساءه|اساءوا) استخدام (?:ال)?(?:سلطه|سلطات|نفوذ); استغلال (?:ال)?(?:سلطه|"
            r"نفوذ|منصب); matumizi mabaya ya (?:madaraka|mamlaka)"
        )
    }
)


# An arrest for what was said or written restricts everyone's freedoms (spec/taxonomy.md:
# "they arrested the journalist for his post"); other arrests, activists' too, are detentions.
CIVIC_SPACE = Lexicon(
    {
        "speech": words(
            r"for (?:his|her|their) (?:\w+ )?(?:posts?|articles?|reporting|report|comments?|"
            r"tweets?|criticism|songs?|remarks|statements?|publications?|videos?|broadcasts?); "
            r"over (?:a|his|her|their) (?:\w+ )?(?:posts?|articles?|tweets?|comments?|report|"
            r"video); "
            # the laws that silence speech, and the charges they bring
            r"under the (?:\w+ )?(?:digital security|cyber ?crimes?|cyber ?security|computer "
            r"misuse|sedition|press|media|public order|fake news) (?:act|law|ordinance); "
            r"(?:for|of) (?:spreading|publishing|sharing) (?:false|fake) news; (?:for|of) "
            r"(?:insulting|defaming|critici[sz]ing|offending) (?:the )?(?:president|head of "
            r"state|government|king|army|police|governor|prime minister); "
            r"(?:pour|de) (?:diffusion|publication) de fausses nouvelles; (?:pour|d') ?(?:offense|"
            r"outrage) au chef de l'etat; por (?:difundir|publicar) noticias falsas; por "
            r"(?:injuriar|criticar) al (?:presidente|gobierno); por (?:divulgar|publicar) "
            r"(?:noticias|noticia) falsas?; kwa kuchapisha habari za uongo; بتهمه نشر اخبار "
            r"كاذبه; بتهمه اهانه (?:الرئيس|رئيس الدوله); "
            r"pour (?:un|une|son|sa|ses|leurs?) (?:publications?|articles?|posts?|propos|"
            r"critiques?|commentaires?|reportages?); por (?:su|sus|una?) (?:publicaci\w+|"
            r"articulos?|posts?|criticas?|comentarios?|reportajes?); pel[ao]s? (?:sua|seu|suas|"
            r"seus|uma?) (?:publicac\w+|artigos?|posts?|criticas?|comentarios?|reportagem); "
            r"kwa sababu ya (?:chapisho|makala|maoni|habari); بسبب (?:منشور|مقال|تغريده|"
            r"تعليق|انتقاد)\w*"
        )
    }
)


@dataclass(frozen=True)
class Reading:
    """What the reading adds to the classification."""

    categories: tuple[str, ...]
    confidential: bool
    relevant: bool
    relevance: float


def read(
    folded: str,
    classification: Classification,
    perpetrator: str | None,
    foreign_named: bool = False,
) -> tuple[Classification, Reading]:
    """The classification (primary possibly changed) and the reading of a folded text.

    `foreign_named`: the text names another country's forces than the country it happened in
    (nlu.extraction.nationality), whoever the perpetrator is.
    """
    probabilities = dict(classification.ranked)
    acts = {match.label for match in ACTS.find(_without_breaches(folded))}
    likely = {
        label
        for label, probability in classification.ranked
        if probability >= SECONDARY_PROBABILITY and label != OTHER
    }
    primary = classification.category
    if primary == SEXUAL_VIOLENCE and SEXUAL_VIOLENCE not in acts and BREACH.first(folded):
        primary = next(
            (label for label, _ in classification.ranked if label != SEXUAL_VIOLENCE), OTHER
        )
        probabilities[SEXUAL_VIOLENCE] = 0.0
        likely.discard(SEXUAL_VIOLENCE)
    if (
        SEXUAL_VIOLENCE not in acts
        and probabilities.get(SEXUAL_VIOLENCE, 0.0) < UNCUED_SEXUAL_PROBABILITY
        and (primary == SEXUAL_VIOLENCE or SEXUAL_VIOLENCE in likely)
    ):
        # The words that name it are missing: a killing of a woman by her partner reads
        # close to sexual violence for a bag of words. Below this belief it is not kept.
        likely.discard(SEXUAL_VIOLENCE)
        if primary == SEXUAL_VIOLENCE:
            primary = next(
                (label for label, _ in classification.ranked if label != SEXUAL_VIOLENCE), OTHER
            )
    if SEXUAL_VIOLENCE in acts:
        primary = SEXUAL_VIOLENCE
    elif primary == OTHER and acts:
        primary = max(acts, key=lambda label: probabilities.get(label, 0.0))
    elif (
        primary == RESTRICTION
        and acts.intersection(HARM_TO_PERSONS)
        and CIVIC_SPACE.first(folded) is None
    ):
        # An arrest is an arbitrary detention (spec/taxonomy.md) unless it silences a
        # journalist, an activist or an opposition ("they arrested the journalist for his
        # post" is a restriction); the crackdown stays among the categories.
        primary = next(label for label in HARM_TO_PERSONS if label in acts)
    if primary != classification.category:
        classification = Classification(
            category=primary,
            confidence=probabilities.get(primary, 0.0)
            if primary != SEXUAL_VIOLENCE
            else max(probabilities.get(primary, 0.0), classification.confidence),
            ranked=classification.ranked,
        )
    if acts.intersection(HARM_TO_PERSONS) and CIVIC_SPACE.first(folded) is not None:
        # an arrest for what was said or written is a crackdown too, whichever act is primary
        likely.add(RESTRICTION)
    others = sorted((acts | likely) - {primary}, key=lambda label: -probabilities.get(label, 0.0))
    categories = (primary, *others)
    foreign = foreign_named or perpetrator == "foreign_forces" or FOREIGN.first(folded) is not None
    confidential = SEXUAL_VIOLENCE in categories or foreign
    relevance = relevance_score(folded, probabilities.get(OTHER, 0.0), acts, perpetrator)
    reading = Reading(
        categories=categories,
        confidential=confidential,
        relevant=relevance >= RELEVANCE_THRESHOLD,
        relevance=round(relevance, 4),
    )
    return classification, reading


def _without_breaches(folded: str) -> str:
    """The text with every breach of a right, a law or a truce blanked out, so that "ont
    violé le cessez-le-feu" or "violaron el acuerdo" names no rape to the act words."""
    if "viol" not in folded:
        return folded
    for breach in BREACH.find(folded):
        size = breach.end - breach.start
        folded = folded[: breach.start] + " " * size + folded[breach.end :]
    return folded


def relevance_score(
    folded: str, other_probability: float, acts: set[str], perpetrator: str | None
) -> float:
    """How likely the text reports an incident, in [0, 1] (see the module's doc)."""
    score = 1.0 - other_probability
    if acts:
        score = max(score, 0.9)
    elif perpetrator is not None and perpetrator != "unknown":
        score = max(score, 0.6)
    if acts:
        return score
    if CHATTER.first(folded) is not None or _pleasantries_only(folded):
        score = min(score, 0.2)
    elif HEARSAY.first(folded) is not None and FUTURE.first(folded) is not None:
        score = min(score, 0.3)
    elif len(folded.split()) <= SHORT_WORDS:
        score = min(score, 0.4)
    return score


def _pleasantries_only(folded: str) -> bool:
    words_of_text = re.findall(r"[^\W\d_]+", folded)
    return bool(words_of_text) and all(word in PLEASANTRIES for word in words_of_text)


def is_sexual_violence(folded: str) -> bool:
    """True when the folded text names sexual violence or exploitation."""
    return SEXUAL.first(folded) is not None
