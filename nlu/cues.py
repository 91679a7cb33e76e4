"""Words that say an act happened, per incident type, in the six shipped languages.

The classifier names one category per text; a story often tells several ("attacked the
settlement, raped women and destroyed property"). These lists find every act the text names,
so the reading keeps all of them (`categories`). Sexual violence has its own, longer list,
euphemisms included: it decides the confidential route, and missing it is the most harmful
error the system can make. Entries are matched on folded text (nlu.text.fold: lower case, no
accents, Arabic letter variants unified) and may be regular expressions.
"""

from __future__ import annotations

from nlu.extraction.lexicon import Lexicon, words

SEXUAL_VIOLENCE = words(
    # English, with the euphemisms of testimonies and analyst notes
    r"rap(?:e|ed|es|ing|ist|ists); gang[- ]?rap\w*; sexual(?:ly)? (?:assault\w*|abus\w*|"
    r"violence|exploit\w*|harass\w*|slaver\w*|attack\w*|violated|molest\w*); sexually; "
    r"defil(?:e|ed|ement|ing); molest\w*; sodomi[sz]\w*; indecent assault; indecently "
    r"assault\w*; forced nudity; sexual intercourse; had sex with; impregnat\w*; undress\w*; "
    r"paraded (?:them |her |him )?naked; forced to (?:strip|walk naked|undress); "
    r"stripped (?:her|them|him|the women|the girls|women|girls)(?: naked| of (?:her|their) "
    r"clothes)?(?! of\b); stripped naked; "
    r"(?:made|forced) (?:her|them|women|girls|the women|the girls) (?:to )?(?:undress|strip); "
    r"sex slaves?; sexual slavery; forced (?:sex|marriages?); sex for (?:food|aid|money|passage)"
    r"; transactional sex; sexual favou?rs?; (?:abused|violated|dishonou?red) (?:her|the girls|"
    r"the women|women|girls|a girl|a woman|my (?:sister|daughter|wife)); took her by force; "
    r"slept with (?:her|them) by force; had (?:their|his) way with; touched (?:her|them|women|"
    r"girls) inappropriately; fondl\w*; acts? of indecency; "
    r"grop(?:e|ed|es|ing) (?!(?:his|her|their|its|my|our) way|for|around|about|in the); "
    r"(?:forces?|forced|forcing|makes?|made) (?:girls|women|"
    r"her|them|the girls|the women) (?:to )?sleep with; sleep with (?:him|them) (?:to|before|"
    r"for|in exchange); "
    r"gender[- ]based violence; sgbv; gbv; crsv; conflict[- ]related sexual violence; "
    r"sexual and gender[- ]based; forcibly married; forced (?:them|her|women|girls|the "
    r"women|the girls|\w+ women|\w+ girls) (?:to|into) marr\w*; forced to marry; "
    r"(?:took|take|taken|taking) (?:them|her|women|girls|the women|the girls) as (?:wives|"
    r"brides|concubines); as (?:wives|brides|concubines) (?:for|to) (?:the )?(?:fighters|"
    r"militants|combatants|jihadists|members); married (?:them |her )?off (?:by force )?to "
    r"(?:fighters|militants|combatants); violated (?:her|them|women|girls|the women|the girls"
    r"|a woman|a girl); (?:women|girls|a woman|a girl|the woman|the girl|a minor|minors) "
    r"(?:was|were) (?:also )?(?:violated|defiled|molested|abused|sexually \w+); "
    r"forced (?:prostitution|pregnanc\w*|nakedness); sextortion; sexual (?:torture|"
    r"humiliation|enslavement|violence); indecent(?:ly)? (?:assault\w*|exposure|acts?); "
    r"trafficked for sex; sex trafficking; sexual(?:ly)? exploited; "
    # French
    r"viols?; violee?s?; violer; violeurs?; violaient; ont viole; a viole; violences? "
    r"sexuelles?; agressions? sexuelles?; agresse\w* sexuellement; abus sexuels?; abuse"
    r"(?:e|es)? sexuellement; exploitation sexuelle; harcelement sexuel; esclaves? sexuelles?; "
    r"ont abuse d(?:'|e )\w+; a abuse d(?:'|e )\w+; abuse d'elle; deshabill\w*; mises? a nue?s?"
    r"; nue?s? de force; attouchements?; deshonor\w* (?:une|des|les|la|sa|ma|leur) (?:femme|"
    r"fille)s?; mariages? force\w*; sexe contre; faveurs sexuelles; violences? basees? sur le "
    r"genre; vbg; vsbg; mariee?s? de force; marier de force; epouses? forcees?; "
    r"prises? (?:pour|comme) epouses?; esclavage sexuel; prostitution forcee; nudite forcee"
    r"; attentats? a la pudeur; outrages? a la pudeur; violentee?s?; sevices sexuels; "
    r"rapports? sexuels? (?:forces?|de force|non consentis); "
    # Spanish
    r"violaron; violada?s?; violadores?; violo a; violacion(?:es)? (?:sexual\w*|de (?:una|"
    r"mujeres|ninas|la joven|menores)); abusos? sexual(?:es)?; abusaron (?:sexualmente|de "
    r"(?:ella|las|una|mujeres|ninas)); agresion(?:es)? sexual(?:es)?; violencia sexual; "
    r"explotacion sexual; acoso sexual; las desnudaron; desnudar\w*; desnudas?; tocamientos; "
    r"manose\w*; esclavitud sexual; favores sexuales; violencia (?:basada en|de) genero; "
    r"abusada?s? sexualmente; abusadas; casadas? a la fuerza; matrimonios? forzados?; "
    r"esclavas? sexuales; prostitucion forzada; se aprovecharon de (?:ella|ellas); la "
    r"forzaron; relaciones sexuales forzadas; forzada a tener relaciones; "
    # Portuguese
    r"estupr\w+; violaram; violentad\w+; violentaram; abusos? sexua(?:l|is); abusaram "
    r"(?:sexualmente|dela|delas|de (?:mulheres|meninas)); agressa?o(?:es)? sexua(?:l|is); "
    r"agressoes sexuais; violencia sexual; exploracao sexual; assedio sexual; despir\w*; "
    r"despiram; nuas? a forca; apalp\w+; escravidao sexual; favores sexuais; violencia "
    r"(?:baseada no|de) genero; casamentos? forcados?; casadas? a forca; escravas? sexuais; "
    r"prostituicao forcada; abusadas?; relacoes sexuais forcadas; forcaram-na; "
    # Swahili
    r"(?:wali|ali|ku|ana|wana|wame|ame|wata|ata|hu)bakwa; wali\w{0,3}baka; wame\w{0,3}baka; "
    r"ali\w{0,3}baka; kubaka; ubakaji; (?:wali|ali|ku|wame|ame|ana|a|wa)?(?:m|wa|ki)?najisi\w*; "
    r"unyanyasaji wa (?:kingono|kijinsia); ukatili wa (?:kingono|kijinsia); "
    r"dhuluma za kingono; kunyanyaswa kingono; udhalilishaji wa kingono; ngono kwa nguvu; "
    r"(?:wali|ali|ku|wame|ame|wana|ana)(?:m|wa)?vua nguo; (?:wali|ali|ku|wame|ame)?vuliwa "
    r"nguo; uchi kwa nguvu; kulala nao kwa nguvu"
    r"; walilala nao kwa nguvu; walilala naye kwa nguvu; ku(?:m|wa)baka; ndoa (?:za|ya) "
    r"(?:lazima|kulazimishwa); kuozwa kwa nguvu; (?:wali|ali)(?:m|wa)lazimisha kuolewa; "
    r"utumwa wa ngono; (?:ku|wali|ali|wame|ame)?(?:m|wa)?lawiti\w*; ulawiti; "
    r"(?:wali|ali|ku|wame|ame)?(?:m|wa)?dhalilish\w*; (?:wali|ali)(?:m|wa)ingilia; "
    r"kumwingilia kimwili; ngono; mapenzi kwa nguvu; "
    # Arabic (folded: ة -> ه, أ/إ/آ -> ا, ى -> ي)
    r"اغتصب\w*; مغتصب\w*; اغتصاب\w*; اعتداء\w* جنسي\w*; الاعتداء الجنسي; عنف جنسي; العنف "
    r"الجنسي; تحرش\w*; استغلال جنسي; الاستغلال الجنسي; هتك\w* (?:ال)?عرض\w*; انتهاك\w* "
    r"(?:ال)?عرض\w*; عرو\w*; تعري\w*; جردو\w* من (?:ال)?ملابس\w*; تجريد\w* من (?:ال)?ملابس\w*; "
    r"خلع ملابس\w*; جنسيا; اعتدوا علي\w* جنسيا; استعباد جنسي; دعاره قسريه; الاستعباد "
    r"الجنسي; العنف القائم علي النوع الاجتماعي; العنف القائم علي النوع; زواج قسري; الزواج "
    r"القسري; زواج\w* قسري\w*; تزويج قسري; التزويج القسري; سبايا; السبايا; "
    r"الدعاره القسريه; اغتصاب\w*; "
    r"تحرش جنسي; ايذاء جنسي; انتهاكات جنسيه; عنف جنسي; "
    # euphemisms: bodies, clothes, "honour", sex as a price, girls given as wives
    r"forced himself on (?:her|them|a \w+|the \w+|my \w+); private parts; "
    r"(?:made|forced|ordered) (?:her|them|the women|the girls|women|girls) (?:to )?take off "
    r"(?:her|their) clothes; sex in exchange; in exchange for sex; trade sex; "
    r"deshonor\w* (?:une|des|les|la|sa|ma|leur|notre) (?:femme|fille|sœur|soeur|epouse|mere|"
    r"niece)s?; (?:forcee?s?|obligee?s?|contrainte?s?) a coucher avec; coucher de force; "
    r"sexe (?:en echange|contre|a cambio|em troca); touche\w* (?:de facon|de maniere) "
    r"indecente; parties intimes; "
    r"(?:entregad|tomad|llevad|dad)\w* como esposas; como esposas (?:a|de|para) (?:los )?"
    r"(?:combatientes|milicianos|yihadistas|militares|rebeldes); partes intimas; "
    r"(?:obrigaram|forcaram)-(?:na|nas) a (?:tirar a roupa|despir|ficar nuas?); "
    r"obrigad\w* a tirar a roupa; entregues como esposas; como esposas (?:aos|dos|para os) "
    r"(?:combatentes|insurgentes|militantes|militares|rebeldes); "
    r"sehemu (?:zake |zao )?za siri; (?:wali|ali|wame|ame)?ozwa kwa nguvu; "
    r"\w*nyanyas\w* kingono; "
    r"اماكن حساسه; مناطق حساسه; اعضاء\w* التناسلي\w*; زوجو\w*(?: \w+){0,2} قسرا; "
    r"تزويج\w*(?: \w+){0,2} قسرا; انتهك\w* شرف\w*; ممارسه الجنس; الجنس مقابل; مقابل الجنس; "
    # the words of charge sheets and court reports in each language
    r"unnatural (?:offen[cs]e|act)s?; carnal knowledge; incest; outrag\w* (?:the|her) modesty; "
    r"eve[- ]teasing; sexual advances; virginity tests?; forced (?:abortions?|sterili[sz]\w*); "
    r"atteintes? sexuelles?; acceso carnal; abusos? deshonestos?; actos? lascivos?; "
    r"atentados? al pudor; atentado ao pudor; importunacao sexual; atos? libidinosos?; "
    r"conjuncao carnal; shambulio la aibu; "
    r"اعتداء\w* علي (?:ال)?عرض\w*; مواقعه\w* (?:ال)?انثي; فعل فاضح; "
    # girls and women taken as wives, in the singular too, and marriage as the aim of a raid
    r"(?:took|take|takes|taken|taking|kept|keep|keeps|keeping|held|holds?|holding) (?:her|them|"
    r"a girl|a woman|the girls?|the women|girls|women|\w+ girls|\w+ women) as (?:a |his |their "
    r")?(?:wife|wives|bride|brides|concubines?); (?:girls?|women|a girl|a woman|the girls?|"
    r"the women) (?:\w+ ){0,2}for (?:forced )?marriage; bride (?:kidnapp\w*|abduct\w*); "
    r"prises? (?:pour|comme) (?:femmes?|epouses?); (?:ont|a|avait|avaient) profite d'elles?; "
    r"se aprovech\w+ (?:sexualmente )?de (?:la|una|las|esa) (?:muchacha|nina|joven|mujer|chica|"
    r"menor|detenida)s?; aproveit\w+ (?:sexualmente )?(?:dela|delas|da menina|da jovem|da "
    r"mulher|das mulheres|das meninas); اجبرو\w* علي الزواج; زوجو\w*(?: \w+){0,2} "
    r"(?:بالقوه|غصبا); \w*chukua (?:\w+ ){0,2}kuwa (?:mke|wake|wake zao)\b"
)

