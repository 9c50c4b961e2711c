"""The shipped reference tables: intact, described, and the loader's region lookup."""

import hashlib

import pytest

from institutions import reference


def test_each_shipped_table_is_the_file_its_provenance_describes():
    provenance = reference.provenance()
    assert set(provenance) == {reference.COUNTRIES_FILE, reference.INCOME_FILE}
    for name, entry in provenance.items():
        content = (reference.DATA_DIR / name).read_bytes()
        # A hand edit shows here: regenerate with manage.py build_reference_data instead.
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], name
        assert entry["package"] and entry["version"] and entry["generated"]
    assert reference.source_versions().keys() == {"country_converter", "hdx-python-country"}


def test_the_tables_have_the_columns_the_readers_use():
    (country, *_) = reference.read(reference.COUNTRIES_FILE)
    assert tuple(country) == reference.COUNTRY_COLUMNS
    (income, *_) = reference.read(reference.INCOME_FILE)
    assert tuple(income) == reference.INCOME_COLUMNS


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DE", ("europe", "western_europe")),
        ("de", ("europe", "western_europe")),
        ("NA", ("africa", "sub_saharan_africa")),  # Namibia, not a missing value
        ("GB", ("europe", "northern_europe")),
        ("BR", ("americas", "latin_america_caribbean")),
        ("EU", ("europe", "")),
        ("XK", ("europe", "southern_europe")),
        ("SU", ("", "")),  # obsolete: country_converter leaves it out too
        ("AQ", ("", "")),  # Antarctica: no M49 region
        ("ZZ", ("", "")),
    ],
)
def test_m49_region_of_a_code(code, expected):
    assert reference.m49_region(code) == expected
