"""sitemap.xml: every public page, with the date its record last changed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from institutions.models import Institution, Jurisdiction
from networks.models import Meeting, Memorandum, Network


class StaticSitemap(Sitemap):
    """The home page, the lists, the calendar and the open-data releases."""

    changefreq = "daily"
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "networks:home",
            "networks:network-list",
            "networks:institution-list",
            "institutions:jurisdiction-list",
            "networks:memorandum-list",
            "networks:meeting-list",
            "networks:meeting-calendar",
            "data:index",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class RecordSitemap(Sitemap):
    """The detail pages of one model; `lastmod` is the record's last change."""

    model = None
    priority = 0.6

    def items(self):
        return self.model.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class NetworkSitemap(RecordSitemap):
    model = Network
    priority = 0.9


class InstitutionSitemap(RecordSitemap):
    model = Institution


class JurisdictionSitemap(RecordSitemap):
    model = Jurisdiction


class MemorandumSitemap(RecordSitemap):
    model = Memorandum


class MeetingSitemap(RecordSitemap):
    model = Meeting
    priority = 0.5


SITEMAPS = {
    "pages": StaticSitemap,
    "networks": NetworkSitemap,
    "institutions": InstitutionSitemap,
    "jurisdictions": JurisdictionSitemap,
    "memoranda": MemorandumSitemap,
    "meetings": MeetingSitemap,
}
