from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from . import views

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
    path("", include(router.urls)),
]
