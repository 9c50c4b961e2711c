"""`{% link_check url %}`: the mark beside a published link, from one query per page."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from links import services
from links.models import ErrorKind, Link
from links.services.checker import CheckOutcome

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(datetime.datetime(2025, 3, 14, 9, 30))
OK = CheckOutcome(url="", ok=True, status_code=200)
DOWN = CheckOutcome(url="", error_kind=ErrorKind.TIMEOUT, error_message="timed out")


def render(source: str, **context) -> str:
    return Template("{% load link_checks %}" + source).render(Context(context)).strip()


def link(url: str, *outcomes: CheckOutcome) -> Link:
    obj = Link.objects.create(url=url)
    for n, outcome in enumerate(outcomes):
        services.record_check(obj.pk, outcome, at=AT + datetime.timedelta(days=n))
    return Link.objects.get(pk=obj.pk)


def test_a_working_link_has_no_mark():
    # Only a broken link is marked (#18): "link checked on" beside every link was clutter.
    ok = link("https://ok.example/", OK)
    assert render("{% link_check url %}", url=ok.url, link_checks={ok.url: ok}) == ""


def test_a_broken_link_says_since_when_it_is_unreachable(settings):
    settings.LINK_CHECK_BROKEN_AFTER = 2
    broken = link("https://broken.example/", OK, DOWN, DOWN)
    html = render("{% link_check url %}", url=broken.url, link_checks={broken.url: broken})
    assert "unreachable since" in html
    assert 'datetime="2025-03-15T09:30:00+00:00"' in html  # the first failure
    assert "link-check-broken" in html


def test_a_link_failing_but_not_yet_broken_has_no_mark_yet(settings):
    # The checker tries it again before calling it broken; the admin shows its failures.
    settings.LINK_CHECK_BROKEN_AFTER = 3
    failing = link("https://failing.example/", OK, DOWN)
    assert render("{% link_check url %}", url=failing.url, link_checks={failing.url: failing}) == ""
    never_worked = link("https://never-worked.example/", DOWN)
    html = render(
        "{% link_check url checks %}", url=never_worked.url, checks={never_worked.url: never_worked}
    )
    assert html == ""
    # The same link, once broken, is marked.
    failing = link("https://failing-twice.example/", OK, DOWN, DOWN, DOWN)
    html = render("{% link_check url %}", url=failing.url, link_checks={failing.url: failing})
    assert "unreachable since" in html and "link-check-broken" in html


def test_an_unknown_or_unchecked_link_has_no_mark():
    unchecked = link("https://unchecked.example/")
    assert (
        render("{% link_check url %}", url=unchecked.url, link_checks={unchecked.url: unchecked})
        == ""
    )
    assert render("{% link_check 'https://unknown.example/' %}", link_checks={}) == ""
    assert "not yet checked" not in render(
        "{% link_check 'https://unknown.example/' %}", link_checks={}
    )


def test_no_url_or_no_map_no_mark():
    assert render("{% link_check '' %}", link_checks={}) == ""
    # A view that built no map gets no marks, not "not yet checked" everywhere.
    assert render("{% link_check 'https://a.example/' %}") == ""


def test_a_page_of_links_costs_one_query(django_assert_num_queries, settings):
    settings.LINK_CHECK_BROKEN_AFTER = 1
    urls = [link(f"https://{n}.example/", DOWN).url for n in range(20)]
    template = Template(
        "{% load link_checks %}{% for url in urls %}<a href='{{ url }}'>{{ url }}</a> "
        "{% link_check url %}{% endfor %}"
    )
    with django_assert_num_queries(1):
        checks = Link.objects.for_urls(urls)
        html = template.render(Context({"urls": urls, "link_checks": checks}))
    assert html.count("unreachable since") == 20
    assert html.count("<a href=") == 20  # every link shown, marked
