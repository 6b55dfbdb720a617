from __future__ import annotations

from rest_framework import serializers

from cases.models import IngestError, Upload


class UploadCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField()
    county = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class IngestErrorSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = IngestError
        fields = ["line", "reason", "raw"]


class UploadSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    uploaded_by: serializers.SlugRelatedField = serializers.SlugRelatedField(  # type: ignore[type-arg]
        slug_field="username", read_only=True
    )
    percent_read = serializers.IntegerField(read_only=True)

    class Meta:
        model = Upload
        fields = [
            "id",
            "original_name",
            "sha256",
            "size_bytes",
            "file_format",
            "county",
            "status",
            "failure",
            "bytes_read",
            "percent_read",
            "row_count",
            "subject_count",
            "conviction_count",
            "error_count",
            "uploaded_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields
