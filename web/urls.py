"""Every public page's address. The namespaces `networks`, `institutions` and `changes`
are those the templates and links have always used, so moving the views here changed no
URL name."""

from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from institutions.models import Institution, Jurisdiction
from networks.models import Meeting, Memorandum, Network
from web import calendars, changes, citations, data, downloads, feeds, institutions, views, visuals
from web.sitemaps import SITEMAPS

CITE = r"/(?P<slug>[-a-zA-Z0-9_]+)/cite\.(?P<extension>bib|ris|json)$"

institution_patterns = [
    re_path(
        r"^institutions" + CITE,
        citations.CiteView.as_view(model=Institution),
        name="institution-cite",
    ),
    re_path(
        r"^jurisdictions" + CITE,
        citations.CiteView.as_view(model=Jurisdiction),
        name="jurisdiction-cite",
    ),
    path(
        "institutions/<slug:slug>/",
        institutions.InstitutionDetailView.as_view(),
        name="institution-detail",
    ),
    path(
        "institutions/<slug:slug>/feed.atom",
        feeds.InstitutionEventsFeed(),
        name="institution-feed",
    ),
    path("jurisdictions/", institutions.JurisdictionListView.as_view(), name="jurisdiction-list"),
    path(
        "jurisdictions/<slug:slug>/feed.atom",
        feeds.JurisdictionEventsFeed(),
        name="jurisdiction-feed",
    ),
    path(
        "jurisdictions/<slug:slug>/",
        institutions.JurisdictionDetailView.as_view(),
        name="jurisdiction-detail",
    ),
]

network_patterns = [
    re_path(r"^networks" + CITE, citations.CiteView.as_view(model=Network), name="network-cite"),
    re_path(
        r"^memoranda" + CITE, citations.CiteView.as_view(model=Memorandum), name="memorandum-cite"
    ),
    re_path(r"^meetings" + CITE, citations.CiteView.as_view(model=Meeting), name="meeting-cite"),
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("networks/", views.NetworkListView.as_view(), name="network-list"),
    path("lattice/", visuals.LatticeView.as_view(), name="lattice"),
    path("compare/", visuals.CompareView.as_view(), name="compare"),
    path("networks/feed.atom", feeds.NetworkListEventsFeed(), name="network-list-feed"),
    path("networks/<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
    path("networks/<slug:slug>/feed.atom", feeds.NetworkEventsFeed(), name="network-feed"),
    re_path(
        r"^networks/(?P<slug>[-a-zA-Z0-9_]+)/members\.(?P<extension>csv|xlsx)$",
        downloads.NetworkMembersDownload.as_view(),
        name="network-members-download",
    ),
    path("institutions/", views.InstitutionListView.as_view(), name="institution-list"),
    path("memoranda/", views.MemorandumListView.as_view(), name="memorandum-list"),
    path("memoranda/<slug:slug>/", views.MemorandumDetailView.as_view(), name="memorandum-detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/calendar/", views.MeetingCalendarView.as_view(), name="meeting-calendar"),
    path("meetings/calendar.ics", calendars.MeetingICalendarView.as_view(), name="meeting-ical"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]

data_patterns = [
    path("data/", data.DataView.as_view(), name="index"),
    path("data/releases.json", data.release_index, name="releases"),
    path("data/<str:version>/<str:filename>", data.release_file, name="file"),
]

urlpatterns = [
    path("", include((data_patterns, "data"))),
    path("", include((institution_patterns, "institutions"))),
    path("", include((network_patterns, "networks"))),
    path("", include(changes)),
]
