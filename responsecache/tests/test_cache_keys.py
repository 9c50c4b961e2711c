"""Cache keys are bounded: made-up query parameters are answered but never stored (#15 item 9)."""

from urllib.parse import urlsplit

import django_filters
import pytest
import yaml
from django import forms
from django.conf import settings
from django.core.cache import caches
from rest_framework import serializers

from responsecache.cache import invalidate_after_request
from tests.factories import make_network

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.CACHE_RESPONSE_SECONDS = 600


def entries() -> int:
    # The test cache is local memory: its entries are a dict.
    return len(caches["default"]._cache)


@pytest.fixture
def network():
    network = make_network(name="Junk-proof Network")
    invalidate_after_request(sender=None)
    return network


@pytest.mark.parametrize("path", ["/networks/", "/api/v1/networks/"])
def test_made_up_parameters_store_no_entry(client, network, path):
    client.get(path)
    before = entries()
    # Each made-up parameter made one new entry before; twenty show it as well as a hundred.
    for number in range(20):
        response = client.get(path, {f"junk{number}": number})
        assert response.status_code == 200
        assert "Junk-proof Network" in response.content.decode()
    assert entries() == before


def test_a_made_up_parameter_beside_known_ones_stores_no_entry(client, network):
    client.get("/api/v1/networks/", {"page": 1})
    before = entries()
    client.get("/api/v1/networks/", {"page": 1, "utm_source": "newsletter"})
    assert entries() == before


def test_known_parameters_are_cached_in_any_order(client, network):
    first = client.get("/api/v1/networks/?sector=finance&page=1")
    second = client.get("/api/v1/networks/?page=1&sector=finance")
    assert first.status_code == 200
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert client.get("/networks/?sector=finance").status_code == 200
    assert client.get("/networks/?sector=finance")["X-Cache"] == "hit"


def test_different_values_are_different_entries(client, network):
    client.get("/api/v1/networks/?sector=finance")
    response = client.get("/api/v1/networks/?sector=health")
    assert "X-Cache" not in response


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_parameter_a_public_view_reads_is_cacheable():
    """CACHE_RESPONSE_PARAMETERS keeps up with the FilterSets, forms and query serializers."""
    import api.pagination
    import api.visual
    import web.views
    import web.visuals  # noqa: F401  (their forms must be defined to be found)

    read = set()
    for filterset in _subclasses(django_filters.FilterSet):
        if filterset.__module__.split(".")[0] in {"sources", "institutions", "networks"}:
            read |= set(filterset.base_filters)
    for form in _subclasses(forms.Form):
        if form.__module__.startswith("web."):
            read |= set(form.base_fields)
    for query in _subclasses(serializers.Serializer):
        if query.__module__ == "api.visual" and query.__name__.endswith("Query"):
            read |= set(query().fields)
    paginator = api.pagination.BoundedPageNumberPagination
    read |= {paginator.page_query_param, paginator.page_size_query_param}
    # `format` picks the API's renderer; `p` pages the sitemap.
    read |= {"format", "p"}
    assert read - settings.CACHE_RESPONSE_PARAMETERS == set()


def test_compose_bounds_the_cache_and_keeps_it_apart_from_the_broker():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    environment = compose["x-lattice-env"]
    cache_host = urlsplit(environment["CACHE_URL"]).hostname
    broker_host = urlsplit(environment["CELERY_BROKER_URL"]).hostname
    # Eviction is per Redis instance: the cache needs one of its own.
    assert cache_host != broker_host
    cache_command = services[cache_host]["command"]
    assert "--maxmemory" in cache_command
    assert cache_command[cache_command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    broker_command = services[broker_host]["command"]
    assert broker_command[broker_command.index("--maxmemory-policy") + 1] == "noeviction"
