"""Which role a named force plays in a sentence: the one who acted, or someone else.

A report names more people than the perpetrator: the victims ("two Al-Shabaab suspects were
arrested"), the people suspected ("accused of collaborating with jihadists"), the authority
told of it ("we reported it to the police"), or the force in whose ranks the actor serves
("soldiers of the RSF", "Malian soldiers and Wagner"). Analysts code the actor, not these, so
the perpetrator reading (nlu.extraction.perpetrator) asks these patterns about each mention.
All patterns work on folded text (nlu.text.fold), and look only at a few words around a mention.
"""

from __future__ import annotations

import re

from nlu.extraction.nationality import NATIONALITIES

# Words just before a mention that make it the object of the act: "attacked a VDP post",
# "arrested two suspected JNIM members", "une attaque contre les FDS", "walishambulia
# wanajeshi", "هاجم مسلحون الجيش" (an Arabic verb comes before its subject: the object is the
# word after that).
TARGET_BEFORE = re.compile(
    r"(?:\b(?:attack(?:ed|s|ing)?|ambush(?:ed|es)?|target(?:ed|ing)?|against|raid(?:ed)? on|"
    r"assault on|clash(?:ed|es)? with|fought|killed|killing|abducted|kidnapped|wounded|"
    r"arrested|detained|apprehended|nabbed|captured|executed|shot(?: dead)?|beat|beating|"
    r"tortured|lynched|stabbed|hacked|disarmed|"
    r"(?:arrest|detention|execution|killing|murder|abduction|kidnapping|lynching) of|"
    r"attaqu\w*|contre|embuscade (?:a|contre)|arrete\w*|interpelle\w*|enleve\w*|execute\w*|"
    r"abattu\w*|(?:l'arrestation|l'interpellation|l'enlevement|l'assassinat|l'execution) "
    r"(?:de|d'|des|du)|atacaron|contra|detuvieron|arrestaron|secuestraron|mataron|"
    r"asesinaron|ejecutaron|(?:la detencion|el asesinato|el secuestro) de|atacaram|"
    r"emboscada a|prenderam|detiveram|sequestraram|mataram|assassinaram|executaram|"
    r"(?:a prisao|o assassinato|o sequestro) de|walishambulia|dhidi ya|walimkamata|"
    r"waliwakamata|walikamata|walimuua|waliwaua|walimteka|waliwateka)|"
    # Arabic puts the verb first: after it comes the subject, then the object
    r"(?:هجوم على|ضد)|(?:هاجم\w*|استهدف\w*|اعتقل\w*|احتجز\w*|خطف\w*|اختطف\w*) \S+)"
    r"(?: (?:a|an|the|two|three|four|five|several|some|its|their|un|une|des|les|la|le|l'|deux|"
    r"trois|quatre|cinq|plusieurs|un|una|unos|unas|los|las|dos|tres|uma|os|as|\d+|\w+ed|"
    r"presumes?|supposes?|presuntos?|supostos?))*\s*$"
)
TARGET_WINDOW = 60  # characters before a mention

