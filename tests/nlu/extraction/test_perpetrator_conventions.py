"""How analysts and witnesses name perpetrators, read as the taxonomy's types (issue 17).

Written for these tests from ACLED's public coding conventions (actor names such as
"Unidentified Armed Group", "Communal Militia", "Military Forces of X", named rebel and jihadist
groups) and from the way people report in the six languages; none comes from an evaluation set.
Foreign forces need the text's place, so the whole engine reads them.
"""

from __future__ import annotations

import pytest

from nlu import Nlu

CASES = [
    # the army, by its words in six languages, by its country or government, by its weapons, and
    # when the scene is set by another actor's earlier act
    ("On 4 June, soldiers executed three herders near Djibo.", "army"),
    ("Les militaires ont brûlé les greniers du village hier soir.", "army"),
    ("الجيش أحرق المنازل في القرية ليلة أمس", "army"),
    ("Los militares dispararon contra campesinos en la vereda.", "army"),
    ("Os soldados espancaram os pescadores na praia de Mocímboa.", "army"),
    ("Wanajeshi waliwapiga wakulima kijijini jana usiku.", "army"),
    ("Afghan forces fired on a car at a checkpoint in Kunduz, killing a driver.", "army"),
    ("Pro-Hadi forces detained a journalist in Marib.", "army"),
    ("Artillery shelling hit houses in Taiz city, killing two children.", "army"),
    ("the commander at the checkpoint forces girls to pay before they can pass", "army"),
    ("Des soldats des FAMa ont exécuté deux bergers près de Sévaré.", "army"),
    ("les militaires sont venus chez nous et ont frappé mon père", "army"),
    ("ils étaient en tenue militaire et ont tiré sur les gens au marché", "army"),
    ("jeshi lilichoma nyumba zetu jana", "army"),
    ("o exército matou dois jovens no bairro", "army"),
    ("el ejército quemó nuestras casas", "army"),
    ("العسكر ضربوا اخي عند الحاجز", "army"),
    ("In retaliation for a JNIM attack, soldiers executed 12 civilians in Solenzo.", "army"),
    ("After an ambush by militants, the army killed six villagers.", "army"),
    # uniformed men the witness cannot tell apart are the security forces, read as the army
    ("men in uniform came at night and took my husband", "army"),
    ("des hommes en tenue ont frappé mon fils au poste", "army"),
    ("hombres uniformados golpearon a mi hermano", "army"),
    ("homens fardados levaram o meu marido", "army"),
    ("watu waliovaa sare walimpiga kaka yangu", "army"),
    ("رجال بالزي العسكري اعتقلوا أخي", "army"),
    ("Somali National Army soldiers shot a minibus driver in Afgooye.", "army"),
    ("FARDC soldiers raped two women in Minova.", "army"),
    ("Tatmadaw troops burned a village in Sagaing.", "army"),
    ("Syrian regime forces shelled a school in Idlib.", "army"),
    ("Houthi snipers shot a child in Taiz.", "army"),
    # the police; a generic "security forces" arresting or policing a crowd; suspects arrested
    ("Police fired tear gas at protesters in Nairobi.", "police"),
    ("Security forces arrested 20 protesters in the capital.", "police"),
    ("Les forces de sécurité ont dispersé une manifestation à Conakry.", "police"),
    ("قوات الأمن اعتقلت متظاهرين في بغداد", "police"),
    ("La policía detuvo a dos periodistas en Caracas.", "police"),
    ("A polícia prendeu três ativistas em Luanda.", "police"),
    ("Polisi waliwakamata waandamanaji mjini Mombasa.", "police"),
    ("Five suspected Al-Shabaab sympathisers were arrested in Mandera town.", "police"),
    ("Security officers arrested three Al-Shabaab suspects in Garissa.", "police"),
    ("Police arrested two men suspected of being Al-Shabaab militants in Lamu.", "police"),
    ("Deux présumés jihadistes ont été interpellés à Ouahigouya.", "police"),
    ("police officers beat my son in the cell", "police"),
    ("we were arrested by the police for no reason", "police"),
    ("les policiers nous ont racketté au poste", "police"),
    ("الشرطة ضربت المتظاهرين في الخرطوم", "police"),
    ("la policia golpeó a mi hermano en la comisaría", "police"),
    ("a polícia militar matou um jovem na favela", "police"),
    ("askari polisi walimpiga dereva wa bodaboda", "police"),
    ("GSU officers beat students at the university.", "police"),
    ("Police shot dead a suspected robber in Kayole.", "police"),
    ("Police officers arrested a journalist covering a protest.", "police"),
    ("Five ISWAP suspects were detained in Maiduguri.", "police"),
    # gendarmes
    ("Les gendarmes ont arrêté cinq commerçants au marché de Dori.", "gendarmerie"),
    ("Gendarmes beat a motorcyclist at a checkpoint near Kaya.", "gendarmerie"),
    ("الدرك اعتقل شابين في المدينة", "gendarmerie"),
    ("La gendarmería detuvo a un líder comunitario.", "gendarmerie"),
    ("A GNR agrediu dois imigrantes.", "gendarmerie"),
    ("a gendarme slapped my mother at the barrier", "gendarmerie"),
    ("la gendarmerie a arrêté mon frère sans raison", "gendarmerie"),
    ("Gendarmerie officers detained two activists in Yaoundé.", "gendarmerie"),
    # state-allied, communal, ethnic and political militias (ACLED inter codes 3 and 4)
    ("VDP members killed four Fulani herders near Titao.", "militia"),
    ("Les Koglweogo ont fouetté deux jeunes accusés de vol.", "militia"),
    ("Dozo hunters burned a Fulani hamlet near Djenné.", "militia"),
    ("Des Dozos ont enlevé trois éleveurs peuls.", "militia"),
    ("Suspected Dan Na Ambassagou militiamen killed 12 villagers.", "militia"),
    ("Members of the Turkana community killed two herders in Lokichar.", "militia"),
    ("Gunmen from the Pokot community stole 200 goats in Tiaty.", "militia"),
    ("An angry mob lynched a man accused of witchcraft in Kisii.", "militia"),
    ("Dahalo stole 150 zebus and killed a herder near Ihosy.", "militia"),
    ("Village guards beat a shepherd in Hakkari province.", "militia"),
    ("Communal militia from a neighbouring village burned homes.", "militia"),
    ("Fulani militia killed five farmers in Benue.", "militia"),
    ("ميليشيا قبلية قتلت راعيين", "militia"),
    ("Milicias comunitarias quemaron casas.", "militia"),
    ("Milícias locais mataram três pescadores.", "militia"),
    ("Wanamgambo walichoma nyumba za wafugaji.", "militia"),
    ("Imbonerakure beat two opposition members.", "militia"),
    ("Political thugs attacked opposition supporters at a rally.", "militia"),
    ("A group of youths armed with machetes attacked a herder.", "militia"),
    ("the koglweogo took my brother and beat him", "militia"),
    ("Les VDP ont tué des civils peuls à Djibo.", "militia"),
    ("VDP auxiliaries and soldiers killed Fulani civilians.", "militia"),
    ("Pokot raiders stole 300 cattle and killed a herder.", "militia"),
    ("Herders from the Fulani community clashed with farmers, killing two.", "militia"),
    ("Hunters belonging to the Dozo brotherhood killed a herder.", "militia"),
    ("Mai-Mai militiamen abducted three traders.", "militia"),
    ("CODECO militia attacked a displacement camp in Djugu.", "militia"),
    ("Anti-balaka militia killed Muslim civilians.", "militia"),
    ("Hezbollah members beat protesters in Beirut.", "militia"),
    ("A self-defence group beat two suspected thieves.", "militia"),
    ("Pokot raided a Turkana village and stole 300 cattle.", "militia"),
    ("Bandits from Pokot stole 100 goats in Tiaty.", "militia"),
    ("Armed Fulani attacked a Dogon village.", "militia"),
    ("Soldiers killed three men from the Fulani community.", "army"),
    ("Armed men, presumably Dozo hunters, killed three Fulani herders.", "militia"),
    ("Gunmen killed four villagers; the attack was attributed to Koglweogo members.", "militia"),
    # guards of companies, mines and farms
    ("Security guards of the mine beat artisanal miners.", "private_security"),
    ("Les vigiles de la société ont frappé un ouvrier.", "private_security"),
    ("حراس الشركة اعتدوا على عامل", "private_security"),
    ("Guardias de seguridad golpearon a un vendedor.", "private_security"),
    ("Os seguranças da fazenda agrediram camponeses.", "private_security"),
    ("Walinzi wa kampuni walimpiga mfanyakazi.", "private_security"),
    # foreign armies, mercenaries and missions, also alongside a national army
    ("Malian soldiers and Wagner mercenaries executed 20 civilians in Moura.", "foreign_forces"),
    (
        "FAMa soldiers accompanied by Russian instructors killed 5 herders near Mopti.",
        "foreign_forces",
    ),
    ("Africa Corps troops looted the market in Ménaka.", "foreign_forces"),
    (
        "Les militaires maliens et leurs partenaires russes ont exécuté des bergers.",
        "foreign_forces",
    ),
    ("Soldiers and their Russian allies burned the weekly market.", "foreign_forces"),
    ("Les hommes de Wagner ont violé des femmes à Niono.", "foreign_forces"),
    ("مرتزقة فاغنر قتلوا مدنيين قرب تمبكتو", "foreign_forces"),
    ("MINUSMA peacekeepers shot a motorcyclist in Gao.", "foreign_forces"),
    ("Barkhane soldiers arrested two men near Ménaka.", "foreign_forces"),
    ("EUTM trainers were accused of abusing a girl.", "foreign_forces"),
    ("UN peacekeepers sexually exploited women near the base in Bangui.", "foreign_forces"),
    ("Los cascos azules dispararon contra manifestantes.", "foreign_forces"),
    ("Os capacetes azuis abusaram de uma menina.", "foreign_forces"),
    ("Walinda amani walimbaka msichana.", "foreign_forces"),
    ("Rwandan troops burned houses in Mocímboa da Praia.", "foreign_forces"),
    ("Les FAMa et les Russes ont tué des civils à Diafarabé.", "foreign_forces"),
    ("Wagner and FAMa soldiers killed civilians in a village.", "foreign_forces"),
    ("les mercenaires russes ont tué des bergers", "foreign_forces"),
    ("Russian mercenaries executed herders near Hombori.", "foreign_forces"),
    ("French troops carried out an airstrike on a wedding.", "foreign_forces"),
    ("Turkish drones struck a house in Sinjar.", "foreign_forces"),
    ("Saudi-led coalition airstrikes hit a market in Saada.", "foreign_forces"),
    ("Israeli forces demolished houses in Hebron.", "foreign_forces"),
    ("Kenyan troops killed civilians in Gedo region.", "foreign_forces"),
    ("Burundian troops beat civilians in Uvira.", "foreign_forces"),
    ("AMISOM soldiers shot dead two civilians in Marka.", "foreign_forces"),
    ("SAMIM troops burned bodies in Cabo Delgado.", "foreign_forces"),
    # rebel and jihadist groups by name or kind, also when generic troops are theirs
    ("Suspected JNIM militants abducted five civilians near Djibo.", "armed_group"),
    ("Ansar ul Islam militants burned a school in Soum.", "armed_group"),
    ("Des jihadistes ont incendié l'école du village.", "armed_group"),
    ("ISWAP fighters killed ten farmers near Maiduguri.", "armed_group"),
    ("Al-Shabaab militants executed two men in Lower Shabelle.", "armed_group"),
    ("ADF rebels killed 20 civilians in Beni territory.", "armed_group"),
    ("M23 rebels looted shops in Rutshuru.", "armed_group"),
    ("Armed men belonging to JNIM abducted two teachers near Djibo.", "armed_group"),
    ("Gunmen suspected to be ISGS militants killed four civilians.", "armed_group"),
    ("مسلحو داعش أعدموا ثلاثة مدنيين", "armed_group"),
    ("اغتصب جنود الدعم السريع نساء في الجنينة", "armed_group"),
    ("Los rebeldes secuestraron a dos maestros.", "armed_group"),
    ("Os insurgentes queimaram a aldeia.", "armed_group"),
    ("Magaidi wa al-Shabaab waliwaua wanakijiji watatu.", "armed_group"),
    ("Jama'at Nusrat al-Islam wal-Muslimin fighters abducted a village chief.", "armed_group"),
    ("Al-Shabaab militants attacked a bus and killed passengers.", "armed_group"),
    ("Boko Haram insurgents abducted girls from a school.", "armed_group"),
    ("les terroristes ont enlevé trois femmes", "armed_group"),
    ("Islamic State Sahel fighters burned a village near Ménaka.", "armed_group"),
    ("Taliban fighters killed two civilians in Kandahar.", "armed_group"),
    ("Soldiers were ambushed by JNIM militants who then burned the market.", "armed_group"),
    ("JNIM abducted a man suspected of collaborating with the army.", "armed_group"),
    ("Militants killed two men accused of being army informants.", "armed_group"),
    ("Militants killed three VDP members and abducted civilians.", "armed_group"),
    ("ISWAP executed two men accused of spying for the military.", "armed_group"),
    # unidentified armed groups, and texts whose only forces are targets or bystanders
    ("Unidentified gunmen shot dead a trader in Kaya.", "unknown"),
    ("Armed individuals kidnapped the village chief of Djibo.", "unknown"),
    ("On 12 March, unidentified kidnappers seized a trader near Kaya.", "unknown"),
    ("Des hommes armés non identifiés ont enlevé un commerçant.", "unknown"),
    ("مسلحون مجهولون خطفوا رجلين", "unknown"),
    ("Hombres armados desconocidos mataron a un comerciante.", "unknown"),
    ("Homens armados desconhecidos mataram um comerciante.", "unknown"),
    ("Watu wasiojulikana walimuua mfanyabiashara.", "unknown"),
    ("Bandits robbed travellers on the road to Garissa.", "unknown"),
    ("An armed group attacked the village and burned houses.", "unknown"),
    ("mwalimu alinajisi mwanafunzi na polisi hawakufanya kitu", "unknown"),
    ("my sister was raped by a neighbour and we reported it to the police", "unknown"),
    ("هاجم مسلحون الجيش في تدمر", "unknown"),
    ("A VDP post was attacked near Titao.", "unknown"),
    ("someone shot my husband last night", "unknown"),
    ("Gunmen killed a village chief in Kaya.", "unknown"),
    ("Assailants on motorcycles killed four people near Dori.", "unknown"),
    ("Des individus armés ont pillé le marché.", "unknown"),
    ("A local councillor was killed by unknown assailants.", "unknown"),
    ("Unidentified armed men abducted a priest.", "unknown"),
    ("mtu alimpiga risasi mume wangu", "unknown"),
    ("Kidnappers seized a businessman in Kaduna.", "unknown"),
    ("Soldiers were attacked by gunmen near Djibo.", "unknown"),
    ("Gunmen probably killed two soldiers near the camp.", "unknown"),
    ("A group of armed men looted the shops.", "unknown"),
    ("Two Fulani were killed near Djibo.", "unknown"),
]

