"""Who did it: perpetrator type from the words people use for security forces and armed groups.

Local names matter more than dictionary words: FAMa, FDS, VDP, Koglweogo, Wagner/Africa Corps,
RSF, askari, polisi, عسكر, شرطة. The earliest mention wins, because reports name the actor
first ("gendarmes arrested..."), and the matched words are returned so a unit's name is kept.
"""

from __future__ import annotations

import re

from nlu.extraction import actor_roles
from nlu.extraction.lexicon import Lexicon, Match, original_span, words
from nlu.text import fold

# Parties whose supporters, workers and cadres analysts code as political militias when
# they attack (South Asia's above all: "TMC workers assaulted a BJP activist")
POLITICAL_PARTIES = (
    "awami league|al|bangladesh chhatra league|chhatra league|bcl|jubo league|swechchhasebak "
    "league|bnp|jatiyatabadi chhatra dal|chhatra dal|jcd|jubo dal|jamaat(?:-e-islami)?|shibir|"
    "jatiya party|bjp|bharatiya janata party|tmc|trinamool(?: congress)?|aitc|congress|inc|"
    "cpi ?\\(m\\)|cpi-m|cpm|shiv sena|rss|vhp|abvp|sfi|ysrcp|tdp|trs|brs|bjd|dmk|aiadmk|"
    "jd ?\\(u\\)|rjd|pti|pml-n|pml|ppp|mqm|tlp|jui-f"
)
# Communities whose armed men analysts name by the community alone ("Pokot raided ...")
COMMUNITIES = (
    "pokot|turkana|marakwet|samburu|borana|gabra|degodia|garre|orma|pokomo|kuria|kipsigis|"
    "nandi|sabaot|kisii|maasai|murle|nuer|dinka|toposa|fulani|peul|peuls|peulh|dogon|bambara|"
    "dozos?|mossi|hema|lendu|tiv|jukun|berom|bachama|misseriya|rizeigat|masalit|habar gidir|"
    "abgaal|marehan|hawiye|darod"
)