# A mention that is the subject of a passive act with no "by" after it: "JNIM suspects were
# arrested", "a VDP post was attacked", "des gendarmes ont été tués", "polisi walijeruhiwa".
_PASSIVE_ACT = (
    r"(?:killed|shot(?: dead)?|arrested|detained|abducted|kidnapped|wounded|injured|attacked|"
    r"beaten|executed|tortured|ambushed|lynched|captured|apprehended|targeted|assaulted|"
    r"disarmed|stabbed|rounded up|taken into custody|tue(?:e|s|es)?|arretee?s?|enlevee?s?|"
    r"blessee?s?|attaquee?s?|executee?s?|abattue?s?|interpellee?s?|kidnappee?s?|"
    r"asesinad[oa]s?|detenid[oa]s?|secuestrad[oa]s?|herid[oa]s?|atacad[oa]s?|mort[oa]s|"
    r"assassinad[oa]s?|detid[oa]s?|pres[oa]s?|sequestrad[oa]s?|ferid[oa]s?)"
)
# Words between a mention and its passive verb: a few, none of which opens a clause of its own
# ("soldiers beat two men who were later arrested" leaves the soldiers the actors).
_SAME_PHRASE = (
    r"(?:\s+(?!(?:who|whom|which|that|qui|que|quienes|ambao|after|when|while|before)\b)"
    r"[\w'-]+){0,3}"
)
TARGET_AFTER = re.compile(
    r"(?:\s+(?:suspects?|sympathi[sz]ers?|collaborators?|informants?|informers?|accomplices?|"
    r"complices?|supporters?|affiliates?|detainees?|prisoners?|hostages?|recruits?)\b)|"
    + _SAME_PHRASE
    + r"(?:\s+(?:were|was|have been|has been|had been|got|being|are|is|ont ete|a ete|"
    r"avaient ete|sont|est|fueron|fue|han sido|foram|foi)\s+(?:\w+\s+)?"
    + _PASSIVE_ACT
    + r"\b(?!\s+(?:by|par|por|pel[oa]s?)\b)|\s+(?:wali|ali|wame|ame)(?:kamatwa|uawa|tekwa|"
    r"jeruhiwa|shambuliwa|pigwa)\b(?!\s+na\b))"
)
PASSIVE_WINDOW = 60  # characters after a mention

# A mention that names whom someone is suspected of being or helping, not who acted:
# "accused of collaborating with jihadists", "soupçonnés d'être des terroristes".
SUSPICION_BEFORE = re.compile(
    r"(?:\b(?:suspected|accused|on suspicion|suspicion|charged|convicted) of (?:being |having |"
    r"supporting |aiding |helping |harbou?ring |spying for |collaborating with |"
    r"cooperating with |working (?:with|for) |links? (?:to|with) |ties (?:to|with) |"
    r"belonging to |membership (?:of|in) |informing (?:for|on) |joining )?|"
    r"(?:alleged|suspected) (?:links?|ties|collaboration) (?:to|with)|"
    r"(?:soupconne\w*|accuse\w*|suspecte\w*) (?:d'etre|de collaborer avec|de complicite avec|"
    r"d'appartenir a|de soutenir|d'aider|de liens avec|de renseigner)|"
    r"(?:acusad\w*|sospechos\w*) de (?:ser|pertenecer a|colaborar con|apoyar a)|"
    r"(?:acusad\w*|suspeit\w*) de (?:ser|pertencer a|colaborar com|apoiar)|"
    r"(?:wanaoshukiwa|anayeshukiwa|wanaotuhumiwa|anayetuhumiwa) (?:kuwa|kushirikiana na)|"
    r"(?:بتهمه|بتهم|يشتبه في|المشتبه ب)\w*(?: (?:الانتماء|التعاون|دعم|التخابر))?(?: الى| مع| ل)?)"
    r"(?: (?:a|an|the|des|les|la|le|l'|un|une|los|las|os|as|\w+ed))*\s*$"
)

# A mention that stands by: told of the act, or doing nothing about it ("we reported it to the
# police", "the gendarmes did nothing", "polisi hawakufanya kitu").
BYSTANDER_BEFORE = re.compile(
    r"(?:\b(?:report(?:ed|ing)?|complain(?:ed|ing)?|told|informed|alerted|called|contacted|"
    r"handed|turned|went|go|ran|fled)(?: \w+){0,4}? (?:to|over to)|"
    r"\b(?:plainte|signale\w*|alerte\w*|denonce\w*|remis\w*|informe\w*|prevenu\w*|"
    r"alle\w*|rendu\w*|couru\w*|refugie\w*)"
    r"(?: \w+){0,4}? (?:a|au|aux|aupres de|aupres des)|"
    r"\b(?:denunci\w*|quej\w*|inform\w*|avis\w*|entreg\w*|fuimos|acudimos|fomos)"
    r"(?: \w+){0,4}? (?:a|ante|al|à|aos?|as)|"
    r"\b(?:tuliripoti|aliripoti|waliripoti|tuliwaambia|tulienda) (?:\w+ )?kwa)"
    r"(?: (?:the|la|le|les|l'|los|las|os|as|our|local|nearest))*\s*$"
)
BYSTANDER_AFTER = re.compile(
    r"(?:\s+\w+){0,2}\s+(?:did (?:nothing|not (?:come|act|intervene|help|respond|react))|"
    r"failed to (?:act|intervene|respond|help|protect|come)|refused to (?:act|help|intervene|"
    r"register|record|come|take)|never came|were absent|n'ont rien fait|n'a rien fait|"
    r"ne sont pas (?:intervenu\w*|venu\w*)|ont refuse d'intervenir|no hicieron nada|"
    r"no intervinieron|nao fizeram nada|nao intervieram|hawakufanya (?:kitu|lolote)|"
    r"hawakuja|لم (?:تفعل|يفعلوا|يفعل|تتدخل|يتدخلوا|يحركوا) \w*)"
)

