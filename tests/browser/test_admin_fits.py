"""The admin at a laptop's and a phone's width (#18): a membership list shows what a
curator needs (member, network, role, dates, status, verification) without scrolling
sideways, and no change page is wider than the screen (a network's members inline was
2,572 px wide at 1280)."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from playwright.sync_api import Page

from institutions.models import Institution
from networks.models import Memorandum, Network

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
PASSWORD = "a-curator-password-for-tests-only"
# What a curator needs to see of each membership in the list (its column headers).
MEMBERSHIP_COLUMNS = ["Member", "Network", "Role", "Since", "Until", "Status", "Verified"]


def in_another_thread(work):
    """Django refuses database work in a thread where Playwright's loop runs."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=work()))
    thread.start()
    thread.join()
    return result["value"]


@pytest.fixture
def curator(dataset):
    name = f"fits-curator-{dataset}"

    def make():
        User.objects.filter(username=name).delete()
        User.objects.create_superuser(name, f"{name}@example.org", PASSWORD)

        # The records with the most rows: the widest change pages.
        def most(queryset, rows):
            return queryset.annotate(n=Count(rows)).order_by("-n").values_list("pk", flat=True)[0]

        network = most(Network.objects.all(), "memberships")
        institution = most(Institution.objects.all(), "memberships")
        memorandum = most(Memorandum.objects.all(), "signatories")
        # The largest network still edited inline (networks/admin.py's limit).
        inline = most(
            Network.objects.annotate(m=Count("memberships")).filter(m__lte=40, m__gt=0),
            "memberships",
        )
        return network, institution, memorandum, inline

    records = in_another_thread(make)
    yield name, records
    in_another_thread(lambda: User.objects.filter(username=name).delete())


def sign_in(page: Page, name: str) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    page.wait_for_load_state()
    assert "/admin/login/" not in page.url


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_the_admin_fits_the_screen(page: Page, curator, width_name):
    name, (network, institution, memorandum, inline) = curator
    width, height = WIDTHS[width_name]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, name)
    problems = []
    for path in (
        f"/admin/networks/network/{network}/change/",
        f"/admin/networks/network/{inline}/change/",
        f"/admin/institutions/institution/{institution}/change/",
        f"/admin/networks/memorandum/{memorandum}/change/",
        "/admin/networks/membership/add/",
    ):
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{path} at {width}: {scroll_width}px wide")
    assert not problems, "\n".join(problems)

    page.goto("/admin/networks/membership/")
    headers = page.locator("#result_list thead th").evaluate_all(
        "ths => ths.map(th => [(th.querySelector('.text') || th).textContent.trim(),"
        " th.getBoundingClientRect().right])"
    )
    labels = [label for label, _ in headers if label]
    assert labels == MEMBERSHIP_COLUMNS
    if width_name == "desktop":
        # Every column within the screen and within the list's own box (which would
        # otherwise scroll): nothing a curator needs is out of sight.
        box_right = page.locator("#changelist .results").evaluate(
            "box => box.getBoundingClientRect().right"
        )
        hidden = [label for label, right in headers if right > min(width, box_right) + 1]
        assert not hidden, f"columns out of sight at {width}px: {hidden}"
        # The change page's members wrap onto lines, each cell labelled.
        page.goto(f"/admin/networks/network/{inline}/change/")
        row = page.locator("#memberships-group tr.form-row.has_original").first
        assert row.locator("td[data-label='Role']").count() == 1
        assert row.locator("td[data-label='Sources']").count() == 1
