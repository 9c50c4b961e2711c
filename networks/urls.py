from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views, views_visual
from .sitemaps import SITEMAPS

app_name = "networks"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("networks/", views.NetworkListView.as_view(), name="network-list"),
    path("lattice/", views_visual.LatticeView.as_view(), name="lattice"),
    path("compare/", views_visual.CompareView.as_view(), name="compare"),
    path("networks/<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
    # The institutions list filters by network membership, so it lives with networks.
    path("institutions/", views.InstitutionListView.as_view(), name="institution-list"),
    path("memoranda/", views.MemorandumListView.as_view(), name="memorandum-list"),
    path("memoranda/<slug:slug>/", views.MemorandumDetailView.as_view(), name="memorandum-detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/calendar/", views.MeetingCalendarView.as_view(), name="meeting-calendar"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]