PERPETRATOR_WORDS: dict[str, tuple[str, ...]] = {
    "foreign_forces": words(
        "wagner; groupe wagner; africa corps; (?:les|des|the) russes; the russians; mercenaires?; "
        "mercenar(?:y|ies); mercenarios; barkhane; soldats? francais; french "
        "(?:soldiers|troops|forces); minusma; monusco; amisom; atmis; minusca; unmiss; "
        "casques? bleus?; peacekeepers?; un troops; eutm; forces? etrangeres?; foreign "
        "(?:troops|forces|soldiers); فاغنر; الروس; مرتزقه; قوات اجنبيه; قوات حفظ "
        "السلام; tropas estrangeiras; tropas extranjeras; mamluki; askari wa kigeni; "
        "wanajeshi wa kigeni; فاجنر; الفيلق الافريقي; مينوسما; eucap; eumpm; eufor; eulex; "
        "eu (?:mission|trainers|soldiers|personnel|instructors); mission de l'ue; "
        "instructeurs (?:russes|europeens); coalition (?:forces|airstrikes?|aircraft|warplanes|"
        "jets|troops); saudi-led coalition; us-led coalition; التحالف; قوات التحالف; "
        "forces de la coalition; takuba; operation barkhane; foreign military; "
        # units and missions as analysts name them
        "(?:partenaires|allies|soutiens|suppletifs|auxiliaires) russes; russian (?:partners|"
        "allies|auxiliaries); (?:parceiros|aliados) russos; (?:socios|aliados) rusos; "
        "الحلفاء الروس; الشركاء الروس; "
        "wagner (?:group|mercenaries|forces|fighters|personnel); russian (?:military|army|"
        "forces|troops|soldiers|mercenaries|instructors|contractors|paramilitaries|pmc); "
        "russian-speaking (?:soldiers|men|fighters); private military (?:contractors?|"
        "companies|company); pmcs?; foreign (?:military personnel|personnel|fighters|"
        "mercenaries|instructors|contractors); un peacekeep\\w*; un (?:mission|forces|"
        "blue helmets|personnel); blue helmets; samim; sadc (?:forces|troops|mission); "
        "eacrf; eac (?:regional )?forces?; mnjtf; multinational joint task force; "
        "rwandan defen[cs]e forces?; rwandan (?:army|troops|soldiers|forces); "
        "(?:os|tropas|soldados|militares|forcas) ruandes(?:es|as); (?:les )?(?:soldats|"
        "militaires|troupes) rwandais; "
        "forces? (?:de defense )?rwandaises?; armee rwandaise; burundian (?:army|troops|"
        "soldiers|forces); troupes burundaises; eucap sahel(?: mali| niger)?; eutm (?:mali|"
        "rca|somalia|mozambique); european union (?:mission|trainers|instructors|personnel); "
        "french (?:military|army|air force|special forces|drones?|airstrikes?); armee "
        "francaise; forces francaises; militaires francais; israeli (?:forces|soldiers|"
        "troops|army|military|police|border police|security forces|defen[cs]e forces|"
        "occupation forces|navy|air force|warplanes|jets|drones?|airstrikes?|aircraft); "
        "idf; قوات الاحتلال; جيش الاحتلال; الجيش الاسرائيلي; القوات "
        "الاسرائيليه; القوات الروسيه; القوات الفرنسيه; القوات التركيه; الطائرات التركيه; "
        "الطيران الروسي; turkish (?:forces|troops|army|military|drones?|airstrikes?|"
        "warplanes|jets|aircraft|artillery); forces? francaises?; "
        "militaires russes; mercenarios rusos; mercenarios russos; tropas russas; "
        "fuerzas rusas; wanajeshi wa urusi; mamluki wa kirusi; majeshi ya kigeni; "
        # joint and international forces by name, in the six languages
        "g5 sahel(?: joint force| force)?; force conjointe(?: du g5 sahel)?; fc-g5s; "
        "ecowas (?:forces|troops|standby force|mission); forces? de la cedeao; ecomig; "
        "ecomog; unamid; unisfa; unifil; minurso; kfor; operation serval; "
        "task force sabre; forces? speciales francaises; cascos azules; fuerzas de paz; "
        "capacetes azuis; forcas de paz; walinda amani; askari wa kulinda amani; "
        "بعثه الامم المتحده; قوات الامم المتحده; القبعات الزرق; قوات الايكواس; "
        # a national army's foreign partners, as analysts and witnesses call them
        "(?:russian|french|foreign) (?:partners|allies|auxiliaries|advisers|advisors); "
        "(?:partenaires|allies|auxiliaires|supplétifs|suppletifs|conseillers) (?:russes|"
        "etrangers); socios rusos; parceiros russos; "
        "الحلفاء الروس; عناصر فاغنر; "
        # foreign soldiers as witnesses in the Sahel describe them
        "(?:soldats|militaires|hommes en tenue|hommes armes) blancs; white (?:soldiers|troops|"
        "mercenaries|men in uniform); soldados (?:blancos|brancos); wanajeshi weupe; "
        "جنود بيض; مسلحون بيض"
    ),
    "gendarmerie": words(
        "gendarmes?; gendarmerie; gendarmeria; gendarmería; guardia civil; gnr; درك; "
        "brigade (?:territoriale|de recherches?|mobile|de gendarmerie); escadrons? "
        "(?:de gendarmerie|mobiles?|d'intervention); garsi; gar-si; gign; ggi; "
        "guarda nacional republicana; "
        "الدرك; دركي; جندرمه"
    ),
    "police": words(
        "police; policiers?; policemen; policeman; police officers?; cops?; flics?; "
        "policiais; policial; kws; "
        "polisi; askari polisi; askari wa polisi; gsu; riot police; crs; commissariat; "
        "policia; policías?; polícias?; brimob; شرطه; شرطي; الشرطه; البوليس; بوليس; "
        "الامن العام; police nationale; agents? de police; anti[- ]?riot; compagnie "
        "republicaine; law enforcement(?: officers| agents)?; security agents; police agents; "
        "forces de l'ordre; agents de l'ordre; policia militar; policiais militares; "
        "carabineros; rapid action battalion; rab; sars; niss; nss; dss; anr; dgsi; "
        "intelligence (?:agents|officers|services); services de renseignement; "
        "المخابرات; الاستخبارات(?! العسكريه); agentes de (?:policia|seguridad); "
        "detectives?; dci (?:officers|detectives|agents); directorate of criminal "
        "investigations?; administration police; national police(?: service)?; police "
        "reservists?; national police reservists?; nprs?; kenya police reserv\\w*; "
        "(?:kws|wildlife|forest|park|game) (?:rangers?|guards|officers|wardens); rangers; "
        "kfs officers; prison (?:warders?|guards?|officers?|wardens?); warders?; gardiens? de "
        "prison; county (?:askaris|enforcement officers|inspectorate(?: officers)?|"
        "officials|government askaris); enforcement officers; municipal (?:police|guards|"
        "officers); askaris; traffic (?:officers|police); anti-?narcotics (?:officers|"
        "police|unit); flying squad; (?:special|rapid|anti-?terror\\w*) (?:police )?unit; "
        "officers? of the \\w+ police; garde nationale; policia nacional; policia federal; "
        "policia civil; guardia nacional(?! bolivariana); polisi wa kaunti; "
        "maafisa wa polisi; askari kanzu; military police; omon; kgb; gubopik; shin bet; "
        "authorities (?:\\w+ ){0,2}(?:detained|arrested|sentenced|charged|searched|raided|"
        "dispersed|blocked|banned|fined|summoned|deported); شرطي\\w*; رجال الامن; عناصر الامن; "
        "قوى الامن; الامن الوطني; "
        "jeshi la polisi; polisi wa kutuliza ghasia; askari wa ffu; ffu; field force unit; "
        "gmi; groupement mobile d'intervention; gipn; forsat; brigade anti-?criminalite; "
        "compagnies? republicaines? de securite; unite (?:speciale )?d'intervention; "
        "surete nationale; police judiciaire; commissaires?; pnc; police nationale "
        "congolaise; uir; unidade de intervencao rapida; prm; policia da republica; "
        "pnp; philippine national police; npf; nigeria police(?: force)?; zrp; saps; esmad; "
        "faes; pnb; sebin; dgcim; liyu police; special police; regional special police; "
        "fnis; forces nationales d'intervention et de securite; anti-?terror police unit; "
        "atpu; rapid deployment unit; rdu; policia estatal; policia municipal; "
        "policias estatales; قوات مكافحه الشغب; مكافحه الشغب; "
        "الامن المركزي; قوات الامن الخاصه; المباحث; شرطه مكافحه الشغب; "
        "agents? des eaux et forets; eaux et forets; douaniers?; customs officers?; "
        "gardes? forestiers?; forest guards?; forest rangers?; guardas? florestais; "
        "guardabosques; guardas forestales; walinzi wa misitu; حراس الغابات; "
        "snr (?:agents|officers|officials|members|elements); agents du snr; asayish; asayesh; "
        "الاسايش; "
        "afghan local police; alp (?:members|officers|commander); anp; afghan national police; "
        # South Asia's central armed police and counter-terrorism units, coded as police
        "crpf; central reserve police(?: force)?; bsf; border security force; itbp; indo-tibetan "
        "border police; ssb; sashastra seema bal; cisf; special operations group; sog (?:men|"
        "personnel|jawans); special task force; stf; counter[- ]terrorism department; "
        "ctd; frontier constabulary; levies(?: force)?; balochistan levies; sindh police; punjab "
        "police; "
        # the Middle East's police forces by name
        "internal security forces; isf (?:members|officers|personnel|patrol); faraja; morality "
        "police; guidance patrols?; gasht-e ershad; شرطه الاخلاق; قوى الامن الداخلي; الامن "
        "الداخلي; "
        # what people call the police in chats: slang and local names, in the six languages
        "keufs?; (?:la|les agents de la|les policiers de la|des agents de la) bac; "
        "(?:the )?boys in blue; (?:los|unos|dos|tres|el|un|los malditos) tombos?; "
        "(?:los|unos|dos|tres|los malditos) pacos; la chota; "
        "la jura (?:\\w+ ){0,2}(?:allano|se llevo|detuvo|golpeo|disparo|mato|agarro); "
        "(?:os|dois|tres|uns|dos) pms; (?:policiais|policial|soldados?) da pm; (?:da|pela|na) pm; "
        "a pm (?:(?!\\d)\\w+ ){0,2}(?:invadiu|matou|atirou|prendeu|bateu|espancou|entrou|levou|"
        "agrediu|abordou); bope; os canas; "
        "askari wa kaunti; askari wa jiji; askari (?:wa )?magereza; "
        # prison, border and immigration officers, and Sudan's Central Reserve Police
        "inpec; la migra; agentes (?:de )?migra(?:cion|torios); oficiales de migracion; "
        "immigration (?:officers|officials|police|agents); psp; policia de seguranca publica; "
        "guardas? prisiona(?:l|is); guardas? da (?:prisao|cadeia); قوات الاحتياطي المركزي; "
        "الاحتياطي المركزي; شرطه الاحتياطي المركزي; "
        "palestinian (?:authority )?(?:security forces|police|security services); pa "
        "security (?:forces|services|officers); الاجهزه الامنيه الفلسطينيه"
    ),
    "army": words(
        "soldiers?; army; military; militaires?; soldats?; armee; armées?; fama; fds; "
        "fardc; kdf; sandf; saf; tatmadaw; troops?; troupes?; forces armees; armed "
        "forces; defen[cs]e forces; jeshi; wanajeshi; mwanajeshi; askari wa jeshi; askari "
        "; ejercito; ejército; soldados?; militares?; exercito; exército; fuerzas armadas "
        "; forcas armadas; جيش; الجيش; جنود; جندي; عسكر; عساكر; عسكري; العسكر; القوات "
        "المسلحه; قوات النظام; الحرس الجمهوري; marines?; navy; air force; commandos?; "
        "bir; fanci; security forces; military forces; forces de (?:defense et de )?securite; "
        # men in military uniform, as witnesses name soldiers they cannot name (a uniform
        # alone may be a policeman's: unknown)
        "(?:hommes|individus) en (?:tenue|uniforme) militaire; (?:men|people|gunmen) in "
        "military (?:uniforms?|fatigues); hombres (?:con|de|vestidos de) uniforme militar; "
        "homens (?:com|de) (?:farda|uniforme) militar; watu (?:waliovaa|wenye|waliovalia) "
        "sare za (?:jeshi|kijeshi); رجال (?:ب|في )?(?:ال)?زي (?:ال)?عسكري; "
        "مسلحون (?:ب|يرتدون )(?:ال)?زي (?:ال)?عسكري; "
        "forces armees \\w+; قوات الامن; الاجهزه الامنيه; fuerzas de seguridad; forcas de "
        "seguranca; vyombo vya usalama; sspdf; spla; jtf; operation \\w+ \\w+ troops; regime "
        "forces; government forces; forces gouvernementales; القوات الحكوميه; fuerzas del "
        "gobierno; forcas governamentais; majeshi ya serikali; "
        "junta(?: forces| troops| soldiers)?; military junta; saa; syrian arab army; "
        "regime (?:troops|soldiers|artillery|warplanes|aircraft|helicopters); pro-regime "
        "forces; state (?:forces|security forces); special forces; national guard; "
        "republican guard; presidential guard; paratroopers?; coast ?guards?; naval "
        "forces; border guards?; fab; lna; libyan national army; "
        "(?!(?:la|une|sa|leur|cette|de|du|the|a|this|that) )\\w+ brigade; brigade \\d+; "
        "\\d+(?:st|nd|rd|th) brigade; "
        "battalion; regiment; deterrence (?:apparatus|force); radaa; stability support "
        "apparatus; islamic emirate(?: forces| fighters)?; iea forces; de facto authorities; "
        "defen[cs]e force; national defen[cs]e force; haftar\\w*(?: forces)?; fardc soldiers; "
        "somali national army; danab; endf soldiers; fdnb; "
        "pro-government forces; forces loyales; forces speciales; garde republicaine; "
        "garde presidentielle; armee nationale; "
        "forces armees nationales; fuerzas militares; fuerzas especiales; guardia "
        "presidencial; forcas especiais; polisi wa kijeshi; kikosi maalum; الحرس الوطني; "
        "القوات الخاصه; الجيش الوطني; قوات الجيش; الجيش السوري; جيش النظام; "
        "الطيران الحربي; الطائرات الحربيه; طيران النظام; warplanes?; military aircraft; "
        "fighter jets; helicopter gunships?; "
        # the de facto authorities of northern Yemen, coded as a state force since 2017
        "houthis?(?: forces| fighters| militants)?; ansar allah; الحوثي; الحوثيين; الحوثيون; "
        "انصار الله; "
        # national armies and their units by name
        "(?:les|des|aux|the) fan; fan (?:soldiers|troops|forces|elements|units); updf; rdf; "
        "tpdf; zdf; fadm; faca; fab soldiers; armee nationale tchadienne; gnb; guardia "
        "nacional bolivariana; gtia; bataillons? d'intervention rapide; gfat; groupement des "
        "forces anti-?terroristes; operation (?:hadin kai|lafiya dole|safe haven|whirl stroke|"
        "python dance); garde presidentielle; guarda presidencial; walinzi wa rais; "
        "الحرس الرئاسي; حرس الحدود; الجيش الوطني الصومالي; نسور الصحراء; "
        "force speciale; unite speciale; forcas armadas de defesa de mocambique; "
        "jeshi la ulinzi; askari jeshi; "
        # a country's or a government's forces, named by the country (a foreign one turns
        # foreign forces in the engine) or by whom they serve
        "(?:afghan|malian|burkinabe|nigerien|nigerian|chadian|cameroonian|beninese|togolese|"
        "ivorian|ghanaian|senegalese|mauritanian|somali|kenyan|ugandan|ethiopian|sudanese|"
        "south sudanese|congolese|burundian|mozambican|yemeni|syrian|iraqi|libyan|egyptian|"
        "algerian|pakistani|indian|burmese|myanmar|filipino|thai|colombian|venezuelan|"
        "mexican|brazilian) (?:national )?(?:security )?(?:forces|troops|army|military|"
        "soldiers|servicemen); "
        "(?:afghan|ana) (?:commandos|special forces|soldiers|troops); andsf; ansf; "
        "afghan national (?:defen[cs]e and )?security forces; "
        "(?:pro-)?hadi (?:forces|troops|loyalists); forces loyal to (?:the )?(?:government|"
        "president|hadi|the state); government-(?:backed|aligned|affiliated) forces; "
        "security belt(?: forces)?; shabwani elite forces; hadrami elite forces; giants "
        "brigades?; tareq saleh forces; national resistance forces; "
        "fdn (?:soldiers|troops|elements|members|officers); "
        "la fdn; the fdn; "
        # what people call soldiers in chats
        "berets? rouges; berets? verts; (?:hommes|gens|types|individus) en treillis; "
        "(?:les|des|nos) forces de defense; (?:los|unos|dos|tres) milicos; makomandoo; "
        "makomando; komandoo; القوات النظاميه; الاستخبارات العسكريه; gaula; "
        # South Asia's and Iran's forces by name
        "rashtriya rifles; assam rifles; jawans?; frontier corps; fc (?:personnel|troops|men|"
        "soldiers|officials); irgc; revolutionary guards?(?: corps)?; islamic revolutionary "
        "guard corps; pasdaran; sepah; basij(?:i|is)?(?: militia| members| forces)?; "
        "الحرس الثوري; الباسيج; "
        "gardiens de la revolution; garde revolutionnaire; guardia revolucionaria; guarda "
        "revolucionaria; tatmadaw soldiers; sit-tat; afp soldiers; armed forces of the philippines"
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
        "ميليشيات قبليه; ميليشيا قبليه; مسلحون قبليون; goons; hired (?:goons|youths|thugs); "
        "(?:party|opposition|ruling party|political) (?:supporters|youths|activists|"
        "cadres|militants); "
        "supporters of (?:the )?\\w+(?: party)?; youth wingers?; "
        "members of the \\w+ (?:community|clan|tribe|ethnic group); "
        "youths? from (?:the )?\\w+ (?:community|clan|village); "
        "(?:armed )?(?:men|youths|attackers|assailants) from (?:the )?(?:neighbou?ring )?"
        "\\w+ (?:community|clan); "
        # pro-government and community militias as analysts name them
        "homeland defen[cs]e volunteers; volunteers for the defen[cs]e of the homeland; "
        "vdp (?:members|auxiliaries|fighters|elements); volontaires; wazalendo; mai[- ]?mai; "
        "maimai; raia mutomboki; nyatura; twirwaneho; apcls; ndc-r; zaire militia; "
        "fano(?: militia| fighters| militiamen)?; amhara (?:special forces|fano); "
        "dozo (?:hunters|militia|fighters); donsos?; dozos; chasseurs dozos?; ambassagou; "
        "koglweogos; kogl weogo; self-defen[cs]e (?:militia|group|forces); comites "
        "d'autodefense; groupes d'autodefense;  naparama; local force; forca "
        "local; civilian joint task force; yan sa kai; vigilante (?:group|members|"
        "youths); hisbah; community (?:militia|vigilantes|guards); "
        "(?:communal|ethnic|clan|tribal|political) (?:militias?|militiamen|"
        "groups?); pro-government militias?; pro-regime militias?; shabiha; ndf militias?; "
        "tribal (?:fighters|gunmen|militias?); tribesmen; clansmen; clan (?:fighters|"
        "gunmen|members); raiders; herders; herdsmen; pastoralists; (?:pokot|turkana|"
        "marakwet|tugen|ilchamus|samburu|borana|gabra|rendille|degodia|garre|ajuran|murule|"
        "orma|pokomo|kuria|kipsigis|nandi|sabaot|luhya|kamba|meru|dassenach|merille|"
        "wardei|toposa|mundari|lou nuer|murle|dinka|nuer|bari|didinga|karamojong|jie|"
        "dodoth|fulani|peulh?|mbororo|bororo|tiv|jukun|berom|irigwe|kuteb|bachama|"
        "mossi|dogon|bambara|songhai|tuareg|tamasheq|daoussahak|idaksahak|imghad|"
        "hema|lendu|banyamulenge|bafuliru|babembe|batwa|twa|luba|teke|yaka|suba|"
        "oromo|amhara|afar|issa|somali|gumuz|qemant|agaw|konso|gedeo|guji|hawiye|darod|"
        "habar gidir|abgaal|marehan|dhulbahante|warsangeli|majerteen|rahanweyn|digil|"
        "mirifle|ogaden|misseriya|rizeigat|masalit|salamat|fur|zaghawa|habbaniya|"
        "hawazma|nuba|falata) (?:gunmen|militias?|militiamen|armed men|youths?|fighters|"
        "herders|herdsmen|raiders|attackers|assailants|hunters|vigilantes|community "
        "warriors|morans?|bandits|pastoralists); "
        "morans?; warriors; milices? (?:peules?|dogons?|bambara|dozos?|hema|lendu|"
        "mai-mai|maï-maï|locales?|villageoises); groupes? d'autodefense; "
        "milicianos? (?:locales|comunitarios); milicias? (?:locales|comunitarias|"
        "populares); grupos de autodefensa; autodefensas; "
        "gangues?; pandillas?; "
        "pandilleros?; maras?; mareros; ms-13; barrio 18; comando vermelho; pcc; "
        "terceiro comando\\w*; cartels?; carteles?; cartel (?:members|gunmen); "
        "narcotraficantes; traficantes; drug traffickers; "
        "makundi ya ulinzi; sungusungu; الجنجويد; قوات الحشد الشعبي; الحشد الشعبي; "
        "العشائر; مسلحو العشائر; ابناء العشائر; مسلحين قبليين; اللجان الشعبيه; قوات "
        "الدفاع الوطني; "
        # state-allied and self-defence militias by name
        "gatia; groupe d'autodefense des touaregs imghad; ganda koy; ganda izo; "
        "traditional hunters?; chasseurs traditionnels; cazadores tradicionales; "
        "cacadores tradicionais; wawindaji wa jadi; الصيادون التقليديون; benkadi; "
        "da(?:n)? na a(?:m)?b?assagou; kogleweogo; koglweego; local defen[cs]e "
        "(?:groups?|forces?|militias?|committees?); comites? de vigilance; "
        "amotekun; ebubeagu; western nigeria security network; colectivos(?: armados)?; "
        "local defen[cs]e units?; ldu; arrow boys; wapiganaji wa jadi; "
        "volontarios; milicias progubernamentales; milicias pro-governamentais; "
        "الصحوات; ابناء العشائر; الدفاع الوطني; "
        # communal, political and pro-government militias as analysts name them
        "dahalo; malaso; village guards?; korucu; (?:political|party|hired|ruling party|"
        "opposition|suspected|armed) thugs; thugs; cultists; cult (?:members|groups?|gangs?); "
        "confraternit(?:y|ies); black axe; mungiki; chinkororo; sungu sungu; sabaot land "
        "defen[cs]e force; sldf; hezbollah; hizbollah; hizbullah; حزب الله; "
        "(?:iranian|iran)-backed (?:militias?|groups?|fighters|forces); pro-iranian "
        "(?:militias?|groups?|fighters); liwa al-quds; fatemiyoun; zainabiyoun; "
        "popular resistance; المقاومه الشعبيه; "
        "anti-balaka; antibalaka; codeco; mai-mai yakutumba; ahlu sunna wal jamaa; aswj; "
        "movement for the salvation of azawad; mouvement pour le salut de l'azawad; msa; "
        "ombatse; hunters; local hunters; chasseurs; fokonolona; andrimasom-pokonolona; "
        "andrimasompokonolona; grey wolves; ndf; national defen[cs]e forces; "
        "(?:armed|local|civilian|defen[cs]e|village) volunteers; bakassi boys; opc; oodua "
        "people's congress; agbekoya; egbesu; ipob; eastern security network; esn; "
        "(?:odm|pnu|jubilee|nasa|kanu|wiper|uda|azimio|apc|pdp|zanu-pf|zanu pf|mdc|nrm|ccm|"
        "dpp|mcp|upnd|pf|cndd-fdd|frelimo|renamo) (?:supporters|youths?|militia|militants|"
        "thugs|cadres|cadets|activists|members|goons|youth wing(?:ers)?); green guards; "
        # a community named as the subject of a raid ("Pokot raided a Turkana village"),
        # not of a passive ("two Fulani were killed"); armed men from it, or armed members
        f"(?:{COMMUNITIES}) "
        "(?:(?!(?:were|was|had|have|has|been|being|are|is)\\b)\\w+ ){0,2}(?:raided|attacked|"
        "killed|stole|burned|burnt|torched|ambushed|abducted|shot|invaded|looted|stormed); "
        "(?:gunmen|bandits|raiders|armed men|attackers|assailants|herders|herdsmen|youths|men|"
        f"warriors) (?:from|of) (?:the )?(?:{COMMUNITIES})(?: community| clan| tribe)?; "
        f"armed (?:{COMMUNITIES}); "
        "(?:hausa|yoruba|igbo|ijaw|itsekiri|urhobo|eggon|atyap|bariba|dendi|gourmantche|"
        "lobi|dagara|samo|kurumba|foulse|senufo|bwa|bozo|arab|kurdish|druze|bedouin) "
        "(?:gunmen|militias?|militiamen|armed men|youths|fighters|herders|herdsmen|"
        "raiders|attackers|assailants|hunters|vigilantes|community members); "
        "(?:gunmen|bandits|raiders|armed men|attackers|assailants|youths|men|herders) from "
        "(?:the )?(?:neighbou?ring |nearby |rival )?\\w+ "
        "(?:community|clan|tribe|village|ethnic group)s?; "
        "(?:people|residents|villagers|youths|men) of (?:the |a )?(?:neighbou?ring|nearby|"
        "rival) (?:\\w+ )?(?:community|clan|tribe|village); "
        "milices? (?:pro-gouvernementales|progouvernementales|populaires|civiles); "
        "membres (?:des|de la|d'une) milices?; kikundi cha ulinzi; wanamgambo wa jamii; "
        "ميليشيات موالية; مليشيات موالية; "
        # more militias by name: separatist, cattle-camp, clan, pro-government, vigilante
        "mombasa republican council; white army; gelweng; titweng; macawisley; ma'awisley; "
        "kamuina nsapu; kamwina nsapu; bana mura; pyu saw htee; cafgu; arbakai; uprising "
        "forces; popular mobili[sz]ation (?:forces|units); hashd(?: al-shaabi)?; al-kaniyat; "
        "paramilitares; grupos paramilitares; kaniyat; tribal levies; ruga ruga; yan banga; "
        "mutual aid groups; "
        "الحشد العشائري; قوات العشائر; النخبه الشبوانيه; paracos?; "
        "(?:مسلحون|مسلحين|رجال|ابناء|شباب) (?:من )?(?:ال)?قبيله\\w*; "
        # South Asia's party men, whom analysts code as political militias
        f"(?:{POLITICAL_PARTIES})(?:-backed|-linked|-affiliated)? (?:supporters|activists|workers|"
        "cadres?|members|men|goons|youths?|leaders?|miscreants|thugs|hooligans|musclemen|"
        "student wing|youth wing); (?:supporters|activists|workers|cadres|members|men|goons) of "
        f"(?:the )?(?:{POLITICAL_PARTIES}); "
        "bajrang dal; vishwa hindu parishad; hindu (?:vigilantes|nationalists|mob); cow "
        "(?:vigilantes|protection groups?); gau rakshaks?; arambai tenggol; meitei leepun; "
        # settlers who attack their neighbours are an identity militia in analysts' coding
        "(?:israeli|jewish|armed) settlers; settlers (?:attacked|raided|assaulted|torched|burned|"
        "set fire|uprooted|stormed|shot|beat); colons(?: israeliens)?; colonos(?: israelies| "
        "israelenses)?; المستوطنون; المستوطنين; مستوطنون; مستوطنين; walowezi(?: wa kiisraeli)?"
    ),
    "private_security": words(
        "security guards?; private security; guards? (?:of|at|from) the (?:mine|company|farm|"
        "plantation|factory|estate|ranch|quarry|concession); guardias (?:de|del) la (?:mina|"
        "empresa|finca|hacienda|fabrica|plantacion); (?:os )?guardas da (?:mina|empresa|fazenda|"
        "fabrica); gardes? de la (?:mine|societe|plantation|concession); "
        "watchm[ae]n; gardiens?; vigiles?; securite privee; agents? de securite; seguranca "
        "privada; segurancas; guardias? de seguridad; seguridad privada; walinzi; mlinzi; "
        "حراس; حارس; الحراس; شركه امنيه; company guards; mine guards; bouncers?; "
        "bodyguards?; security (?:personnel|staff|men|agents) of (?:a|the) (?:\\w+ )?(?:company|"
        "mine|firm|plantation|farm|factory|hotel|bank|estate|ranch|businessman); "
        "(?:mine|company|plantation|farm|factory|hotel|bank|estate|ranch) (?:security|"
        "guards|watchmen); g4s; gardes du corps; garde du corps; guardaespaldas; "
        "guarda-costas; jaguncos; jagunços; vigilantes privados"
    ),
    "armed_group": words(
        "jihadists?; jihadistes?; djihadistes?; terroristes?; terrorists?; jnim; eigs; "
        "isgs; is sahel; islamic state; etat islamique; daesh; daech; boko haram; iswap "
        "; al[- ]?shabaa?b; shabaab; m23; adf; rsf; rapid support forces?; rebels?; "
        "rebelles?; insurgents?; militants?; ansarul islam; katiba; aqmi; aqim "
        "; ansar dine; mnla; cma; al[- ]?qaeda; taliban; magaidi; waasi; al[- "
        "]?sunnah; داعش; الدولة الاسلاميه; الدعم السريع; القاعده; ارهابيين; ارهابيون; "
        "ارهابي; جهاديين; متمردين; المتمردين; بوكو حرام; rebeldes; "
        "guerrilheiros; guerrilla; terroristas; insurgentes; insurgentes?; isis; isil; "
        "is (?:cells?|militants|fighters|elements); iskp; is-k; islamic state \\w+ province; "
        "issp; iscap; hts; hayat tahrir al-sham; sdf; syrian democratic forces; sna; syrian "
        "national army; ypg; pkk; gsim; jnim-affiliated; ansaroul islam; katiba \\w+; macina; "
        "nsags?; non-state armed groups?; (?:violent )?extremists?; islamists?; jihadi; "
        "ambazonian (?:separatists|fighters|militia|forces); separatists?; amba (?:boys|"
        "fighters); npa; new people's army; abu sayyaf; pdf; people's defen[cs]e forces?; "
        "arakan army; kia; tnla; mndaa; ola; oromo liberation army; tplf; fnl; red "
        "tabara; cmc; fprc; 3r; upc; ex-seleka; "
        "مسلحو داعش; تنظيم الدوله; هيئه تحرير الشام; "
        "قسد; قوات سوريا الديمقراطيه; الجماعات الارهابيه; "
        # named rebel and jihadist groups, spelled as analysts and the groups do
        "ansar(?:ul|oul| ul|-ul| al|-al|ul-|al-)[ -]?islam; jama'?at nusrat al-islam"
        "(?: wal-muslimin)?; nusrat al-islam; aqap; al-mourabitoun; al mourabitoun; "
        "mourabitoun; mujao; ansaru; lakurawa; jas; islamic state (?:in the greater sahara|"
        "sahel|west africa)(?: province)?; fdlr; cpc; mpc; lra; lord's resistance army; "
        "spla-io; splm-io; spla/m-io; sudan liberation (?:army|movement); sla-aw; jem; "
        "olf-shane; olf; shene; eln; farc(?:-ep)?; farc dissidents; hamas; islamic jihad; "
        "al-qassam brigades; ttp; tehrik-i-taliban; baloch liberation army; seleka; "
        "jihadist (?:fighters|militants|elements|group); groupes? (?:jihadistes?|"
        "terroristes?|djihadistes?); grupos? (?:yihadistas?|terroristas?|jihadistas?); "
        "عناصر داعش; عناصر القاعده; مسلحي داعش; الجماعات المسلحه الارهابيه; "
        # what people call jihadists and guerrillas in chats
        "(?:hommes|gens|ceux) de la brousse; terros?; les barbus; elenos; farianos; "
        "machababos?; mashababos?; ناس الدعم; الدعامه; "
        # South Asia's and South-East Asia's insurgents by name
        "maoists?; naxal\\w*; cpi ?\\(maoist\\); plga; plfi; tpc; lashkar-e-ta[iy]y?ba; "
        "jaish-e-mohamm[ae]d; jem; hizbul mujahideen; the resistance front; trf; ulfa(?:-i)?; "
        "nscn(?:-k|-im)?; ndfb; kangleipak communist party; kcp; unlf; prepak; kykl; "
        "people's liberation army of manipur; blf; baloch liberation front; bras; biff; bangsamoro "
        "islamic freedom fighters; dawlah islamiyah; maute(?: group)?; knla; kna; "
        "kuki national army; zomi revolutionary army"
    ),
    "unknown": words(
        "unknown (?:men|people|gunmen|assailants|persons|individuals); unidentified "
        "(?:men|gunmen|armed men|people|assailants|individuals|armed group); gunmen; armed "
        "men; men in uniform; hommes armes; individus armes; hommes en uniforme; inconnus "
        "; hommes en tenue; corps habilles; uniformed men; hombres uniformados; homens "
        "fardados; watu (?:waliovaa|wenye|waliovalia) sare; رجال (?:ب|في )?(?:ال)?زي الرسمي"
        "; hommes non identifies; individus non identifies; assaillants; assailants; مسلحين "
        "; مسلحون; مجهولين; مجهولون; ملثمين; hombres armados; homens armados; "
        "desconocidos; desconhecidos; watu wasiojulikana; watu wenye silaha; wasiojulikana; "
        # the words analysts use for an unidentified armed group
        "(?:unknown|unidentified) (?:\\w+ )?(?:men|gunmen|people|persons|individuals|"
        "assailants|attackers|kidnappers|abductors|elements|group|armed groups?|militants|"
        "fighters|perpetrators|suspects|criminals|raiders|shooters|motorcyclists); "
        "armed (?:individuals|persons|people|elements|bands?|gangs?|groups?); "
        "attackers; kidnappers; abductors; perpetrators; shooters; hani; "
        "(?:a )?group of (?:armed )?(?:individuals|men|people|persons)(?! from (?:the )?"
        "(?:neighbou?ring |nearby |rival )?\\w+ (?:community|clan|tribe|ethnic group)); "
        "(?:armed )?men on "
        "(?:motorbikes|motorcycles); "
        "hommes armes non identifies; individus armes non identifies; hommes armes inconnus; "
        "individus non identifies; personnes non identifiees; ravisseurs; kidnappeurs; "
        "individus; malfaiteurs; groupes? armes?; groupe arme non identifie; hommes arm[eé]s "
        "non identifi[eé]s; grupos? armados?; secuestradores; sequestradores; raptores; "
        "pistoleros; sicarios; individuos armados; atacantes; agresores; agressores; "
        "watekaji(?: nyara)?; washambuliaji; kundi la watu wenye silaha; wahalifu; "
        "خاطفين; خاطفون; الخاطفين; جماعه مسلحه; مجهولي الهويه; "
        "المهاجمين; مهاجمين; "
        # criminal bands with no name or cause: analysts code them as unidentified
        "bandits?; armed robbers; robbers; bandidos; assaltantes; majambazi; قطاع الطرق"
    ),
}

