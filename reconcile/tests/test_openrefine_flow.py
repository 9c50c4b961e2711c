"""The OpenRefine flow over the real dataset in data/: reconcile a list of 50 agency names
as a researcher's spreadsheet spells them (typos, missing accents, other case, acronyms,
names in other languages), then add "member of the Basel Committee on 2010-01-01".

The names are real names from data/, altered by hand as noted; the expected ids are the
records data/ gives them. Accuracy and time per 100 names are printed (pytest -s) and
checked against a floor.
"""

import datetime
import json
import time

import pytest

from tests.shared_rows import shared_rows

from .schemas import validate

# Loading data/ takes about 13 seconds (once a run: tests/real_dataset.py).
pytestmark = pytest.mark.slow

# (cell as typed, expected id, query properties as OpenRefine sends them from other columns)
NAMES: list[tuple[str, str, list[dict]]] = [
    ("Deutsche Bundesbank", "de-bundesbank", []),
    ("DEUTSCHE BUNDESBANK", "de-bundesbank", []),  # case
    ("BaFin", "de-bafin", []),  # acronym
    ("Bundesanstalt fur Finanzdienstleistungsaufsicht", "de-bafin", []),  # German name, no umlaut
    ("SEC", "us-sec", [{"pid": "jurisdiction", "v": "US"}]),  # acronym of several; country column
    (
        "Securities and Exchange Comission",
        "us-sec",
        [{"pid": "jurisdiction", "v": "United States"}],
    ),
    ("Banque de France", "fr-bdf", []),
    ("Banco de Espana", "es-bde", []),  # missing accent
    ("Bank of Englnd", "gb-boe", []),  # typo
    ("bank of japan", "jp-boj", []),
    ("日本銀行", "jp-boj", []),  # Japanese name
    ("Banca d'Italia", "it-bdi", []),  # Italian name
    ("Schweizerische Nationalbank", "ch-snb", []),
    ("FINMA", "ch-finma", []),
    ("Swiss Financial Market Supervisory Authorty", "ch-finma", []),  # typo
    ("Bank Negara Malaysia", "my-bnm", []),
    ("Saudi Arabian Monetary Authority", "sa-sama", []),  # former name
    ("Turkiye Cumhuriyet Merkez Bankasi", "tr-cbrt", []),  # Turkish name, no accents
    ("Central Bank of the Republic of Turkiye", "tr-cbrt", []),
    ("Banco Central do Brasil", "br-bcb", []),
    ("Banco Central de la Republica Argentina", "ar-bcra", []),
    ("Monetary Authority of Singapore", "sg-mas", []),
    ("HKMA", "hk-hkma", []),
    ("Reserve Bank of India", "in-rbi", []),
    ("reserve bank of australia", "au-rba", []),
    ("Banxico", "mx-banxico", []),
    ("De Nederlandsche Bank", "nl-dnb", []),
    ("Eesti Pank", "ee-eestipank", []),
    ("Autoriteit Financiele Markten", "nl-afm", []),  # missing diaeresis
    ("Financial Conduct Authority", "gb-fca", []),
    ("Australian Securities & Investments Commission", "au-asic", []),  # & for and
    ("Finansinspektionen", "se-fi", []),
    ("Bundesverfassungsgericht", "de-bverfg", []),
    ("Consiglio Superiore della Magistratura", "it-csm", []),
    ("Ofcom", "gb-ofcom", []),
    ("Commission for Communications Regulation", "ie-comreg", []),
    ("Autorité de contrôle prudentiel et de résolution", "fr-acpr", []),
    ("Lembaga Penjamin Simpanan", "id-lps", []),
    ("Securities Commision Malaysia", "my-sc", []),  # typo
    ("Supreme Court of Ireland", "ie-supreme-court", []),
    ("Alkotmanybirosag", "hu-ab", []),  # Hungarian name, no accents
    ("Office of Fair Trading", "gb-oft", []),
    ("Hellenic Competition Commision", "gr-hcc", []),  # typo
    ("HANFA", "hr-hanfa", []),
    ("Basel Committee on Banking Supervision", "bcbs", []),  # a network
    ("BCBS", "bcbs", []),
    ("Peoples Bank of China", "cn-pboc", []),  # apostrophe dropped
    ("Bank of Russia", "ru-cbr", []),
    ("Bureau du surintendant des institutions financieres", "ca-osfi", []),  # French, no accent
    ("Financial Intelligence Unit", "tz-fiu", [{"pid": "jurisdiction", "v": "Tanzania"}]),
]

