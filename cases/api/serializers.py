from __future__ import annotations

from rest_framework import serializers

from cases.models import Determination, Event, IngestError, Upload


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


class PersonSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    subject_id = serializers.CharField()
    name = serializers.CharField()
    cii = serializers.CharField()
    dob = serializers.DateField(allow_null=True)


class DeterminationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    person = PersonSummarySerializer(read_only=True)
    code_section = serializers.CharField(source="section", read_only=True)
    policy = serializers.SerializerMethodField()

    class Meta:
        model = Determination
        fields = [
            "id",
            "version",
            "upload",
            "run",
            "line",
            "outcome",
            "suggested_outcome",
            "reasons",
            "flags",
            "case_number",
            "court",
            "code_section",
            "severity",
            "conviction_date",
            "person",
            "policy",
            "review_status",
            "decision",
        ]
        read_only_fields = fields

    decision = serializers.SerializerMethodField()

    def get_decision(self, obj: Determination) -> dict[str, object] | None:
        """The current (newest) decision, if any."""
        # .all() uses the list view's prefetch; Decision's default ordering puts the newest first.
        decisions = list(obj.decisions.all())
        if not decisions:
            return None
        latest = decisions[0]
        return {
            "action": latest.action,
            "outcome": latest.outcome,
            "reason": latest.reason,
            "decided_by": latest.decided_by.get_username(),
            "decided_at": latest.decided_at,
        }

    def get_policy(self, obj: Determination) -> dict[str, object]:
        run = obj.run
        return {
            "slug": run.policy.slug,
            "version": run.policy.version,
            "as_of": run.as_of,
            "rules_version": run.rules_version,
        }


class EventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Event
        fields = [
            "id",
            "line",
            "cnt_order",
            "step_type",
            "court",
            "county",
            "offense_date",
            "step_date",
            "disposition_date",
            "offense_text",
            "code_section",
            "severity",
            "disposition",
            "is_conviction",
            "sentence_length",
            "sentence_unit",
            "comment",
            "raw",
        ]
        read_only_fields = fields
