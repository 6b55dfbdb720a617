from __future__ import annotations

from django.urls import path

from cases.api import views

urlpatterns = [
    path("uploads/", views.uploads, name="api_uploads"),
    path("uploads/<int:pk>/", views.upload_detail, name="api_upload_detail"),
]
