"""What Clearance stores. Services are the only writers (see cases/services/)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from cases.choices import (
    AuditEvent,
    CourtResult,
    DecisionAction,
    FileFormat,
    Outcome,
    PacketKind,
    PacketStatus,
    ReviewStatus,
    RunStatus,
    Severity,
    UploadStatus,
)


class Upload(models.Model):
    """One received file: a DOJ bulk extract for one county, and the progress of its work."""

    original_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500, help_text="Relative to UPLOAD_ROOT; never public.")
    sha256 = models.CharField(max_length=64, unique=True)
    size_bytes = models.BigIntegerField()
    file_format = models.CharField(max_length=20, choices=FileFormat.choices, default=FileFormat.DOJ_BULK)
    county = models.CharField(max_length=60, blank=True)
    policy_slug = models.SlugField(
        max_length=60, default="statutory", help_text="The policy the upload is classified under when read"
    )
    has_header = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=UploadStatus.choices, default=UploadStatus.QUEUED)
    failure = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    row_count = models.PositiveIntegerField(default=0)
    subject_count = models.PositiveIntegerField(default=0)
    conviction_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.county or 'county not set'})"

    @property
    def is_working(self) -> bool:
        return self.status in (UploadStatus.QUEUED, UploadStatus.INGESTING)

    @property
    def percent_read(self) -> int:
        if self.status == UploadStatus.INGESTED:
            return 100
        return int(100 * self.bytes_read / self.size_bytes) if self.size_bytes else 0


class Person(models.Model):
    """A DOJ subject (SUBJECT_ID) as seen in one upload; several uploads coexist."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="people")
    subject_id = models.CharField(max_length=40)
    cii = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200, blank=True)
    dob = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    race = models.CharField(
        max_length=60, blank=True, help_text="Equity reporting only; never an input to eligibility."
    )
    incomplete = models.BooleanField(default=False, help_text="A line naming this person was quarantined.")
    first_line = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "subject_id"], name="person_unique_subject")]

    def __str__(self) -> str:
        return f"{self.name} ({self.subject_id})"


class Case(models.Model):
    """A court case of a person: cycle + step (the first six characters of CNT_ORDER).

    Like Event, written only by the ingestion service in the transaction that writes its
    person; the foreign key carries no database constraint because checking hundreds of
    thousands of deferred constraints at commit cost seconds per million rows. The unique
    (person, key) index serves look-ups by person, so the key has no index of its own.
    """

    person = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, related_name="cases", db_constraint=False, db_index=False
    )
    key = models.CharField(max_length=6)
    court = models.CharField(max_length=120, blank=True)
    county = models.CharField(max_length=60, blank=True)
    case_numbers = ArrayField(models.CharField(max_length=60), default=list)
    first_line = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="case_unique_key")]

    def __str__(self) -> str:
        return f"{self.court or 'court unknown'} case {', '.join(self.case_numbers) or self.key}"


class Event(models.Model):
    """One row of the DOJ file: a count-level event, with the verbatim line DOJ sent.

    The foreign keys carry no database constraint: checking a million deferred constraints
    at commit took longer than loading the rows. Integrity holds because only the ingestion
    service writes events, in the same transaction as their people and upload.

    Nor do they get an index of their own: (upload, line) and (person, cnt_order) serve every
    look-up by upload or by person, and each extra index cost a second per million rows loaded.
    """

    upload = models.ForeignKey(
        Upload, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.DO_NOTHING, related_name="events", db_constraint=False, db_index=False
    )
    line = models.PositiveIntegerField(help_text="Physical line in the file; a header is line 1.")
    cnt_order = models.CharField(max_length=20, blank=True)
    case_key = models.CharField(max_length=6, blank=True)
    step_type = models.CharField(max_length=60, blank=True)
    court = models.CharField(max_length=120, blank=True)
    county = models.CharField(max_length=60, blank=True)
    offense_date = models.DateField(null=True, blank=True, help_text="CYC_DATE")
    step_date = models.DateField(null=True, blank=True, help_text="STP_EVENT_DATE")
    disposition_date = models.DateField(null=True, blank=True, help_text="DISP_DATE")
    ofn = models.CharField(max_length=60, blank=True)
    court_case_number = models.CharField(max_length=60, blank=True, help_text="FE_NUM_CRT_CASE")
    offense_text = models.CharField(max_length=200, blank=True, help_text="OFFENSE_DESCR as sent")
    code_section = models.CharField(max_length=120, blank=True, help_text="Text before the first '-'")
    offense_toc = models.CharField(max_length=4, blank=True)
    severity = models.CharField(max_length=12, choices=Severity.choices, blank=True)
    disposition = models.CharField(max_length=80, blank=True)
    is_conviction = models.BooleanField(default=False)
    sentence_location = models.CharField(max_length=60, blank=True)
    sentence_length = models.PositiveIntegerField(null=True, blank=True)
    sentence_unit = models.CharField(max_length=2, blank=True, help_text="D, M or Y")
    sentence_end = models.DateField(null=True, blank=True)
    dob = models.DateField(null=True, blank=True, help_text="PRI_DOB on this row")
    comment = models.TextField(blank=True)
    raw = models.TextField(help_text="The verbatim line DOJ sent")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "line"], name="event_unique_line")]
        indexes = [models.Index(fields=["person", "cnt_order"], name="event_person_cnt")]

    def __str__(self) -> str:
        return f"line {self.line}: {self.offense_text or self.step_type}"

    @property
    def conviction_date(self) -> dt.date | None:
        """DOMAIN.md §3: STP_EVENT_DATE, falling back to DISP_DATE."""
        return self.step_date or self.disposition_date


