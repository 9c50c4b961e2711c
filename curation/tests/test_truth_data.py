"""The committed data of issue #14, read as files (no database): every succession the
research lists is loader input, every research statement of completeness is in its
network's file, and the audit baseline names every class."""

import json
from pathlib import Path

import yaml
from django.conf import settings

from curation.audit import CLASSES

DATA = Path(settings.BASE_DIR) / "data"


def read(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def test_every_succession_the_research_lists_is_in_lineage_yaml():
    research = read("research/lineage.yaml")
    lineage = read("lineage.yaml")
    for group in ("institutions", "networks"):
        for entry in research[group]:
            origin = entry["from"] if isinstance(entry["from"], str) else entry["from"]["slug"]
            assert any(
                loaded["to"] == entry["to"]
                and loaded["kind"] == entry["kind"]
                # The predecessor by its slug, or a renaming kept within one record.
                and (loaded.get("from") == origin or "former_name" in loaded)
                for loaded in lineage[group]
            ), entry


def test_every_research_statement_with_an_official_total_is_in_its_network_file():
    research = read("research/completeness.yaml")["networks"]
    for entry in research:
        network = read(f"networks/{entry['network']}.yaml")
        statement = network.get("completeness")
        if entry["status"] in ("complete", "partial") and entry["source"]["as_of"]:
            assert statement, entry["network"]
            if entry["status"] == "partial":
                assert statement["status"] == "partial", entry["network"]
        if entry["status"] == "count_matches":
            # Complete only where the names were matched; otherwise unknown with its total.
            assert statement["status"] in ("complete", "unknown"), entry["network"]


def test_the_audit_baseline_names_every_class():
    baseline = json.loads((DATA / "audit-baseline.json").read_text(encoding="utf-8"))
    assert set(baseline["counts"]) == set(CLASSES)
    # No fact is later than its sources: the loader refuses it, so the audit finds none.
    assert baseline["counts"]["date_after_source"] == 0
