"""The API's shortcuts give exactly what the long way gives.

Links built from a template, detail views and plain lists without a FilterSet,
serializers with fields built once and columns read directly, references shared within
a response, and JSON encoded by orjson: each against DRF's or Django's own result.
"""

import datetime
import decimal
import json

import django_filters
import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse, set_script_prefix
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework import serializers as drf_serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIClient

from api import serializers
from api.renderers import LatticeJSONRenderer
from api.urls import router
from tests.factories import (
    make_institution,
    make_jurisdiction,
    make_meeting,
    make_membership,
    make_memorandum,
    make_network,
    make_signatory,
    make_source,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def drf_request(path: str = "/api/v1/", **extra) -> Request:
    return Request(RequestFactory().get(path, **extra))


@pytest.fixture
def directory():
    """One record of every kind, linked to each other (test data only)."""
    network = make_network(name="Basel Test Committee", slug="btc")
    bank = make_institution(name="Test Bundesbank", slug="de-test-bank")
    child = make_institution(name="Test Supervisor", slug="de-test-sup", parent=bank)
    child.other_names.create(name="Testaufsicht")
    child.identifiers.create(scheme="wikidata", identifier="Q1234")
    make_membership(network=network, member_institution=bank, start_date=datetime.date(2000, 1, 1))
    make_membership(network=network, member_institution=child)
    make_membership(network=network, member_network=make_network(slug="sub"))
    memorandum = make_memorandum(slug="btc-mou", network=network)
    make_signatory(memorandum=memorandum, institution=bank)
    meeting = make_meeting(slug="btc-2024", network=network, host=bank)
    meeting.participants.create(institution=child)
    meeting.outcome_documents.create(title="Communiqué", url="https://example.org/c")
    return network


class TestLinks:
    @pytest.mark.parametrize(
        ("list_url", "view_name", "lookup"),
        [
            ("/api/v1/jurisdictions/", "institutions:jurisdiction-detail", "slug"),
            ("/api/v1/institutions/", "institutions:institution-detail", "slug"),
            ("/api/v1/networks/", "networks:network-detail", "slug"),
            ("/api/v1/memoranda/", "networks:memorandum-detail", "slug"),
            ("/api/v1/meetings/", "networks:meeting-detail", "slug"),
        ],
    )
    def test_html_url_is_the_records_own_page(self, api, directory, list_url, view_name, lookup):
        rows = api.get(list_url).json()["results"]
        assert rows
        for row in rows:
            path = reverse(view_name, kwargs={lookup: row[lookup]})
            assert row["html_url"] == f"http://testserver{path}"

    @override_settings(ALLOWED_HOSTS=["api.example.org"])
    def test_links_are_what_reverse_and_build_absolute_uri_give(self, directory):
        request = drf_request(HTTP_HOST="api.example.org:8443", secure=True)
        network = directory
        field = serializers.LinkField("api:network-members")
        field.bind("members_url", serializers.NetworkSerializer(context={"request": request}))
        expected = request.build_absolute_uri(reverse("api:network-members", args=["btc"]))
        assert field.to_representation(network) == expected
        assert expected == "https://api.example.org:8443/api/v1/networks/btc/members/"

    def test_a_value_that_needs_quoting_goes_through_reverse(self):
        request = drf_request()
        field = serializers.LinkField("api:institution-detail")
        field.bind("url", serializers.InstitutionRefSerializer(context={"request": request}))

        class Odd:
            slug = "ä b"

        path = reverse("api:institution-detail", kwargs={"slug": "ä b"})
        assert path == "/api/v1/institutions/%C3%A4%20b/"
        assert field.to_representation(Odd()) == request.build_absolute_uri(path)

    def test_ids_and_script_prefixes_are_kept(self, directory):
        source = make_source()
        set_script_prefix("/lattice/")
        try:
            request = drf_request()
            data = serializers.SourceSerializer(source, context={"request": request}).data
        finally:
            set_script_prefix("/")
        assert data["url"] == f"http://testserver/lattice/api/v1/sources/{source.pk}/"

    def test_without_a_request_links_are_paths(self, directory):
        data = serializers.NetworkRefSerializer(directory).data
        assert data["url"] == "/api/v1/networks/btc/"
        assert data["html_url"] == "/networks/btc/"


class TestNoFilterSetWhereItChangesNothing:
    @pytest.fixture
    def filtersets_built(self, monkeypatch):
        built = []
        original = django_filters.FilterSet.__init__

        def counting(filterset, *args, **kwargs):
            built.append(type(filterset).__name__)
            original(filterset, *args, **kwargs)

        monkeypatch.setattr(django_filters.FilterSet, "__init__", counting)
        return built

    def test_a_detail_builds_none_and_ignores_list_filters(self, api, directory, filtersets_built):
        response = api.get("/api/v1/institutions/de-test-bank/?branch=judiciary&nonsense=1")
        assert response.status_code == 200
        assert response.json()["slug"] == "de-test-bank"
        assert filtersets_built == []

    def test_a_network_detail_still_reads_as_of_strictly(self, api, directory):
        past = api.get("/api/v1/networks/btc/?as_of=1990-01-01")
        assert past.status_code == 200
        assert past.json()["member_count"] == 2
        assert api.get("/api/v1/networks/btc/").json()["member_count"] == 3
        for bad in ("2010-13-45", "yesterday", ""):
            response = api.get(f"/api/v1/networks/btc/?as_of={bad}")
            assert response.status_code == 400, bad
            assert "as_of" in response.json()["error"]["fields"]

    def test_a_list_naming_no_filter_builds_none(self, api, directory, filtersets_built):
        assert api.get("/api/v1/networks/btc/members/?page_size=2&page=2").status_code == 200
        assert api.get("/api/v1/institutions/?format=csv").status_code == 200
        assert filtersets_built == []
        assert api.get("/api/v1/institutions/?branch=regulator").status_code == 200
        assert filtersets_built == ["InstitutionFilterSet"]

    @pytest.mark.parametrize(
        "prefix", sorted({prefix for prefix, _viewset, _name in router.registry})
    )
    def test_an_empty_filterset_leaves_every_queryset_as_it_is(self, prefix):
        """What lets StrictFilterBackend skip the FilterSet when no filter is named."""
        viewset = next(v for p, v, _name in router.registry if p == prefix)
        view = viewset(action="list", request=drf_request(), format_kwarg=None, kwargs={})
        queryset = view.get_queryset()
        filterset = view.filterset_class({"page": "2", "format": "json"}, queryset=queryset)
        assert filterset.is_valid()
        assert str(filterset.qs.query) == str(queryset.query)


class TestSerializers:
    @pytest.mark.parametrize(
        "prefix", sorted({prefix for prefix, _viewset, _name in router.registry})
    )
    def test_output_is_drfs_own(self, directory, prefix):
        """Our loop over the fields against DRF's Serializer.to_representation."""
        make_jurisdiction(code="FR", slug="france")
        viewset = next(v for p, v, _name in router.registry if p == prefix)
        request = drf_request()
        view = viewset(action="list", request=request, format_kwarg=None, kwargs={})
        rows = list(view.get_queryset())
        if prefix == "memoranda":
            rows += list(rows[0].signatories.all())
        assert rows
        for row in rows:
            serializer_class = (
                serializers.SignatorySerializer
                if type(row).__name__ == "Signatory"
                else view.get_serializer_class()
            )
            ours = serializer_class(row, context={"request": request}).data
            theirs = serializer_class(row, context={"request": request})
            assert ours == drf_serializers.Serializer.to_representation(theirs, row)

    def test_an_institutions_parent_is_its_slug(self, api, directory):
        assert api.get("/api/v1/institutions/de-test-sup/").json()["parent"] == "de-test-bank"
        rows = api.get("/api/v1/institutions/?ordering=name").json()["results"]
        assert [(row["slug"], row["parent"]) for row in rows] == [
            ("de-test-bank", None),
            ("de-test-sup", "de-test-bank"),
        ]

    def test_fields_are_built_from_the_model_once(self, monkeypatch):
        assert serializers.JurisdictionSerializer().fields  # built, if no test did yet
        calls = []
        original = drf_serializers.ModelSerializer.get_fields
        monkeypatch.setattr(
            drf_serializers.ModelSerializer,
            "get_fields",
            lambda serializer: calls.append(1) or original(serializer),
        )
        first = serializers.JurisdictionSerializer().fields
        second = serializers.JurisdictionSerializer().fields
        assert calls == []
        assert list(first) == list(second)
        assert first["url"] is not second["url"]  # each serializer binds its own copies

    def test_a_reference_shared_by_many_rows_is_built_once(self, directory, monkeypatch):
        built = []
        original = drf_serializers.ModelSerializer.to_representation
        monkeypatch.setattr(
            serializers.LatticeModelSerializer,
            "to_representation",
            lambda serializer, instance: (
                built.append(type(serializer).__name__) or original(serializer, instance)
            ),
        )
        rows = list(directory.memberships.all())
        data = serializers.MembershipSerializer(
            rows, many=True, context={"request": drf_request()}
        ).data
        assert [row["network"]["slug"] for row in data] == ["btc", "btc", "btc"]
        assert built.count("NetworkRefSerializer") == 2  # btc, and sub as a member
        assert built.count("MembershipSerializer") == 3


class TestJSON:
    def render(self, renderer, data, accept=None):
        return renderer.render(data, accept, {})

    @pytest.mark.parametrize(
        "data",
        [
            {"a": 1, "b": [True, None, 1.5, "x"], "c": {"nested": "é ü 中文"}},
            {"when": timezone.make_aware(datetime.datetime(2024, 5, 1, 12, 30, 15, 123456))},
            {"day": datetime.date(2024, 5, 1), "time": datetime.time(9, 30)},
            {"lazy": gettext_lazy("Search"), "decimal": decimal.Decimal("1.25")},
            {"separators": "line\u2028para\u2029end", "control": "tab\tnew\nline\x01"},
            {"big": 2**70, 1: "an integer key"},
            [],
            "",
        ],
    )
    def test_bytes_are_drfs_own(self, data):
        assert self.render(LatticeJSONRenderer(), data) == self.render(JSONRenderer(), data)

    def test_an_indent_asked_for_is_honoured(self):
        data = {"a": [1, 2]}
        accept = "application/json; indent=4"
        rendered = self.render(LatticeJSONRenderer(), data, accept)
        assert rendered == self.render(JSONRenderer(), data, accept)
        assert b'\n    "a"' in rendered

    def test_nothing_renders_as_nothing(self):
        assert self.render(LatticeJSONRenderer(), None) == b""

    @override_settings(LANGUAGE_CODE="en")
    def test_api_responses_and_errors_use_it(self, api, directory):
        response = api.get("/api/v1/networks/btc/")
        assert isinstance(response.accepted_renderer, LatticeJSONRenderer)
        assert json.loads(response.content)["slug"] == "btc"
        error = api.get("/api/v1/networks/?as_of=soon")
        assert error.status_code == 400
        assert isinstance(error.accepted_renderer, LatticeJSONRenderer)
        assert "as_of" in error.json()["error"]["fields"]