class IngestError(models.Model):
    """A quarantined line: kept with its number, reason and raw text; the rest loads."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    raw = models.TextField()

    class Meta:
        ordering = ["line"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class AuditEntry(models.Model):
    """Append-only: a database trigger refuses UPDATE and DELETE (migration 0002)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="As typed, for failed sign-ins")
    event = models.CharField(max_length=40, choices=AuditEvent.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.username}"


class Policy(models.Model):
    """One version of an office policy (DOMAIN.md section 7). Editing makes a new version;
    every determination points to the version that produced it."""

    slug = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=40, help_text="Which engine rules apply: a preset name")
    name = models.CharField(max_length=120)
    options = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="policy_unique_version")]
        ordering = ["slug", "-version"]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class PeopleProgress:
    """Progress over an upload's people, in RunStatus states, for the live progress bar: a
    classification run and a policy comparison both count people done of people total."""

    status: str
    people_done: int
    people_total: int

    @property
    def is_working(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.CLASSIFYING)

    @property
    def percent_done(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.people_done / self.people_total) if self.people_total else 0


class ClassificationRun(PeopleProgress, models.Model):
    """One classification of an upload under one policy version and as-of date.

    Runs accumulate: classifying again under another policy keeps earlier runs, their
    determinations, and every decision made on them.
    """

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="runs")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="runs")
    as_of = models.DateField()
    rules_version = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    people_total = models.PositiveIntegerField(default=0)
    people_done = models.PositiveIntegerField(default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    figures = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"run {self.pk} of upload {self.upload_id} under {self.policy}"


class ClassificationChunk(models.Model):
    """A slice of a run's people, classified by one task; ``done`` makes a re-run count once."""

    run = models.ForeignKey(ClassificationRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    person_ids = ArrayField(models.BigIntegerField())
    done = models.BooleanField(default=False)
    figures = models.JSONField(default=dict, blank=True, help_text="Per-person impact counts of this chunk")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="chunk_unique_index")]

    def __str__(self) -> str:
        return f"chunk {self.index} of run {self.run_id}"