_LEXICON = Lexicon(PERPETRATOR_WORDS)

# The words just before a mention that make it the agent of the act ("killed by Pokot
# raiders", "tué par des hommes armés", "por militares", "na polisi", "من قبل الشرطه"); those
# that make it a target or a bystander are nlu.extraction.actor_roles'.
_AGENT = re.compile(
    r"(?:\bby|\bpar|\bpor|\bpelos?|\bpelas?|\bna|من قبل|على يد|بواسطه)"
    r"(?: (?:a|an|the|some|suspected|presumed|alleged|des|les|un|une|la|le|l'|unos|unas|los|"
    r"las|uns|umas|os|as|supposes|presumes|presuntos|supostos|members of the|elements of "
    r"the|elements? (?:de|des|du)|membres (?:de|des|du)|miembros de|membros d[aeo]s?))* "
)
# A reading of "unknown" gives way to a group named as suspected just after ("gunmen
# suspected to be JNIM militants", "des hommes armés présumés jihadistes").
_SUSPECTED = re.compile(
    r"\b(?:suspected|believed|thought|presumed|alleged(?:ly)?|presumes?|soupconnes?|"
    r"supposes?|sospechos\w*|presuntos?|supostos?|suspeitos?|wanaoshukiwa|يشتبه|يعتقد|"
    # or said to belong to it ("armed men belonging to JNIM", "hommes armés se réclamant de")
    r"identified as|said to be|claiming to be|belonging to|affiliated (?:to|with)|linked to|"
    r"loyal to|members? of|identifies? comme|appartenant (?:a|au|aux)|affilies? (?:a|au)|"
    r"se reclamant (?:de|du|des)|membres? (?:de|du|des)|pertenecientes? a|vinculad\w* (?:a|con)|"
    r"miembros? de|pertencentes? a|ligad\w* a|membros? d[aeo]s?|wa kundi la|التابع\w*|"
    r"ينتم\w*|presumably|probably|possibly|likely|vraisemblablement|probablement|"
    r"probablemente|provavelmente|attributed to|blamed on|imputed to|attribue\w* (?:a|au|aux)|"
    r"impute\w* (?:a|au|aux)|atribuid\w* (?:a|al|ao|aos))(?!\w)"
)
SUSPECTED_WINDOW = 60  # characters after an "unknown" mention
# No actor named, but only a state (or a foreign one) flies warplanes and drones: an air
# or drone strike with nobody named reads as the army (a foreign nationality, read later by
# nlu.extraction.nationality, makes it foreign forces).
_AIR_STRIKE = Lexicon(
    {
        "army": words(
            "air ?strikes?; airstrikes?; air raids?; aerial (?:bombardment|strikes?|attacks?); "
            "drone (?:strikes?|attacks?|bombing); bombed by (?:a )?(?:drone|aircraft|plane); "
            "frappes? aeriennes?; frappes? de drones?; bombardements? aeriens?; raids? "
            "aeriens?; ataques? aereos?; bombardeos? aereos?; ataques? de drones?; "
            "bombardeamentos? aereos?; mashambulizi ya anga; shambulio la anga; غاره جويه; "
            "غارات جويه; قصف جوي; طائره مسيره; طائرات مسيره; غاره بطائره مسيره; "
            # artillery too is a state's weapon (analysts name the rebels who shell)
            "artillery (?:fire|shelling|shells?|strikes?|attacks?); shelling; shelled; "
            "bombarded; bombardment; "
            "heavy weapons fire; tank fire; tirs? d'artillerie; obus; pilonnages?; "
            "bombardements?; fuego de artilleria; bombardeos?; obuses; disparos de artilleria; "
            "fogo de artilharia; bombardeios?; mizinga; makombora; قصف مدفعي; القصف المدفعي; "
            "قذائف مدفعيه; قذائف الهاون; قصف صاروخي"
        )
    }
)
# A commander with no force named is an officer of the army in the reports people send
# ("the commander at the checkpoint", "le commandant du camp").
_COMMANDER = re.compile(
    r"(?<!\w)(?:commanders?|commandants?|comandantes?|kamanda|afande|القائد|قائد)(?!\w)"
)


