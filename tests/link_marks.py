"""Test helpers for the link checker's marks on the public pages.

`make_link` builds a Link row in one of the states a page shows; `mark_beside` reads the
mark that `{% link_check url %}` wrote right after a link. Data built here is synthetic
and for tests only.
"""

import datetime
import html
import re

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from links.models import Link

CHECKED_AT = timezone.make_aware(datetime.datetime(2025, 3, 14, 9, 30))
FAILING_SINCE = timezone.make_aware(datetime.datetime(2025, 2, 3, 8, 0))


def shown_date(moment: datetime.datetime) -> str:
    """A moment as the marks show it (the date, in the site's time zone)."""
    return date_format(timezone.localtime(moment), "DATE_FORMAT")


# The mark's words for each state made by `make_link`: only a broken link is marked
# (#18); a working or not yet checked one shows no mark at all.
EXPECTED_MARK = {
    "ok": "",
    "broken": f"unreachable since {shown_date(FAILING_SINCE)}",
    "unchecked": "",
}


def make_link(url: str, state: str) -> Link:
    """A Link for `url`: "ok" (worked when checked), "broken" (failed the last
    LINK_CHECK_BROKEN_AFTER checks in a row) or "unchecked" (never checked yet)."""
    if state == "ok":
        return Link.objects.create(url=url, last_checked_at=CHECKED_AT, last_ok_at=CHECKED_AT)
    if state == "broken":
        return Link.objects.create(
            url=url,
            last_checked_at=CHECKED_AT,
            last_ok_at=FAILING_SINCE - datetime.timedelta(days=7),
            failing_since=FAILING_SINCE,
            consecutive_failures=settings.LINK_CHECK_BROKEN_AFTER,
            status_code=404,
            error_kind="http_error",
        )
    if state == "unchecked":
        return Link.objects.create(url=url)
    raise ValueError(state)


def mark_beside(page: str, url: str) -> str | None:
    """The words of the mark right after the first link to `url` on the page: "" when
    that link has no mark, None when the page does not link to `url` at all."""
    link = re.search(
        r'<a [^>]*href="' + re.escape(html.escape(url)) + r'"[^>]*>.*?</a>', page, re.S
    )
    if link is None:
        return None
    mark = re.match(
        r' <small class="link-check link-check-[a-z]+">(.*?)</small>', page[link.end() :], re.S
    )
    return html.unescape(re.sub(r"<[^>]+>", "", mark.group(1))) if mark else ""


def assert_marked(page: str, url: str, state: str) -> None:
    """The page links to `url` and shows the mark for `state` right beside it."""
    mark = mark_beside(page, url)
    assert mark is not None, f"no link to {url}"
    assert mark == EXPECTED_MARK[state], f"{url}: {mark!r}"