# Reports as people send them, naming several forces: the one that acted is read, not the one
# told of it, arriving later or accused
SEVERAL_NAMED = [
    ("قتل مسلحون مجهولون جنديين قرب الحاجز", "unknown"),
    ("قصف الجيش السوق وقتل خمسة مدنيين", "army"),
    ("اعتقلت قوات الأمن ناشطين أثناء المظاهرة", "police"),
    ("هاجمت ميليشيا قبلية قرية واحرقت المنازل", "militia"),
    ("خطف عناصر داعش ثلاثة رعاة", "armed_group"),
    ("قتل جنود فاغنر رعاة قرب الحدود", "foreign_forces"),
    ("ابلغنا الشرطة لكنهم لم يفعلوا شيئا بعد ان خطف مسلحون ابني", "unknown"),
    ("soldados del ejército golpearon a mi hermano en el retén", "army"),
    ("denunciamos ante la policía que unos hombres armados se llevaron a mi padre", "unknown"),
    (
        "os terroristas atacaram a aldeia e mataram dois homens depois de os militares saírem",
        "armed_group",
    ),
    ("o meu filho foi preso pela polícia sem motivo", "police"),
    ("tulienda kwa polisi lakini watu wasiojulikana walikuwa wamemteka kaka yangu", "unknown"),
    ("wanamgambo wa jamii walichoma nyumba zetu", "militia"),
    ("wanajeshi walimpiga mwalimu kwa sababu ya simu", "army"),
    ("al-Shabaab walishambulia basi na kuua abiria", "armed_group"),
    (
        "nous sommes allés à la gendarmerie mais ce sont les policiers qui ont frappé mon frère",
        "police",
    ),
    ("des hommes armés ont attaqué le car, les gendarmes sont arrivés après", "unknown"),
    ("les VDP ont arrêté mon oncle et l'ont battu", "militia"),
    ("les Russes et les FAMa ont brûlé notre village", "foreign_forces"),
    ("les FAMa ont arrêté des jeunes accusés d'être des jihadistes", "army"),
    ("A suspected thief was lynched in Parakou.", "militia"),
    ("Un présumé voleur a été victime de la vindicte populaire à Natitingou.", "militia"),
    # militias by name: cattle-camp, separatist, clan, pro-junta, pro-government, levies
    ("White Army youths raided a cattle camp and killed four herders near Akobo.", "militia"),
    ("Gelweng members shot two men at a cattle camp in Rumbek.", "militia"),
    ("Mombasa Republican Council members attacked a police post in Kwale.", "militia"),
    ("Pyu Saw Htee members burned houses in the village.", "militia"),
    ("Macawisley fighters abducted two traders in Hiraan.", "militia"),
    ("Al-Kaniyat gunmen executed detainees in Tarhuna.", "militia"),
    ("قوات العشائر اعتقلت ثلاثة شبان في القرية", "militia"),
    ("los paramilitares amenazaron a los líderes sociales de la vereda", "militia"),
]


@pytest.mark.parametrize(("text", "expected"), CASES + SEVERAL_NAMED)
async def test_reads_the_perpetrator_as_analysts_code_it(
    nlu: Nlu, text: str, expected: str
) -> None:
    analysis = await nlu.analyze(text)
    assert (analysis.perpetrator or "unknown") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Malian soldiers and Wagner mercenaries executed 20 civilians in Moura.",
        "Les FAMa et les Russes ont tué des civils à Diafarabé.",
        "MINUSMA peacekeepers shot a motorcyclist in Gao.",
        "Walinda amani walimbaka msichana.",
    ],
)
async def test_a_foreign_force_read_is_a_confidential_route(nlu: Nlu, text: str) -> None:
    assert (await nlu.analyze(text)).confidential


def test_every_perpetrator_type_is_covered() -> None:
    assert {expected for _, expected in CASES} == {
        "army", "police", "gendarmerie", "militia", "private_security", "foreign_forces",
        "armed_group", "unknown",
    }  # fmt: skip
