from django.urls import path

from . import views

app_name = "reconcile"

urlpatterns = [
    path("", views.endpoint, name="service"),
    path("suggest/entity", views.suggest_entity, name="suggest-entity"),
    path("suggest/type", views.suggest_type, name="suggest-type"),
    path("suggest/property", views.suggest_property, name="suggest-property"),
    path("properties", views.propose_properties, name="propose-properties"),
    path("preview/<str:entity_id>", views.preview, name="preview"),
    path("view/<str:entity_id>", views.view, name="view"),
]
