from __future__ import annotations

from django.urls import path

from cases.views import audit, packets, reports, review
from cases.views import uploads as views

urlpatterns = [
    path("", views.home, name="home"),
    path("uploads/", views.uploads, name="uploads"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("uploads/<int:pk>/progress/", views.upload_progress, name="upload_progress"),
    path("uploads/<int:pk>/classify/", views.upload_classify, name="upload_classify"),
    path("policies/", views.policies, name="policies"),
    path("review/", review.queue, name="review_queue"),
    path("review/<int:pk>/", review.case, name="review_case"),
    path("review/<int:pk>/decide/", review.decide, name="review_decide"),
    path("review/<int:pk>/note/", review.note, name="review_note"),
    path("review/bulk-approve/", review.bulk_approve, name="review_bulk_approve"),
    path("review/bulk/<int:pk>/", review.bulk_progress, name="review_bulk"),
    path("review/assign/", review.assign, name="review_assign"),
    path("packets/", packets.packets_home, name="packets_home"),
    path("uploads/<int:pk>/packets/", packets.upload_packets, name="upload_packets"),
    path("packets/<int:pk>/progress/", packets.packet_progress, name="packet_progress"),
    path("packets/<int:pk>/download/", packets.packet_download, name="packet_download"),
    path("packets/<int:pk>/courts/<int:court_pk>/", packets.packet_court, name="packet_court"),
    path("office/", packets.office, name="office"),
    path("office/courts/<int:pk>/", packets.court_edit, name="court_edit"),
    path("reports/", reports.dashboard, name="reports"),
    path("reports/figures.csv", reports.figures_csv, name="report_figures_csv"),
    path("reports/summary.pdf", reports.summary_report, name="report_summary"),
    path("reports/uploads/<int:pk>/comparison/", reports.comparison, name="report_comparison"),
    path("reports/quality/", reports.quality, name="quality"),
    path("reports/quality/<int:pk>/", reports.second_review, name="second_review"),
    path("exports/determinations.csv", reports.determinations_csv, name="export_determinations_csv"),
    path("exports/determinations.xlsx", reports.determinations_xlsx, name="export_determinations_xlsx"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/export.csv", audit.audit_log_csv, name="audit_log_csv"),
]