class Determination(models.Model):
    """The engine's outcome for one candidate conviction, with its reasons and evidence."""

    run = models.ForeignKey(ClassificationRun, on_delete=models.CASCADE, related_name="determinations")
    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="determinations")
    event = models.ForeignKey(Event, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    suggested_outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    dismiss_all_outcome = models.CharField(
        max_length=30, choices=Outcome.choices, help_text="The outcome under dismiss_all, for the impact comparison"
    )
    reasons = models.JSONField(default=list)
    reason_codes = ArrayField(models.CharField(max_length=60), default=list)
    flags = ArrayField(models.CharField(max_length=60), default=list)
    section = models.CharField(max_length=40, help_text="The cannabis section, e.g. HS 11359(b)")
    section_number = models.CharField(max_length=10)
    severity = models.CharField(max_length=12, choices=Severity.choices, blank=True)
    conviction_date = models.DateField(null=True, blank=True)
    court = models.CharField(max_length=120, blank=True)
    case_number = models.CharField(max_length=200, blank=True)
    line = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock for decisions")
    review_status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The same conviction's determination in the run this one replaced",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "event"], name="determination_unique_event")]
        indexes = [
            models.Index(fields=["run", "outcome"], name="determination_run_outcome"),
            models.Index(fields=["upload", "outcome"], name="determination_upload_outcome"),
            models.Index(fields=["run", "review_status"], name="determination_run_status"),
            models.Index(fields=["run", "assigned_to"], name="determination_run_assignee"),
            # id included: a queue page reads its rows' ids from this index alone.
            models.Index(fields=["run", "line"], name="determination_run_line", include=["id"]),
        ]
        ordering = ["line"]

    def __str__(self) -> str:
        return f"{self.section} line {self.line}: {self.outcome}"


class Decision(models.Model):
    """An attorney's approval or override of a determination. Append-only: a changed mind is a
    new decision; the newest one is the determination's current decision."""

    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=20, choices=DecisionAction.choices)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, help_text="The outcome decided")
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    determination_version = models.PositiveIntegerField(help_text="The version the attorney saw")
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The decision this one repeats: a reclassification that changed nothing keeps it",
    )
    bulk = models.ForeignKey("BulkAction", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["determination", "-decided_at", "-id"], name="decision_current")]

    def __str__(self) -> str:
        return f"{self.action} {self.outcome} by {self.decided_by_id}"


class Note(models.Model):
    """A reviewer's note on a person's record, optionally about one determination. Append-only."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    determination = models.ForeignKey(
        Determination, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"note by {self.author_id} on person {self.person_id}"


class BulkAction(models.Model):
    """An approval of everything in a queue filter, run in the background with progress.

    Each determination still gets its own Decision and audit row; this row holds the request
    (who, which filter) and the progress the page polls.
    """

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filters = models.JSONField(default=dict, help_text="The queue filter, as in the URL")
    total = models.PositiveIntegerField(default=0, help_text="Determinations counted when confirmed")
    done = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0, help_text="Decided or changed by someone else meanwhile")
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"bulk approval {self.pk} by {self.requested_by_id}"

    @property
    def is_working(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.CLASSIFYING)

    @property
    def percent_done(self) -> int:
        if self.status == RunStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class OfficeSettings(models.Model):
    """The office's letterhead and service addresses, printed on every document. One row (pk=1)."""

    name = models.CharField(max_length=200, default="Office of the District Attorney")
    address = models.TextField(blank=True, help_text="One line per line of the address")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    signing_attorney = models.CharField(max_length=120, blank=True)
    bar_number = models.CharField(max_length=20, blank=True, help_text="State Bar number of the signing attorney")
    county = models.CharField(max_length=60, blank=True)
    public_defender_name = models.CharField(max_length=200, blank=True)
    public_defender_address = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "office settings"

    def __str__(self) -> str:
        return self.name

    @property
    def missing(self) -> list[str]:
        """What a motion cannot be signed without."""
        required = {
            "signing attorney": self.signing_attorney,
            "State Bar number": self.bar_number,
            "office address": self.address,
            "county": self.county,
        }
        return [label for label, value in required.items() if not value.strip()]


class Court(models.Model):
    """A court as DOJ names it (``CASC SAN FRANCISCO``), with what the documents print."""

    name = models.CharField(max_length=120, unique=True, help_text="As in the DOJ file")
    display_name = models.CharField(max_length=200)
    courthouse = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    per_case = models.BooleanField(default=False, help_text="This court wants one motion per case")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name or self.name


class Packet(models.Model):
    """The documents for one upload's decided convictions, for every court or one."""

    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="packets")
    court_name = models.CharField(max_length=120, blank=True, help_text="Blank: every court")
    kind = models.CharField(max_length=20, choices=PacketKind.choices, default=PacketKind.BULK)
    status = models.CharField(max_length=20, choices=PacketStatus.choices, default=PacketStatus.QUEUED)
    courts_total = models.PositiveIntegerField(default=0)
    courts_done = models.PositiveIntegerField(default=0, help_text="Courts whose files are assembled")
    parts_total = models.PositiveIntegerField(default=0, help_text="Rendering tasks the build was split into")
    parts_done = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64, blank=True, help_text="Of the decisions it was built from")
    filing_date = models.DateField(help_text="The date printed on the documents")
    failure = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"packet {self.pk} of upload {self.upload_id} ({self.court_name or 'every court'})"

    @property
    def is_working(self) -> bool:
        return self.status in (PacketStatus.QUEUED, PacketStatus.BUILDING)

    @property
    def percent_done(self) -> int:
        if self.status == PacketStatus.READY:
            return 100
        # 99 at most until ready: joining the parts into each court's files comes last.
        return min(99, int(100 * self.parts_done / self.parts_total)) if self.parts_total else 0