# People of a place acting together against others (a herder-farmer clash, a revenge
# attack): ACLED's communal militias. Only as the subject of a violent verb or its agent, since
# "villagers" are most often the victims.
_COMMUNITY = re.compile(
    r"(?<!\w)(?:by (?:a group of |some |angry |irate )?|(?:a group of |some |angry |irate )?)"
    r"(?:(?:crop )?farmers|villagers|residents|inhabitants|locals|youths|community members|"
    r"members of the public|wananchi|riverains|vecinos|vizinhos|"
    r"members of the \w+ community|herders|agriculteurs|cultivateurs|villageois|habitants|"
    r"jeunes|eleveurs|agricultores|campesinos|pobladores|moradores|camponeses|wakulima|"
    r"wanakijiji|wakazi|vijana|مزارعون|المزارعين|الاهالي|اهالي|سكان|"
    # a crowd taking the law into its own hands (ACLED's communal militias in a lynching)
    r"(?:an? )?(?:angry |irate )?(?:mob|crowd)|(?:une )?foule(?: en colere)?|(?:una )?turba|"
    r"(?:uma )?multidao|umati(?: wa watu)?|حشد)"
    r"(?: (?:\w+ ){0,4}(?:attacked|killed|beat|lynched|burn\w*|torched|assaulted|stormed|"
    r"raided|clashed|set|hacked|stabbed|shot|attaquent|ont attaque|ont tue|ont frappe|"
    r"atacaron|mataron|atacaram|mataram|walishambulia|waliua|walimuua|waliwaua|walimchoma|"
    r"walichoma|walimpiga|waliwapiga|هاجم\w*|قتل\w*)|(?=\W*$))"
)
# No actor named, but the quarrel named is a community's: herders and farmers, cattle and
# crops, land, revenge. Analysts code such an attack to a communal militia.
_COMMUNAL_CONTEXT = re.compile(
    r"(?<!\w)(?:herders?|herdsm[ae]n|farmers?|pastoralists?|transhuman\w*|cattle|cows|"
    r"grazing|crops?|farm(?:land)?|fields?|land dispute|communal|inter-?communal|ethnic|"
    r"clan|revenge|retaliat\w*|reprisals?|eleveurs?|agriculteurs?|cultivateurs?|betail|"
    r"boeufs?|champs?|represailles|vengeance|ganaderos?|agricultores?|campesinos?|ganado|"
    r"venganza|represalias?|criadores?|gado|vinganca|wafugaji|wakulima|mifugo|ng'ombe|"
    r"kisasi|رعاه|رعاة|مزارع\w*|ماشيه|مواشي|ثار|انتقام|"
    # a witchcraft accusation: neighbours or kin take revenge, not a force
    r"witch\w*|sorcer\w*|sorcell\w*|sorcier\w*|brujer\w*|brujos?|bruxa\w*|feiti\w*|"
    r"uchawi|wachawi|mchawi|سحر|ساحر\w*|السحر|"
    # a lynching is a crowd's act
    r"lynch\w*|mob justice|jungle justice|vindicte populaire|justice populaire|linchad\w*|"
    r"linchamiento|linchamento|justicia por mano propia|haki ya umati|walichomwa moto)(?!\w)"
)
# An arrest with nobody named ("a blogger was detained in the capital") is the police's work.
_ARREST = re.compile(
    r"(?<!\w)(?:arrested|detained|taken into custody|remanded|interpell\w*|arrete\w*|"
    r"detenu\w*|placee? en garde a vue|detenid\w*|arrestad\w*|detid\w*|pres[oa]s?|"
    r"walikamatwa|alikamatwa|wamekamatwa|amekamatwa|اعتقل\w*|احتجز\w*|اوقف\w*)(?!\w)"
)
# "Officers" with nothing else named are most often police officers.
_OFFICERS = re.compile(r"(?<!\w)(?:officers?|agents|ofisa|maafisa|agentes|عناصر)(?!\w)")


