from __future__ import annotations

from django.urls import path

from cases.api import views

urlpatterns = [
    path("uploads/", views.uploads, name="api_uploads"),
    path("uploads/<int:pk>/", views.upload_detail, name="api_upload_detail"),
    path("uploads/<int:pk>/summary/", views.upload_summary, name="api_upload_summary"),
    path("determinations/", views.determinations, name="api_determinations"),
    path("determinations/<int:pk>/", views.determination_detail, name="api_determination_detail"),
    path("determinations/<int:pk>/decision/", views.determination_decision, name="api_determination_decision"),
    path("people/<int:pk>/", views.person_detail, name="api_person_detail"),
    path("packets/", views.packets, name="api_packets"),
    path("packets/<int:pk>/", views.packet_detail, name="api_packet_detail"),
    path("packets/<int:pk>/download/", views.packet_download, name="api_packet_download"),
]