# A mention in an opening phrase that sets the scene for another actor's act: "in retaliation
# for a JNIM attack, soldiers executed...", "après une embuscade des jihadistes, les
# militaires ont...". Only the words since the last comma or full stop count.
CONTEXT_BEFORE = re.compile(
    r"(?:\b(?:in (?:retaliation|reprisal|response|revenge) (?:for|to)|after|following|"
    r"a (?:day|week) after|days after|suite a|apres|a la suite (?:de|d'|des|du)|"
    r"en (?:represailles|reponse) (?:a|au|aux|de|d')|tras|despues de|en represalia (?:por|a)|"
    r"apos|depois de|em represalia (?:a|por)|baada ya|kulipiza kisasi)|بعد|ردا على|انتقاما)"
    r"[^,.;:!?]*$"
)
CONTEXT_WINDOW = 80  # characters before a mention


# A generic word for troops whose force is named right after it: "soldiers of the RSF",
# "جنود الدعم السريع", "troupes de l'Africa Corps" name that force.
GENERIC_TROOPS = re.compile(
    r"(?:soldiers?|troops?|fighters|forces|elements|men|militaires|soldats?|troupes?|"
    r"elements|hommes|soldados|tropas|militares|combatientes|combatentes|askari|wanajeshi|"
    r"wanamgambo|"
    r"جنود|جندي|عناصر|مقاتلو|مقاتلي|قوات|عسكر)"
)
OF_THE = re.compile(
    r"\s*(?:(?:of|from|de|des|du|d'|del|do|da|dos|das|wa|ya|za|la)\s*)?"
    r"(?:(?:the|la|le|les|l'|el|los|las|o|os|a|as)\s*)?"
)

# A national force acting with a foreign one: "Malian soldiers and Wagner", "les FAMa
# accompagnées de leurs partenaires russes", "FAMa na Wagner", "الجيش وفاغنر", and with its
# nationality after it, "les militaires maliens et leurs partenaires russes".
_NATIONALITY = "|".join(
    word.strip() for words in NATIONALITIES.values() for word in words.split(";")
)
WITH_PARTNER = re.compile(
    rf"^\s*(?:(?:{_NATIONALITY})\s+)?,?\s*(?:and|et|y|e|na|with|avec|con|com|pamoja na|"
    r"alongside|together with|"
    r"accompanied by|backed by|supported by|assisted by|jointly with|in a joint operation with|"
    r"aux cotes (?:de|des|du)|accompagne\w* (?:de|des|du|par)|appuye\w* par|soutenu\w* par|"
    r"en compagnie (?:de|des|du)|junto (?:con|com)|apoyad\w* por|apoiad\w* por|"
    r"acompanad\w* (?:de|por)|acompanhad\w* (?:de|por)|و|مع|برفقه|بدعم من|بمساعده)\s*"
    r"(?:(?:the|their|its|les|des|leurs|ses|la|le|l'|los|sus|os|seus|as|suas)\s+)?$"
)
PARTNER_WINDOW = 40  # characters between the national force and its partner
# The joining words alone, to tell at once whether a partner may follow at all.
JOINED = re.compile(
    r"\s*,?\s*(?:and|et|y|e|na|with|avec|con|com|pamoja|alongside|together|accompanied|"
    r"backed|supported|assisted|jointly|in a joint|aux cotes|accompagne|appuye|soutenu|"
    r"en compagnie|junto|apoyad|apoiad|acompanad|acompanhad|و|مع|برفقه|بدعم|بمساعده)"
)

