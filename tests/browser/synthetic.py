"""A small SYNTHETIC dataset in the data/ format, for the browser tests and screenshots.

Everything here is made up for tests (names say "synthetic", sources are example.org);
it is written to a temporary folder and loaded with the real loader, so that the browser
tests run whether or not the curated dataset in data/ loads yet.
"""

from pathlib import Path

import yaml

SOURCE = {
    "url": "https://example.org/synthetic/source",
    "title": "Synthetic test source",
    "publisher": "Lattice tests",
    "as_of": "2025-01-01",
}

JURISDICTIONS = [
    {"code": "CH", "name": "Switzerland"},
    {"code": "DE", "name": "Germany"},
    {"code": "FR", "name": "France"},
    {"code": "GB", "name": "United Kingdom"},
    {"code": "JP", "name": "Japan"},
    {"code": "US", "name": "United States"},
    {"code": "BR", "name": "Brazil"},
]

INSTITUTIONS = {
    None: [
        {
            "slug": "synthetic-bis",
            "name": "Synthetic Bank for Settlements",
            "branch": "international_organisation",
            "level": "international",
            "website": "https://example.org/synthetic/bis",
        }
    ],
    "DE": [
        {
            "slug": "de-synthetic-bank",
            "name": "Synthetic Bundesbank",
            "branch": "central_bank",
            "website": "https://example.org/synthetic/de-bank",
            "founded": "1957",
        },
        {
            "slug": "de-synthetic-supervisor",
            "name": "Synthetic Financial Supervisory Authority",
            "acronym": "SFSA",
            "branch": "regulator",
            "website": "https://example.org/synthetic/de-supervisor",
        },
        {
            "slug": "de-synthetic-court",
            "name": "Synthetic Constitutional Court",
            "branch": "judiciary",
            "website": "https://example.org/synthetic/de-court",
        },
    ],
    "FR": [
        {
            "slug": "fr-synthetic-bank",
            "name": "Synthetic Banque de France",
            "branch": "central_bank",
            "website": "https://example.org/synthetic/fr-bank",
        }
    ],
    "GB": [
        {
            "slug": "gb-synthetic-bank",
            "name": "Synthetic Bank of England",
            "branch": "central_bank",
            "website": "https://example.org/synthetic/gb-bank",
        }
    ],
    "JP": [
        {
            "slug": "jp-synthetic-bank",
            "name": "Synthetic Bank of Japan",
            "branch": "central_bank",
            "website": "https://example.org/synthetic/jp-bank",
        }
    ],
    "US": [
        {
            "slug": "us-synthetic-fed",
            "name": "Synthetic Federal Reserve Board",
            "branch": "central_bank",
            "website": "https://example.org/synthetic/us-fed",
        },
        {
            "slug": "us-synthetic-sec",
            "name": "Synthetic Securities Commission",
            "branch": "regulator",
            "website": "https://example.org/synthetic/us-sec",
        },
    ],
    "BR": [
        {
            "slug": "br-synthetic-bank",
            "name": "Synthetic Banco Central",
            "branch": "central_bank",
            "website": "https://example.org/synthetic/br-bank",
        }
    ],
}