# Known answers for the Basel Committee on 2010-01-01, as data/networks/bcbs.yaml has them.
ON = "2010-01-01"
BCBS_2010 = {
    "de-bundesbank": ("yes", "1974"),  # founding member, since 1974
    "gb-boe": ("yes", "1974"),
    "ar-bcra": ("yes", "2009-06"),  # joined in the 2009 expansion
    "gb-pra": ("no", None),  # member since 2013
    "us-sec": ("no", None),  # not a member
}


@pytest.fixture(scope="class")
def dataset(django_db_setup, django_db_blocker, real_dataset):
    """data/ once for the class (loaded, or copied from the run's first load: see
    tests/real_dataset.py), rolled back after its last test."""
    with shared_rows(django_db_blocker):
        real_dataset.put()
        yield


@pytest.mark.usefixtures("dataset")
class TestOpenRefineFlow:
    def reconcile(self, client, names):
        batch = {
            f"q{i}": {"query": name, **({"properties": props} if props else {})}
            for i, (name, _expected, props) in enumerate(names)
        }
        validate("reconciliation-query-batch", batch)
        response = client.post("/reconcile/", {"queries": json.dumps(batch)})
        assert response.status_code == 200
        results = response.json()
        validate("reconciliation-result-batch", results)
        return [results[f"q{i}"]["result"] for i in range(len(names))]

    def test_fifty_names_reconcile_at_the_top_and_no_wrong_match(self, client, db):
        assert len(NAMES) == 50
        started = time.perf_counter()
        # OpenRefine sends batches of 10.
        results = []
        for start in range(0, len(NAMES), 10):
            results += self.reconcile(client, NAMES[start : start + 10])
        elapsed = time.perf_counter() - started
        right, wrong_matches, misses = 0, [], []
        for (name, expected, _props), candidates in zip(NAMES, results, strict=True):
            top = candidates[0]["id"] if candidates else None
            if top == expected:
                right += 1
            else:
                misses.append((name, expected, top))
            wrong_matches += [
                (name, c["id"]) for c in candidates if c["match"] and c["id"] != expected
            ]
        accuracy = right / len(NAMES)
        per_100 = elapsed / len(NAMES) * 100 * 1000
        # Most of these are unambiguous: OpenRefine can match them without a human.
        matched = sum(1 for candidates in results if candidates and candidates[0]["match"])
        print(
            f"\nreconcile: {accuracy:.0%} right at the top, {matched} of {len(NAMES)} "
            f"matched, {per_100:.0f} ms per 100 names; misses: {misses}"
        )
        assert accuracy >= 0.9, misses
        assert wrong_matches == []
        assert matched >= 30

    def test_member_of_the_basel_committee_on_a_date(self, client, db):
        ids = list(BCBS_2010)
        settings_ = {"network": "bcbs", "date": ON}
        query = {
            "ids": ids,
            "properties": [
                {"id": prop, "settings": settings_}
                for prop in ("member_of", "member_of_role", "member_of_since", "member_of_until")
            ]
            + [{"id": "member_of_source", "settings": settings_}, {"id": "jurisdiction"}],
        }
        validate("data-extension-query", query)
        response = client.post("/reconcile/", {"extend": json.dumps(query)})
        assert response.status_code == 200
        answer = response.json()
        validate("data-extension-response", answer)
        for slug, (member, since) in BCBS_2010.items():
            row = answer["rows"][slug]
            assert row["member_of"] == [{"str": member}], slug
            assert row["member_of_since"] == ([{"str": since}] if since else []), slug
            if member == "yes":
                assert row["member_of_role"] == [{"str": "Member"}]
                assert row["member_of_until"] == []
                assert row["member_of_source"], slug
        assert answer["rows"]["gb-boe"]["jurisdiction"] == [{"id": "GB", "name": "United Kingdom"}]
        # The acronym names the network too.
        by_acronym = client.get(
            "/reconcile/",
            {
                "extend": json.dumps(
                    {
                        "ids": ["gb-pra"],
                        "properties": [
                            {
                                "id": "member_of",
                                "settings": {"network": "BCBS", "date": "2014-01-01"},
                            }
                        ],
                    }
                )
            },
        ).json()
        assert by_acronym["rows"]["gb-pra"]["member_of"] == [{"str": "yes"}]

    def test_the_date_defaults_to_today(self, client, db):
        query = {
            "ids": ["cn-nfra"],
            "properties": [{"id": "member_of", "settings": {"network": "bcbs"}}],
        }
        answer = client.get("/reconcile/", {"extend": json.dumps(query)}).json()
        assert answer["rows"]["cn-nfra"]["member_of"] == [{"str": "yes"}]
        assert datetime.date.today().year >= 2023