# A generic "security forces" arresting people or breaking up a crowd: the police's work,
# as analysts code it (the Sahel's FDS and named armies stay the army).
GENERIC_SECURITY = re.compile(
    r"^(?:security forces|forces de securite|les forces de securite|fuerzas de seguridad|"
    r"forcas de seguranca|vyombo vya usalama|قوات الامن|الاجهزه الامنيه)$"
)
POLICING = re.compile(
    r"(?<!\w)(?:arrest\w*|detain\w*|custody|protest\w*|demonstrat\w*|rally|rallies|marchers|"
    r"tear ?gas|teargas|dispers\w*|crowd|riot\w*|interpell\w*|arrete\w*|garde a vue|"
    r"manifest\w*|gaz lacrymogene\w*|detuv\w*|detenid\w*|protesta\w*|gases? lacrimogenos?|"
    r"prend\w*|pres[oa]s?|detid\w*|gas lacrimogeneo|maandamano|waandamanaji|walikamatwa|"
    r"walimkamata|اعتقل\w*|احتجز\w*|متظاهر\w*|مظاهر\w*|احتجاج\w*|الغاز المسيل)(?!\w)"
)


_BREAKS = ",.;:!?،؛"


def _clause_before(folded: str, start: int, window: int) -> str:
    """The words of the mention's own clause before it (at most `window` characters): no
    role word reaches across a comma or a full stop, and most texts name their actor just
    after one ("On 3 May, soldiers..."), which leaves little to scan."""
    before = folded[max(0, start - window) : start]
    cut = max(before.rfind(mark) for mark in _BREAKS)
    return before[cut + 1 :]


def is_target(folded: str, start: int, end: int) -> bool:
    """True when the mention at [start, end) is what was acted on, not who acted."""
    if TARGET_AFTER.match(folded, end, min(len(folded), end + PASSIVE_WINDOW)) is not None:
        return True
    before = _clause_before(folded, start, TARGET_WINDOW)
    return bool(before) and (
        TARGET_BEFORE.search(before) is not None or SUSPICION_BEFORE.search(before) is not None
    )


def is_context(folded: str, start: int) -> bool:
    """True when the mention at `start` sits in an opening phrase about an earlier act."""
    clause = _clause_before(folded, start, CONTEXT_WINDOW)
    return bool(clause) and CONTEXT_BEFORE.search(clause) is not None


def is_bystander(folded: str, start: int, end: int) -> bool:
    """True when the mention at [start, end) was told of the act or stood by."""
    if BYSTANDER_AFTER.match(folded, end, min(len(folded), end + TARGET_WINDOW)) is not None:
        return True
    before = _clause_before(folded, start, TARGET_WINDOW)
    return bool(before) and BYSTANDER_BEFORE.search(before) is not None


def may_name_another(words: str, folded: str, end: int) -> bool:
    """True when the words just after a mention may name the force it serves or a partner:
    generic troops, or a joining word ("and", "accompanied by")."""
    return GENERIC_TROOPS.fullmatch(words) is not None or JOINED.match(folded, end) is not None


def names_its_force(words: str, folded: str, end: int, next_start: int) -> bool:
    """True when generic `words` for troops are followed at once by the force they serve."""
    if GENERIC_TROOPS.fullmatch(words) is None:
        return False
    gap = OF_THE.match(folded, end, next_start)
    return gap is not None and gap.end() == next_start


def with_partner(folded: str, end: int, partner_start: int) -> bool:
    """True when the text between a force and a later one joins them as co-agents."""
    if partner_start - end > PARTNER_WINDOW:
        return False
    gap = folded[end:partner_start]
    # Arabic glues "and" to the partner's name: "الجيش وفاغنر"
    glued = not gap.strip() and folded.startswith("و", partner_start)
    return glued or WITH_PARTNER.match(gap) is not None


def policing(words: str, folded: str) -> bool:
    """True when a generic "security forces" arrests people or polices a crowd."""
    return GENERIC_SECURITY.match(words) is not None and POLICING.search(folded) is not None
