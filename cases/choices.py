"""Names and choices live here, once: compare against members, never string literals."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    ATTORNEY = "attorney", "Attorney"
    CLERK = "clerk", "Clerk"
    ADMINISTRATOR = "administrator", "Administrator"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", "Received"
    INGESTING = "ingesting", "Reading rows"
    INGESTED = "ingested", "Ingested"
    FAILED = "failed", "Failed"


class FileFormat(models.TextChoices):
    DOJ_BULK = "doj_bulk", "DOJ bulk criminal history (95 columns)"


class Severity(models.TextChoices):
    FELONY = "felony", "Felony"
    MISDEMEANOR = "misdemeanor", "Misdemeanor"
    INFRACTION = "infraction", "Infraction"
    UNKNOWN = "", "Unknown"


class AuditEvent(models.TextChoices):
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    LOGOUT = "logout", "Signed out"
    UPLOAD_RECEIVED = "upload_received", "Upload received"
    UPLOAD_DUPLICATE = "upload_duplicate", "Upload matched an earlier file"
    UPLOAD_REFUSED = "upload_refused", "Upload refused"
    UPLOAD_INGESTED = "upload_ingested", "Upload ingested"
    UPLOAD_FAILED = "upload_failed", "Upload failed"
    LINES_QUARANTINED = "lines_quarantined", "Lines quarantined"
    RECORD_VIEWED = "record_viewed", "Record viewed"
    POLICY_SAVED = "policy_saved", "Policy saved"
    CLASSIFICATION_STARTED = "classification_started", "Classification started"
    CLASSIFICATION_FINISHED = "classification_finished", "Classification finished"
    EXPORT = "export", "Export"
    DECISION_RECORDED = "decision_recorded", "Decision recorded"
    OFFICE_SETTINGS_SAVED = "office_settings_saved", "Office settings saved"
    COURT_SAVED = "court_saved", "Court saved"
    PACKET_REQUESTED = "packet_requested", "Packet requested"
    PACKET_BUILT = "packet_built", "Packet built"
    PACKET_DOWNLOADED = "packet_downloaded", "Packet downloaded"
    PACKET_FILED = "packet_filed", "Packet filed"
    COURT_ORDER_RECORDED = "court_order_recorded", "Court order recorded"
    COMPARISON_STARTED = "comparison_started", "Policy comparison started"
    SAMPLE_DRAWN = "sample_drawn", "Quality sample drawn"
    SECOND_REVIEW_RECORDED = "second_review_recorded", "Second review recorded"
    NOTE_ADDED = "note_added", "Note added"
    ASSIGNED = "assigned", "Cases assigned"
    BULK_APPROVAL_STARTED = "bulk_approval_started", "Bulk approval started"
    BULK_APPROVAL_FINISHED = "bulk_approval_finished", "Bulk approval finished"


class Outcome(models.TextChoices):
    """The five outcomes of DOMAIN.md section 5 (values equal the engine's Outcome values)."""

    DISMISS_AND_SEAL = "dismiss_and_seal", "Dismiss and seal"
    REDUCE_TO_MISDEMEANOR = "reduce_to_misdemeanor", "Reduce to misdemeanor"
    REDUCE_TO_INFRACTION = "reduce_to_infraction", "Reduce to infraction"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    NEEDS_REVIEW = "needs_review", "Needs review"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    CLASSIFYING = "classifying", "Classifying"
    DONE = "done", "Classified"
    FAILED = "failed", "Failed"


class ReviewStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    OVERRIDDEN = "overridden", "Overridden"
    STALE = "stale", "Stale: classification changed"
    IN_PACKET = "in_packet", "In a packet"
    FILED = "filed", "Filed"
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"


class Flag(models.TextChoices):
    """The engine's flags (values equal clearance.eligibility.types.Flag values)."""

    CURRENTLY_SERVING = "currently_serving", "Currently serving"
    OTHER_PROP64_IN_COMMENT = "possible_other_prop64_charge_in_comment", "Possible other charge in comment"
    INCOMPLETE_RECORD = "incomplete_record", "Incomplete record"
    DATE_FALLBACK = "date_fallback", "Date from disposition date"
    DECEASED = "deceased", "Deceased"


class DecisionAction(models.TextChoices):
    APPROVE = "approve", "Approve"
    OVERRIDE = "override", "Override"


class PacketKind(models.TextChoices):
    BULK = "bulk", "One motion per court"
    PER_CASE = "per_case", "One motion per case"


class PacketStatus(models.TextChoices):
    QUEUED = "queued", "Waiting"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class CourtResult(models.TextChoices):
    GRANTED = "granted", "Granted"
    DENIED = "denied", "Denied"
    MODIFIED = "modified", "Granted as modified"
