"""build_reference_data: the shipped tables are what the pinned packages give, byte for byte,
and the loader's regions from them are country_converter's own answers."""

import datetime
import importlib.util
import json
import shutil
from io import StringIO

import pycountry
import pytest
from django.core.management import CommandError, call_command

from bench.management.commands.build_reference_data import build
from institutions import reference

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(name) for name in ("country_converter", "hdx", "pandas")),
    reason="country_converter, hdx-python-country and pandas are development dependencies "
    "(the reference group of pyproject.toml); `make install` installs them",
)

FILES = (reference.COUNTRIES_FILE, reference.INCOME_FILE, reference.PROVENANCE_FILE)


def run(*args) -> str:
    out = StringIO()
    call_command("build_reference_data", *args, stdout=out)
    return out.getvalue()


def test_the_shipped_files_are_what_the_installed_packages_give():
    # Fails after a package upgrade until the files are regenerated and reviewed.
    assert "0 file(s) would change" in run("--check")


def test_a_rerun_writes_byte_identical_files(tmp_path):
    first = tmp_path / "first"
    run("--output", str(first))
    written = {name: (first / name).read_bytes() for name in FILES}
    for name in FILES[:2]:
        assert written[name] == (reference.DATA_DIR / name).read_bytes()
    assert "0 file(s) changed" in run("--output", str(first))
    assert {name: (first / name).read_bytes() for name in FILES} == written
    # Another day, same packages: still the same bytes, dates included.
    later = build(json.loads(written[reference.PROVENANCE_FILE]), datetime.date(2999, 1, 1))
    assert later == written


def test_a_hand_edited_table_is_restored(tmp_path):
    for name in FILES:
        shutil.copy(reference.DATA_DIR / name, tmp_path / name)
    with open(tmp_path / reference.INCOME_FILE, "a", encoding="utf-8") as file:
        file.write("ZZ,High\n")
    with pytest.raises(CommandError, match=r"income_groups\.csv"):
        run("--check", "--output", str(tmp_path))
    assert "1 file(s) changed" in run("--output", str(tmp_path))
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (reference.DATA_DIR / name).read_bytes()


def test_only_the_date_of_a_table_from_another_package_version_moves():
    shipped = reference.provenance()
    older = {**shipped, reference.INCOME_FILE: {**shipped[reference.INCOME_FILE], "version": "0"}}
    today = datetime.date(2999, 1, 1)
    dates = {
        name: entry["generated"]
        for name, entry in json.loads(build(older, today)[reference.PROVENANCE_FILE]).items()
    }
    assert dates == {
        reference.COUNTRIES_FILE: shipped[reference.COUNTRIES_FILE]["generated"],
        reference.INCOME_FILE: "2999-01-01",
    }


def test_the_loaders_regions_are_country_converters_own_conversion():
    import country_converter

    from institutions.regions import SUBREGION_REGION

    converter = country_converter.CountryConverter()
    codes = sorted({c.alpha_2 for c in pycountry.countries} | {"AN", "SU", "B1"})
    for code in codes:
        name = converter.convert(code, src="ISO2", to="UNregion", not_found=None)
        subregion = reference.M49_SUBREGION.get(name) if isinstance(name, str) else None
        expected = (SUBREGION_REGION[subregion], subregion) if subregion else ("", "")
        if code in reference.M49_EXTRA:
            expected = reference.M49_EXTRA[code]
        assert reference.m49_region(code) == expected, code