NETWORKS = [
    {
        "slug": "bcbs",
        "name": "Basel Committee on Banking Supervision (synthetic)",
        "acronym": "BCBS",
        "website": "https://example.org/synthetic/bcbs",
        "founded": "1974",
        "description": "SYNTHETIC TEST DATA: a banking supervisors' network for the browser tests.",
        "dimension": "horizontal",
        "functions": ["information", "harmonisation"],
        "reach": "global",
        "sector": "finance",
        "issue_area": "banking supervision",
        "origin": "international_organisation",
        "host": "synthetic-bis",
        "decision_rule": "consensus",
        "publishes_meeting_records": False,
        "members": [
            {"institution": "de-synthetic-bank", "role": "member", "start": "1974"},
            {"institution": "fr-synthetic-bank", "role": "member", "start": "1974"},
            {"institution": "gb-synthetic-bank", "role": "member", "start": "1974"},
            {"institution": "us-synthetic-fed", "role": "member", "start": "1974"},
            {"institution": "jp-synthetic-bank", "role": "member", "start": "1986"},
            {"institution": "br-synthetic-bank", "role": "member", "start": "2009-03"},
            {"institution": "de-synthetic-supervisor", "role": "member", "start": "2009-03"},
            {
                "institution": "us-synthetic-sec",
                "role": "observer",
                "start": "1990",
                "end": "2012",
                "end_reason": "withdrawn",
            },
        ],
        "meetings": [
            {
                "slug": "bcbs-synthetic-2024-plenary",
                "title": "Synthetic plenary, October 2024",
                "kind": "plenary",
                "start": "2024-10-08",
                "end": "2024-10-09",
                "city": "Basel",
                "jurisdiction": "CH",
                "host": "synthetic-bis",
                "participants": [
                    {"institution": "de-synthetic-bank", "role": "participant"},
                    {"institution": "us-synthetic-fed", "role": "chair"},
                ],
            },
            {
                "slug": "bcbs-synthetic-2099-plenary",
                "title": "Synthetic plenary, March 2099",
                "kind": "plenary",
                "start": "2099-03-10",
                "end": "2099-03-11",
                "city": "Tokyo",
                "jurisdiction": "JP",
            },
        ],
    },
    {
        "slug": "synthetic-courts",
        "name": "Synthetic Network of Constitutional Courts",
        "description": "SYNTHETIC TEST DATA: a vertical network of judges.",
        "dimension": "vertical",
        "functions": ["information"],
        "reach": "regional",
        "sector": "courts",
        "origin": "spontaneous",
        "members": [{"institution": "de-synthetic-court", "role": "member", "start": "2001"}],
    },
    {
        "slug": "synthetic-enforcement",
        "name": "Synthetic Securities Enforcement Network",
        "acronym": "SSEN",
        "description": "SYNTHETIC TEST DATA: an enforcement network of regulators.",
        "dimension": "horizontal",
        "functions": ["enforcement", "information"],
        "reach": "global",
        "sector": "finance",
        "origin": "executive_agreement",
        "members": [
            {"institution": "us-synthetic-sec", "role": "chair", "start": "2002-05"},
            {"institution": "de-synthetic-supervisor", "role": "member", "start": "2002"},
        ],
    },
]

MEMORANDA = [
    {
        "slug": "synthetic-mmou",
        "title": "Synthetic Multilateral Memorandum of Understanding on Enforcement",
        "short_title": "Synthetic MMoU",
        "kind": "multilateral",
        "network": "synthetic-enforcement",
        "sector": "finance",
        "subject": "enforcement cooperation (synthetic)",
        "signed": "2002-05",
        "signatories": [
            {"institution": "us-synthetic-sec", "signed": "2002", "tier": "Appendix A"},
            {"institution": "de-synthetic-supervisor", "signed": "2003-02", "tier": "Appendix A"},
        ],
    }
]


def write_synthetic_dataset(root: Path) -> Path:
    """Write the synthetic dataset under `root` in the data/README.md format."""
    (root / "institutions").mkdir(parents=True, exist_ok=True)
    (root / "networks").mkdir(exist_ok=True)
    (root / "memoranda").mkdir(exist_ok=True)

    def dump(path: Path, data) -> None:
        path.write_text(
            "# SYNTHETIC TEST DATA (tests/browser/synthetic.py): not a curated record.\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        )

    dump(root / "jurisdictions.yaml", JURISDICTIONS)
    for code, institutions in INSTITUTIONS.items():
        name = code.lower() if code else "international"
        dump(
            root / "institutions" / f"{name}.yaml",
            {"jurisdiction": code, "sources": [SOURCE], "institutions": institutions},
        )
    for network in NETWORKS:
        dump(root / "networks" / f"{network['slug']}.yaml", {**network, "sources": [SOURCE]})
    for memorandum in MEMORANDA:
        dump(root / "memoranda" / f"{memorandum['slug']}.yaml", {**memorandum, "sources": [SOURCE]})
    return root