class PacketCourt(models.Model):
    """One court's share of a packet: its files, counts and filing."""

    packet = models.ForeignKey(Packet, on_delete=models.CASCADE, related_name="courts")
    court_name = models.CharField(max_length=120)
    counts = models.JSONField(default=dict, help_text="Counts by relief, and challenges")
    pdf_path = models.CharField(max_length=500, blank=True, help_text="Relative to PACKET_ROOT; never public")
    zip_path = models.CharField(max_length=500, blank=True)
    csv_path = models.CharField(max_length=500, blank=True)
    filed_on = models.DateField(null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["packet", "court_name"], name="packet_court_unique")]
        ordering = ["court_name"]

    def __str__(self) -> str:
        return f"{self.court_name} in packet {self.packet_id}"


class PacketPart(models.Model):
    """A share of a packet build that one Celery task renders: a few documents of one court.

    The build plans the parts, the workers render them side by side, and the last one to
    finish has the packet assembled. What to render is in a file beside the packet's files
    (see cases/services/packet_building.py), not in the message: messages carry ids only.
    """

    packet = models.ForeignKey(Packet, on_delete=models.CASCADE, related_name="parts")
    court_name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(help_text="Order of its documents within the court's files")
    weight = models.PositiveIntegerField(default=0, help_text="Rows or cases listed: what its time grows with")
    done = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["packet", "court_name", "position"], name="packet_part_unique")]
        ordering = ["court_name", "position"]

    def __str__(self) -> str:
        return f"part {self.position} of {self.court_name} in packet {self.packet_id}"


class PacketCount(models.Model):
    """A decided conviction as filed: the decision printed, and what the court did."""

    packet_court = models.ForeignKey(PacketCourt, on_delete=models.CASCADE, related_name="rows")
    determination = models.ForeignKey(Determination, on_delete=models.PROTECT, related_name="packet_rows")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    relief = models.CharField(max_length=30, choices=Outcome.choices, help_text="The decided outcome")
    court_case_number = models.CharField(max_length=200, blank=True)
    count = models.CharField(max_length=20, blank=True, help_text="CNT_ORDER")
    result = models.CharField(max_length=20, choices=CourtResult.choices, blank=True)
    result_on = models.DateField(null=True, blank=True)
    result_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["packet_court", "determination"], name="packet_count_unique")]
        ordering = ["court_case_number", "count"]

    def __str__(self) -> str:
        return f"{self.court_case_number} count {self.count}"


class PolicyComparison(PeopleProgress, models.Model):
    """What two policies (or versions) would do to an upload, computed without touching any
    determination or decision: the engine runs in memory and only figures are stored."""

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="comparisons")
    policy_a = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    policy_b = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField()
    status = models.CharField(max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED)
    people_total = models.PositiveIntegerField(default=0)
    people_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"comparison {self.pk}: {self.policy_a} vs {self.policy_b}"


class QualitySample(models.Model):
    """A random share of decided convictions drawn for a second, independent review."""

    upload = models.ForeignKey(Upload, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    percentage = models.DecimalField(max_digits=5, decimal_places=2)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    seed = models.BigIntegerField(help_text="The random seed, so the draw can be reproduced")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"sample {self.pk} ({self.percentage}%)"


class SecondReview(models.Model):
    """One sampled conviction: the engine's outcome and the first decision, frozen when drawn,
    and the second reviewer's outcome once given."""

    sample = models.ForeignKey(QualitySample, on_delete=models.CASCADE, related_name="reviews")
    determination = models.ForeignKey(Determination, on_delete=models.CASCADE, related_name="+")
    first_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    engine_outcome = models.CharField(max_length=30, choices=Outcome.choices)
    first_outcome = models.CharField(max_length=30, choices=Outcome.choices)
    second_outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    second_reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sample", "determination"], name="second_review_unique")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"second review of {self.determination_id}"
