from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import views, visual

app_name = "api"

router = DefaultRouter()
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("networks", views.NetworkViewSet, basename="network")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("memoranda", views.MemorandumViewSet, basename="memorandum")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc injects its styles at run time (styled-components): this page alone allows
    # inline styles. Scripts stay file-only everywhere.
    path(
        "redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    path("networks/<str:slug>/graph/", visual.NetworkGraphView.as_view(), name="network-graph"),
    path("networks/<str:slug>/map/", visual.NetworkMapView.as_view(), name="network-map"),
    path(
        "networks/<str:slug>/timeline/",
        visual.NetworkTimelineView.as_view(),
        name="network-timeline",
    ),
    path(
        "networks/<str:slug>/coverage/",
        visual.NetworkCoverageView.as_view(),
        name="network-coverage",
    ),
    path(
        "institutions/<str:slug>/ego-graph/",
        visual.EgoGraphView.as_view(),
        name="institution-ego-graph",
    ),
    path("lattice/", visual.LatticeView.as_view(), name="lattice"),
    path("jurisdiction-map/", visual.JurisdictionMapView.as_view(), name="jurisdiction-map"),
    path(
        "jurisdictions/<str:slug>/coverage/",
        visual.JurisdictionCoverageView.as_view(),
        name="jurisdiction-coverage",
    ),
    path("compare/", visual.CompareView.as_view(), name="compare"),
    path("", include(router.urls)),
]
