"""One rule for published addresses (http or https), read the same by forms, the admin,
the loader and the list imports."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from sources.forms import HttpURLField
from sources.models import Source, validate_http_url

GOOD = ["https://www.bis.org/bcbs/membership.htm", "http://example.org/list.csv"]
BAD = ["ftp://example.org/list.csv", "javascript:alert(1)", "www.bis.org", "https://", "bis"]


@pytest.mark.parametrize("url", GOOD)
def test_a_full_http_or_https_address_passes(url):
    validate_http_url(url)


@pytest.mark.parametrize("url", BAD)
def test_anything_else_is_refused_with_one_message(url):
    with pytest.raises(ValidationError) as refused:
        validate_http_url(url)
    assert refused.value.messages == ["Enter a full http:// or https:// address."]


def test_the_form_field_reads_a_bare_host_as_https_and_refuses_other_schemes():
    field = HttpURLField()
    assert field.clean("www.bis.org/bcbs") == "https://www.bis.org/bcbs"
    with pytest.raises(ValidationError) as refused:
        field.clean("ftp://example.org/list.csv")
    assert refused.value.messages == ["Enter a full http:// or https:// address."]


@pytest.mark.django_db
def test_the_admin_refuses_an_ftp_address_before_the_database_would(client):
    client.force_login(User.objects.create_superuser("admin", password="a-long-test-password"))
    response = client.post(
        reverse("admin:sources_source_add"),
        {"url": "ftp://example.org/list.csv", "accessed_on": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "Enter a full http:// or https:// address." in response.content.decode()
    assert not Source.objects.exists()