def parse_perpetrator(text: str) -> tuple[str | None, str | None]:
    """(perpetrator id, the words that named it), or (None, None).

    The agent of the act wins ("killed by ..."); else the earliest mention that is neither
    acted on (a target, a suspect) nor a bystander (told of it, doing nothing); when every
    mention is one of these, the reading of a text that names nobody. An "unknown" reading
    gives way to a group named as suspected right after it; generic troops to the force
    named right after them ("soldiers of the RSF"); a national force to a foreign partner
    acting with it ("FAMa and Wagner"); a generic "security forces" arresting people or
    policing a crowd reads as the police. (Mentions are looked up from the markers and one
    after another rather than all at once: most texts are settled by the first.)
    """
    folded = fold(text)
    first = _LEXICON.first(folded)
    if first is None:
        return _fallback(text, folded)
    chosen = _agent(folded) or _actor(folded, first)
    if chosen is None:
        return _fallback(text, folded)
    if chosen.label == "unknown":
        chosen = _suspected_after(folded, chosen) or chosen
    chosen = _named_after(folded, chosen)
    label = chosen.label
    if label == "army" and actor_roles.policing(chosen.words, folded):
        label = "police"
    return label, original_span(text, folded, chosen.start, chosen.end).strip()


def _fallback(text: str, folded: str) -> tuple[str | None, str | None]:
    """The reading of a text that names no force: an air strike or shelling, a community, a
    commander, officers, an arrest, a communal quarrel."""
    strike = _AIR_STRIKE.first(folded)
    if strike is not None:
        return strike.label, original_span(text, folded, strike.start, strike.end).strip()
    for label, pattern in (
        ("militia", _COMMUNITY),
        ("army", _COMMANDER),
        ("police", _OFFICERS),
        ("police", _ARREST),
        ("militia", _COMMUNAL_CONTEXT),
    ):
        found = pattern.search(folded)
        if found is not None:
            return label, original_span(text, folded, found.start(), found.end()).strip()
    return None, None


