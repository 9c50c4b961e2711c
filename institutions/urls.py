from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path(
        "institutions/<slug:slug>/",
        views.InstitutionDetailView.as_view(),
        name="institution-detail",
    ),
    path("jurisdictions/", views.JurisdictionListView.as_view(), name="jurisdiction-list"),
    path(
        "jurisdictions/<slug:slug>/",
        views.JurisdictionDetailView.as_view(),
        name="jurisdiction-detail",
    ),
]
