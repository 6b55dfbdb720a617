from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import DecisionAction, Outcome, PacketKind
from cases.models import ClassificationRun, Determination, Event, IngestError, Packet, PacketCourt, Person, Upload


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


class UploadReceiptSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """What POST /api/uploads/ answers: the upload, new (202) or an earlier copy of the same file (200)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    duplicate = serializers.BooleanField()


class UploadListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField()
    results = UploadSerializer(many=True)


class UploadDetailSerializer(UploadSerializer):
    """The schema of upload_detail, which adds ``errors`` to an UploadSerializer body."""

    # The response key is "errors". DRF's metaclass moves declared fields off the class, so
    # Serializer.errors (validation errors) is not shadowed; only mypy sees a clash.
    errors = IngestErrorSerializer(  # type: ignore[assignment]
        many=True, read_only=True, help_text="The first quarantined lines"
    )

    class Meta(UploadSerializer.Meta):
        fields = [*UploadSerializer.Meta.fields, "errors"]
        read_only_fields = fields


class UploadSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """``cases.selectors.summary_of``: which run, then the figures stored on it (DOMAIN.md section 8)."""

    upload_id = serializers.IntegerField()
    run_id = serializers.IntegerField()
    county = serializers.CharField()
    policy = serializers.CharField()
    policy_version = serializers.IntegerField()
    rules_version = serializers.CharField()
    as_of = serializers.DateField()
    seconds = serializers.FloatField(allow_null=True)
    candidates = serializers.IntegerField()
    outcomes = serializers.DictField(child=serializers.IntegerField(), help_text="Count per outcome")
    by_section = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Per section: candidates, a count per outcome and per severity",
    )
    by_reason = serializers.DictField(child=serializers.IntegerField(), help_text="Count per first reason code")
    people_with_relief = serializers.IntegerField()
    impact = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="Under the policy and under dismiss_all: people newly without a felony or a conviction",
    )
    equity = serializers.DictField(
        child=serializers.DictField(child=serializers.DictField(child=serializers.IntegerField())),
        help_text="Per dimension (race, gender, age_band) and group: candidates and relief",
    )
    earliest_conviction = serializers.DateField(allow_null=True)
    rows_read = serializers.IntegerField()


class PersonSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    subject_id = serializers.CharField()
    name = serializers.CharField()
    cii = serializers.CharField()
    dob = serializers.DateField(allow_null=True)


class CurrentDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    action = serializers.ChoiceField(choices=DecisionAction.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField()
    decided_by = serializers.CharField()
    decided_at = serializers.DateTimeField()


class PolicyUsedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    version = serializers.IntegerField()
    as_of = serializers.DateField()
    rules_version = serializers.CharField()


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

    @extend_schema_field(CurrentDecisionSerializer(allow_null=True))
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

    @extend_schema_field(PolicyUsedSerializer)
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


class DeterminationPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = DeterminationSerializer(many=True)


class DeterminationDetailSerializer(DeterminationSerializer):
    """The schema of determination_detail, which adds ``evidence`` to a DeterminationSerializer body."""

    evidence = EventSerializer(many=True, read_only=True, help_text="The candidate row and every row a reason cites")

    class Meta(DeterminationSerializer.Meta):
        fields = [*DeterminationSerializer.Meta.fields, "evidence"]
        read_only_fields = fields


class DecisionRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The body of POST /api/determinations/{id}/decision/. Documentation only: the view reads the
    body itself so that ``decision_record`` stays the one place that says what is acceptable."""

    action = serializers.ChoiceField(choices=DecisionAction.choices)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, required=False, help_text="Required to override; not needs_review"
    )
    reason = serializers.CharField(required=False, allow_blank=True, help_text="Required to override")
    version = serializers.IntegerField(help_text="The version of the determination you are deciding on")


class DecisionRecordedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    determination = serializers.IntegerField()
    action = serializers.ChoiceField(choices=DecisionAction.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField()
    decided_by = serializers.CharField()
    decided_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="The determination's new version")


class DecisionConflictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The determination's current version")


class PersonSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Person
        fields = ["id", "upload", "subject_id", "cii", "name", "dob", "gender", "race", "incomplete"]
        read_only_fields = fields


class HistoryEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One row of a person's history, with the verbatim line DOJ sent."""

    class Meta:
        model = Event
        fields = [
            "id",
            "line",
            "case_key",
            "cnt_order",
            "step_type",
            "court",
            "county",
            "court_case_number",
            "offense_date",
            "step_date",
            "disposition_date",
            "code_section",
            "offense_text",
            "severity",
            "disposition",
            "is_conviction",
            "sentence_location",
            "sentence_length",
            "sentence_unit",
            "sentence_end",
            "comment",
            "raw",
        ]
        read_only_fields = fields


class RunUsedSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    policy = serializers.CharField(source="policy.slug", read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)

    class Meta:
        model = ClassificationRun
        fields = ["id", "policy", "policy_version", "as_of", "rules_version", "finished_at"]
        read_only_fields = fields


class PersonDeterminationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Determination
        fields = ["id", "event", "line", "section", "outcome", "reason_codes", "review_status", "version"]
        read_only_fields = fields


class PersonDetailSerializer(PersonSerializer):
    """The schema of person_detail, which adds what the person selectors read to a PersonSerializer
    body (the reverse relations would read every run, unordered)."""

    events = HistoryEventSerializer(many=True, read_only=True, help_text="Every row naming the person, by line")
    run = RunUsedSerializer(
        read_only=True, allow_null=True, help_text="The newest finished classification of the upload, if any"
    )
    determinations = PersonDeterminationSerializer(many=True, read_only=True, help_text="Determinations in `run`")

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "events", "run", "determinations"]
        read_only_fields = fields


class PacketRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    upload = serializers.IntegerField()
    court = serializers.CharField(required=False, allow_blank=True, help_text="Blank or absent: every court")
    kind = serializers.ChoiceField(choices=PacketKind.choices, default=PacketKind.BULK)
    filing_date = serializers.DateField(required=False, help_text="Printed on the documents; today if absent")


class PacketCourtSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = PacketCourt
        fields = ["court_name", "counts", "filed_on", "has_pdf", "has_zip"]

    has_pdf = serializers.SerializerMethodField()
    has_zip = serializers.SerializerMethodField()

    def get_has_pdf(self, obj: PacketCourt) -> bool:
        return bool(obj.pdf_path)

    def get_has_zip(self, obj: PacketCourt) -> bool:
        return bool(obj.zip_path)


class PacketSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Packet
        fields = [
            "id",
            "upload",
            "court_name",
            "kind",
            "status",
            "courts_total",
            "courts_done",
            "parts_total",
            "parts_done",
            "percent_done",
            "filing_date",
            "built_at",
            "failure",
            "outdated",
            "courts",
        ]

    percent_done = serializers.IntegerField(read_only=True)
    outdated = serializers.SerializerMethodField()
    courts = PacketCourtSerializer(many=True, read_only=True)

    def get_outdated(self, obj: Packet) -> bool:
        from cases.services.packets import packet_is_outdated

        return packet_is_outdated(obj)
