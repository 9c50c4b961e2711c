from django.urls import path

from . import views

app_name = "networks"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("networks/", views.NetworkListView.as_view(), name="network-list"),
    path("networks/<slug:slug>/", views.NetworkDetailView.as_view(), name="network-detail"),
    path("memoranda/<slug:slug>/", views.MemorandumDetailView.as_view(), name="memorandum-detail"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
]
