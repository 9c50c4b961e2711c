"""What every HTML page keeps: a title, a description, a canonical address, valid
JSON-LD, a link to its data in the API, and the strict Content-Security-Policy."""

import json
import re

import pytest

from web.tests.test_pages import assert_keeps_the_csp
from web.tests.test_query_counts import PAGES, build_world

pytestmark = pytest.mark.django_db

HTML_PAGES = [page for page in PAGES if page not in ("sitemap", "robots")]
# Pages about no particular data have no API twin.
WITHOUT_API_LINK = {"search", "not-found"}


@pytest.mark.parametrize("page", HTML_PAGES)
def test_every_page_has_its_metadata_and_keeps_the_csp(client, page):
    world = build_world(3, "NL")
    response = client.get(PAGES[page](world))
    html = response.content.decode()
    assert re.search(r"<title>[^<]+ · Lattice</title>|<title>Lattice: ", html)
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert canonical == "http://testserver" + response.wsgi_request.path
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    if page != "not-found":
        assert len(blocks) == 1
    for block in blocks:
        assert json.loads(block)["@context"] == "https://schema.org"
    if page not in WITHOUT_API_LINK:
        assert re.search(r'<a href="/api/v1/[^"]*" type="application/json">', html)
    assert_keeps_the_csp(html)
    assert '<script src="/static/js/lattice.js" defer></script>' in html