# The other incident types: the acts themselves, not their outcomes' synonyms of every kind.
ACT_WORDS: dict[str, tuple[str, ...]] = {
    "killing": words(
        r"killed; killing; killings; shot dead; murdered; executed; massacred?; "
        r"tue\w*; abattu\w*; assassin\w*; execute\w*; massacr\w*; "
        r"mataron; mato; asesin\w*; ejecut\w*; "
        r"mataram; matou; executad\w*; "
        r"waliua; aliuawa; waliuawa; wameuawa; kuuawa; walimuua; mauaji; "
        r"قتل\w*; مقتل\w*; اعدم\w*; اعدام\w*"
    ),
    "physical_assault": words(
        r"beat(?:en|ing|ings)?; tortur\w*; whipp\w*; flogg\w*; assaulted; slapped; "
        r"frapp\w*; battu\w*; passe\w* a tabac; tabass\w*; tortur\w*; fouett\w*; "
        r"golpe\w*; apale\w*; espanc\w*; agredi\w*; "
        r"walipiga; walimpiga; kupigwa; alipigwa; walipigwa; kuteswa; mateso; "
        r"ضرب\w*; عذب\w*; تعذيب; اعتدوا بالضرب"
    ),
    "arbitrary_detention": words(
        r"arrested; arrests?; detained; detention; jailed; "
        r"arret\w*; interpell\w*; detenu\w*; garde a vue; "
        r"detuvieron; detuvo; detenid\w*; arrestad\w*; arrestaron; arresto a; "
        r"prenderam; prendeu; detid\w*; detencao; "
        r"walikamatwa; alikamatwa; kukamatwa; waliwakamata; walimkamata; kizuizini; mahabusu; "
        r"اعتقل\w*; اعتقال\w*; احتجز\w*; احتجاز; اوقفو\w*"
    ),
    "abduction_disappearance": words(
        r"abduct\w*; kidnap\w*; disappeared; disappearance; taken to an unknown \w+; "
        r"enlev\w*; kidnapp\w*; disparu\w*; disparition\w*; whereabouts (?:are |remain )?unknown; "
        r"(?:have|has|had) not (?:heard from|seen) (?:him|her|them) since; sans nouvelles d\w+; "
        r"(?:ولا|لا) نعرف مكان\w*; مصيره مجهول; "
        r"secuestr\w*; desaparecid\w*; raptad\w*; sequestr\w*; raptar\w*; "
        r"walitekwa; alitekwa; walimteka; waliwateka; utekaji; kutekwa; "
        r"اختطف\w*; خطف\w*; اختطاف\w*; مختطف\w*; اخفاء قسري; اختفاء قسري"
    ),
    "attack_on_civilian_area": words(
        r"air ?strikes?; drone strikes?; shell(?:ed|ing); bombard\w*; bombed; mortars?; "
        r"frappes? aeriennes?; bombard\w*; obus; frappes? de drone; "
        r"ataques? aereos?; bombarde\w*; "
        r"shambulio la anga; mabomu; makombora; "
        r"قصف\w*; غاره; غارات; طائره مسيره; قذائف; قذيفه"
    ),
    "property_destruction_looting": words(
        r"burn(?:ed|t|ing)?; torched; set (?:on )?fire; set ablaze; loot\w*; destroy\w*; "
        r"pillag\w*; ransack\w*; stole; stolen; vandali[sz]\w*; demolish\w*; "
        r"brul\w*; incendi\w*; pill\w*; detrui\w*; saccag\w*; ont vole; "
        r"quemar\w*; quemaron; saque\w*; destruy\w*; robaron; "
        r"queimar\w*; queimaram; saquear\w*; destruir\w*; destruiram; roubaram; pilh\w*; "
        r"walichoma; kuchoma; waliteketeza; uporaji; walipora; kupora; waliiba; waliharibu; "
        r"احرق\w*; حرق\w*; نهب\w*; دمر\w*; تدمير; سرق\w*; هدم\w*"
    ),
    "extortion_corruption": words(
        r"extort\w*; bribes?; (?:asking|demanding|demand|ask) (?:for )?(?:money|\d+ ?\w*); "
        r"cobra\w* (?:una )?cuotas?; cobram dinheiro; racket\w*; rancon\w*; "
        r"pots?[- ]de[- ]vin; extorqu\w*; "
        r"extorsi\w*; sobornos?; extors\w*; subornos?; propinas?; rushwa; hongo; "
        r"ابتزاز; ابتز\w*; رشوه; رشاوي; اتاوات?"
    ),
    "forced_displacement": words(
        r"forced to (?:flee|leave); displaced; evicted; expelled; "
        r"deplac\w*; expuls\w*; contraint\w* (?:de|a) fuir; force\w* a fuir; "
        r"desplazad\w*; desalojad\w*; obligad\w* a huir; desalojad\w*; deslocad\w*; "
        r"obrigad\w* a fugir; walifukuzwa; kufukuzwa; kuhama kwa nguvu; wamekimbia; walikimbia "
        r"makazi\w*; chased (?:\w+ ){0,3}(?:families|people|residents|villagers) from; "
        r"تهجير; هجرو\w*; نزوح; طرد\w*"
    ),
    "restriction_of_freedoms": words(
        r"curfew; tear ?gas; dispersed; internet (?:shutdown|cut); censor\w*; "
        r"couvre[- ]feu; gaz lacrymogene\w*; dispers\w*; coupure d'internet; "
        r"toque de (?:queda|recolher); gas lacrimogeno; dispersaron; gas lacrimogeneo; "
        r"amri ya kutotoka nje; mabomu ya machozi; "
        r"حظر (?:ال)?تجول; الغاز المسيل للدموع; فرقو\w*; قطع (?:ال)?انترنت"
    ),
    "threat_intimidation": words(
        r"threat\w*; intimidat\w*; menac\w*; intimid\w*; amenaz\w*; ameac\w*; vitisho; "
        r"walitishia; kutishia; هدد\w*; تهديد\w*; ترهيب"
    ),
    "child_recruitment": words(
        r"child soldiers?; recruit\w* (?:children|boys|minors); enfants?[- ]soldats?; "
        r"recrut\w* (?:des )?(?:enfants|mineurs|garcons); ninos soldados?; reclut\w* (?:a )?"
        r"(?:ninos|menores); criancas soldados?; recrut\w* (?:de )?(?:criancas|menores); "
        r"watoto askari; kuwasajili watoto; تجنيد (?:ال)?اطفال; تجنيد (?:ال)?قاصرين"
    ),
}

