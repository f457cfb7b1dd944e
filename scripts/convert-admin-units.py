#!/usr/bin/env python3
"""Converts the administrative units of the `vietnam-provinces` package into hoso's bundled CSV files.

Usage: scripts/convert-admin-units.py PATH/TO/nested-divisions.json [OUTPUT_DIR]

Reads the package's `vietnam_provinces/data/nested-divisions.json` (34 provinces, each with its `wards`)
and writes `provinces.csv` (code,name,kind) and `communes.csv` (code,name,kind,province_code) into
OUTPUT_DIR (default: core/data/admin_units of this checkout), sorted by code, so that a rerun on the same
input gives the same bytes. Names are kept as published, without their type prefix ("Phường Tân Hiệp" is
written "Tân Hiệp"), in Unicode NFC with runs of spaces collapsed. Python 3.11, standard library only.
The source and its version are recorded by hand in core/data/admin_units/README.md.
"""

import csv
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

# The package's division types, their name prefix, and the kind hoso stores.
PROVINCE_KINDS = {"tỉnh": ("Tỉnh", "tinh"), "thành phố trung ương": ("Thành phố", "thanh_pho")}
COMMUNE_KINDS = {
    "xã": ("Xã", "xa"),
    "phường": ("Phường", "phuong"),
    "đặc khu": ("Đặc khu", "dac_khu"),
}


def clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def official_name(full_name: str, prefix: str) -> str:
    """The unit's name without its type prefix, which the kind column already says."""
    name = clean(full_name)
    if name.casefold().startswith(prefix.casefold() + " "):
        name = name[len(prefix) + 1 :]
    if not name:
        raise ValueError(f"empty name in {full_name!r}")
    return name


def kind_of(division_type: str, kinds: dict[str, tuple[str, str]], code: str) -> tuple[str, str]:
    try:
        return kinds[clean(division_type).casefold()]
    except KeyError:
        raise ValueError(f"unit {code}: unknown division type {division_type!r}") from None


def convert(divisions: list[dict]) -> tuple[list[list[str]], list[list[str]]]:
    provinces: dict[str, list[str]] = {}
    communes: dict[str, list[str]] = {}
    for province in divisions:
        code = f"{int(province['code']):02d}"
        prefix, kind = kind_of(province["division_type"], PROVINCE_KINDS, code)
        if code in provinces:
            raise ValueError(f"duplicate province code {code}")
        provinces[code] = [code, official_name(province["name"], prefix), kind]
        for ward in province["wards"]:
            ward_code = f"{int(ward['code']):05d}"
            prefix, kind = kind_of(ward["division_type"], COMMUNE_KINDS, ward_code)
            if ward_code in communes:
                raise ValueError(f"duplicate commune code {ward_code}")
            communes[ward_code] = [ward_code, official_name(ward["name"], prefix), kind, code]
    if any(len(code) != 2 for code in provinces) or any(len(code) != 5 for code in communes):
        raise ValueError("a code does not fit its width (2 digits per province, 5 per commune)")
    return [provinces[c] for c in sorted(provinces)], [communes[c] for c in sorted(communes)]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        writer.writerows(rows)


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    source = Path(sys.argv[1])
    default_output = Path(__file__).resolve().parent.parent / "core" / "data" / "admin_units"
    output = Path(sys.argv[2]) if len(sys.argv) == 3 else default_output
    provinces, communes = convert(json.loads(source.read_text(encoding="utf-8")))
    write_csv(output / "provinces.csv", ["code", "name", "kind"], provinces)
    write_csv(output / "communes.csv", ["code", "name", "kind", "province_code"], communes)
    for name, rows in (("provinces", provinces), ("communes", communes)):
        by_kind = ", ".join(f"{n} {kind}" for kind, n in sorted(Counter(r[2] for r in rows).items()))
        print(f"{len(rows)} {name} ({by_kind}) written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
