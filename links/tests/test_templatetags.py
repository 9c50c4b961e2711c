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


def test_a_working_link_shows_when_it_was_checked():
    ok = link("https://ok.example/", OK)
    html = render("{% link_check url %}", url=ok.url, link_checks={ok.url: ok})
    assert "link checked on" in html
    assert '<time datetime="2025-03-14T09:30:00+00:00">' in html
    assert "link-check-ok" in html


def test_a_broken_link_says_since_when_it_is_unreachable(settings):
    settings.LINK_CHECK_BROKEN_AFTER = 2
    broken = link("https://broken.example/", OK, DOWN, DOWN)
    html = render("{% link_check url %}", url=broken.url, link_checks={broken.url: broken})
    assert "unreachable since" in html
    assert 'datetime="2025-03-15T09:30:00+00:00"' in html  # the first failure
    assert "link-check-broken" in html


def test_a_link_failing_but_not_yet_broken_shows_when_it_last_worked(settings):
    settings.LINK_CHECK_BROKEN_AFTER = 3
    failing = link("https://failing.example/", OK, DOWN)
    html = render("{% link_check url %}", url=failing.url, link_checks={failing.url: failing})
    assert "link checked on" in html and 'datetime="2025-03-14T09:30:00+00:00"' in html
    never_worked = link("https://never-worked.example/", DOWN)
    html = render(
        "{% link_check url checks %}", url=never_worked.url, checks={never_worked.url: never_worked}
    )
    assert "not reached at its last check" in html


def test_an_unknown_or_unchecked_link_is_not_yet_checked():
    unchecked = link("https://unchecked.example/")
    assert "not yet checked" in render(
        "{% link_check url %}", url=unchecked.url, link_checks={unchecked.url: unchecked}
    )
    assert "not yet checked" in render(
        "{% link_check 'https://unknown.example/' %}", link_checks={}
    )


def test_no_url_or_no_map_no_mark():
    assert render("{% link_check '' %}", link_checks={}) == ""
    # A view that built no map gets no marks, not "not yet checked" everywhere.
    assert render("{% link_check 'https://a.example/' %}") == ""


def test_a_page_of_links_costs_one_query(django_assert_num_queries):
    urls = [link(f"https://{n}.example/", OK).url for n in range(20)]
    template = Template(
        "{% load link_checks %}{% for url in urls %}<a href='{{ url }}'>{{ url }}</a> "
        "{% link_check url %}{% endfor %}"
    )
    with django_assert_num_queries(1):
        checks = Link.objects.for_urls(urls)
        html = template.render(Context({"urls": urls, "link_checks": checks}))
    assert html.count("link checked on") == 20
    assert html.count("<a href=") == 20  # every link shown, marked