# Foreign and EU-mission personnel: a report that involves them is confidential whatever its
# type (spec/taxonomy.md, DESIGN). The foreign forces of the perpetrator lexicon, and the EU's
# missions by name and by description.
FOREIGN_PERSONNEL = words(
    r"wagner; groupe wagner; africa corps; mercenaires? russes?; russian (?:mercenaries|soldiers"
    r"|instructors|troops|forces); russes; soldats russes; instructeurs russes; "
    r"minusma; monusco; minusca; unmiss; amisom; atmis; barkhane; takuba; casques? bleus?; "
    r"peacekeepers?; un troops; foreign (?:troops|forces|soldiers|mercenaries|instructors); "
    r"forces? etrangeres?; soldats? etrangers?; mercenaires? etrangers?; tropas extranjeras; "
    r"fuerzas extranjeras; soldados extranjeros; militares extranjeros; forcas estrangeiras; "
    r"soldados estrangeiros; militares estrangeiros; mercenarios (?:rusos|russos|"
    r"extranjeros|estrangeiros); militaires (?:russes|etrangers|francais); instructeurs "
    r"(?:russes|militaires russes); russian (?:military|army|paramilitar\w*|contractors|"
    r"personnel|pmc); private military (?:contractors?|compan\w+); majeshi ya kigeni; "
    r"القوات الروسيه; القوات الفرنسيه; الجيش الفرنسي; القوات التركيه; جيش الاحتلال; "
    r"israeli (?:forces|soldiers|troops|army|military|border police|police|"
    r"warplanes|jets|drones?|airstrikes?); "
    r"tropas estrangeiras; mercenarios; askari wa kigeni; wanajeshi wa kigeni; mamluki; "
    r"eutm(?: mali| rca| somalia| mozambique)?; eucap(?: sahel(?: mali| niger)?)?; eumpm; eufor; "
    r"africom; idf; israeli (?:defen[cs]e|occupation) forces; قوات الاحتلال; "
    r"mission de l'union europeenne; missions? de l'ue; mision de la union europea; "
    r"missao da uniao europeia; walinda amani; askari wa kulinda amani; cascos azules; "
    r"capacetes azuis; euam; eumm; eupol; eusec; "
    r"eulex; eunavfor; eubam; eu (?:mission|trainers?|training mission|personnel|staff|soldiers"
    r"|instructors?|advis[eo]rs?|officers?|experts?); european (?:union )?(?:mission|trainers"
    r"|soldiers|instructors|advis[eo]rs|personnel|officers|troops); mission de l'ue; mission "
    r"(?:militaire )?europeenne; (?:instructeurs|formateurs|soldats|militaires|conseillers) "
    r"europeens; mision (?:de la ue|europea); missao (?:da ue|europeia); ujumbe wa umoja wa "
    r"ulaya; wanajeshi wa ulaya; فاغنر; فاجنر; الفيلق الافريقي; مرتزقه روس; المرتزقه الروس; "
    r"مرتزقه; قوات اجنبيه; القوات الاجنبيه; قوات حفظ السلام; جنود روس; بعثه الاتحاد "
    r"الاوروبي; الاتحاد الاوروبي; مينوسما"
)

ACTS = Lexicon({**ACT_WORDS, "sexual_violence": SEXUAL_VIOLENCE})
SEXUAL = Lexicon({"sexual_violence": SEXUAL_VIOLENCE})
FOREIGN = Lexicon({"foreign_personnel": FOREIGN_PERSONNEL})
