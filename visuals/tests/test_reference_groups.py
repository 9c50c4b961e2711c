"""The reference groups read from the shipped data files are the ones Lattice read from the
packages themselves before (reference_groups.json records them, with where they came from)."""

import html
import json
from pathlib import Path

import pytest

from institutions import reference
from tests.factories import make_institution, make_membership, make_network
from visuals import coverage

BEFORE = json.loads((Path(__file__).parent / "reference_groups.json").read_text("utf-8"))


def test_every_group_has_the_members_it_had_when_read_from_the_packages():
    now = {group: [c.code for c in coverage.group_members(group)] for group in coverage.GROUPS}
    assert now == BEFORE["groups"]


def test_every_un_member_state_keeps_its_name_and_region():
    now = {c.code: [c.name, c.region] for c in coverage.group_members("un")}
    assert now == BEFORE["countries"]


@pytest.mark.django_db
def test_the_page_and_the_api_name_the_packages_and_versions_the_files_come_from(client):
    versions = reference.source_versions()
    network = make_network(slug="courts")
    make_membership(network=network, member_institution=make_institution())
    named = [
        f"generated from country_converter {versions['country_converter']} ",
        f"in hdx-python-country {versions['hdx-python-country']} ",
    ]
    page = html.unescape(client.get(network.get_absolute_url()).content.decode())
    assert all(text in page for text in named)
    schema = client.get("/api/v1/schema/?format=json").json()
    description = schema["paths"]["/api/v1/networks/{slug}/coverage/"]["get"]["description"]
    assert all(text in description for text in named)