def _agent(folded: str) -> Match | None:
    for marker in _AGENT.finditer(folded):
        found = _LEXICON.at(folded, marker.end())
        if (
            found is not None
            and not actor_roles.is_bystander(folded, found.start, found.end)
            and not actor_roles.is_context(folded, found.start)
        ):
            return found
    return None


def _actor(folded: str, first: Match) -> Match | None:
    """The earliest mention that is neither acted on nor standing by; None when all are.

    A mention in an opening phrase about an earlier act ("after a JNIM attack, ...") gives
    way to a later one, and is the reading only when no other is left."""
    match: Match | None = first
    scene: Match | None = None
    while match is not None:
        if not actor_roles.is_target(
            folded, match.start, match.end
        ) and not actor_roles.is_bystander(folded, match.start, match.end):
            if not actor_roles.is_context(folded, match.start):
                return match
            scene = scene or match
        match = _LEXICON.first(folded, match.end)
    return scene


# Readings a foreign partner named alongside replaces ("Malian soldiers and Wagner")
PARTNERED = frozenset({"army", "police", "gendarmerie", "militia"})
# characters after the chosen words where the force they serve or their partner is named
NAMED_AFTER_WINDOW = actor_roles.PARTNER_WINDOW + 40


def _named_after(folded: str, chosen: Match) -> Match:
    """The force named just after the chosen words, when it is the one that acted: the
    force of generic troops ("soldiers of the RSF"), or a foreign partner ("FAMa and
    Wagner", which analysts code to the foreign force and the desk routes confidentially)."""
    if not actor_roles.may_name_another(chosen.words, folded, chosen.end):
        return chosen
    # only a force named within a few words can be either (the rest of the text is not read)
    following = _LEXICON.first(folded, chosen.end, chosen.end + NAMED_AFTER_WINDOW)
    if following is None or following.label == chosen.label:
        return chosen
    if actor_roles.names_its_force(chosen.words, folded, chosen.end, following.start):
        return following
    if (
        following.label == "foreign_forces"
        and chosen.label in PARTNERED
        and actor_roles.with_partner(folded, chosen.end, following.start)
    ):
        return following
    return chosen


def _suspected_after(folded: str, chosen: Match) -> Match | None:
    match = _LEXICON.first(folded, chosen.end)
    while match is not None and match.start - chosen.end <= SUSPECTED_WINDOW:
        if (
            match.label != "unknown"
            and _SUSPECTED.search(folded, chosen.end, match.start)
            and not actor_roles.is_target(folded, match.start, match.end)
        ):
            return match
        match = _LEXICON.first(folded, match.end)
    return None
