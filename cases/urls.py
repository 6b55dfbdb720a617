from __future__ import annotations

from django.urls import path

from cases.views import uploads as views

urlpatterns = [
    path("", views.home, name="home"),
    path("uploads/", views.uploads, name="uploads"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/progress/", views.upload_progress, name="upload_progress"),
    path("uploads/<int:pk>/classify/", views.upload_classify, name="upload_classify"),
    path("policies/", views.policies, name="policies"),
]
