"""The border's tables: what senders report, the review queue, machine clients, manifests,
and the sweep's runs, decisions and flags.

Every report is kept under its sender and the sender's own record id (unique together), so a
record sent again is recognised. The rules live in plain modules: `records.py` (checks),
`matching.py` (which admission a record concerns), `evidence.py` (which departure decides),
`outcomes.py` (the sweep's decision).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from visabond.border.evidence import EvidenceKind
from visabond.border.records import RecordKind, StatusKind
from visabond.core import clock


class MatchState(models.TextChoices):
    MATCHED = "matched"  # to one admission (or bond), by the rule
    UNMATCHED = "unmatched"  # nothing it could concern: a person looks if a bond is at stake
    AMBIGUOUS = "ambiguous"  # several candidates: a person decides
    RESOLVED = "resolved"  # a person chose the admission
    DISMISSED = "dismissed"  # a person found it concerns no admission here


class SenderRecord(models.Model):
    """A report as a sender sent it: who sent it, under which of their ids, when, through whom."""

    sender = models.CharField(max_length=100)
    sender_record_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=clock.now)
    received_by = models.CharField(max_length=150)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "sender_record_id"], name="%(class)s_once_per_sender"
            )
        ]


class TravellerRecord(SenderRecord):
    """A report about one traveller, named by document (number, state, birth date) or visa."""

    document_number = models.CharField(max_length=20, blank=True)
    document_issuing_state = models.CharField(max_length=3, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    visa_number = models.CharField(max_length=20, blank=True)

    class Meta(SenderRecord.Meta):
        abstract = True
        indexes = [
            models.Index(
                fields=["document_number", "document_issuing_state"], name="%(class)s_doc"
            ),
            models.Index(fields=["visa_number"], name="%(class)s_visa"),
        ]


class PlacedRecord(TravellerRecord):
    """A record that closes or changes an admission once placed on it (`intake.record_place`)."""

    match = models.CharField(max_length=10, choices=MatchState.choices)

    class Meta(TravellerRecord.Meta):
        abstract = True


class Admission(TravellerRecord):
    """An admission at a port of entry (the I-94 record): until which day the stay runs.

    `authorized_until` is `admit_until` as extended by the latest extension decided;
    `deciding_departure` is the departure evidence that decides (`evidence.deciding`);
    `status_change` is the first change of status, asylum application or unauthorized work
    reported. The sweep reads these three and nothing else of an admission's history.
    """

    port = models.CharField(max_length=3)
    state = models.CharField(max_length=3, help_text="The state the port is in (alpha-3).")
    admitted_at = models.DateTimeField()
    admitted_on = models.DateField(help_text="The day at the port.")
    admit_until = models.DateField()
    authorized_until = models.DateField()
    visa_class = models.CharField(max_length=20)
    visa = models.ForeignKey(
        "casework.Visa", null=True, blank=True, on_delete=models.PROTECT, related_name="admissions"
    )
    bond = models.ForeignKey(
        "bonds.Bond", null=True, blank=True, on_delete=models.PROTECT, related_name="admissions"
    )
    entry_port_designated = models.BooleanField(default=True)
    deciding_departure = models.ForeignKey(
        "Departure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status_change = models.CharField(
        max_length=20, blank=True, choices=[(s.value, s.value) for s in StatusKind]
    )

    class Meta(TravellerRecord.Meta):
        indexes = [
            *TravellerRecord.Meta.indexes,
            models.Index(fields=["bond", "admitted_at"], name="admission_of_bond"),
        ]

    def __str__(self) -> str:
        return f"admission {self.sender}/{self.sender_record_id} at {self.port}"


class RefusedAdmission(TravellerRecord):
    """Admission refused at the port of entry: the bond is returned (the program's terms)."""

    port = models.CharField(max_length=3)
    state = models.CharField(max_length=3)
    refused_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    visa = models.ForeignKey(
        "casework.Visa", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    bond = models.ForeignKey(
        "bonds.Bond", null=True, blank=True, on_delete=models.PROTECT, related_name="refusals"
    )

    def __str__(self) -> str:
        return f"refused admission {self.sender}/{self.sender_record_id} at {self.port}"


class Departure(PlacedRecord):
    """A departure, on one kind of evidence (ranked by `evidence.py`), and the admission it
    closes once matched. `port_designated` is judged against the bond's visa when matched."""

    port = models.CharField(max_length=3)
    state = models.CharField(max_length=3)
    departed_at = models.DateTimeField()
    departed_on = models.DateField(help_text="The day at the port.")
    evidence = models.CharField(max_length=20, choices=[(k.value, k.value) for k in EvidenceKind])
    rank = models.PositiveSmallIntegerField()
    accepted = models.BooleanField(
        default=True, help_text="A traveller's upload counts once an officer accepted it."
    )
    admission = models.ForeignKey(
        Admission, null=True, blank=True, on_delete=models.PROTECT, related_name="departures"
    )
    matched_on = models.CharField(max_length=20, blank=True)
    port_designated = models.BooleanField(default=True)
    manifest = models.ForeignKey(
        "PaxlstManifest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="departure_records",
    )

    def __str__(self) -> str:
        return f"departure {self.sender}/{self.sender_record_id} from {self.port}"


class StatusDecision(PlacedRecord):
    """An extension of stay, or a change of status, asylum application or unauthorized work
    reported by the immigration service, and the admission it concerns once matched."""

    kind = models.CharField(max_length=20, choices=[(s.value, s.value) for s in StatusKind])
    decided_on = models.DateField()
    admit_until = models.DateField(null=True, blank=True)
    admission = models.ForeignKey(
        Admission,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="status_decisions",
    )

    def __str__(self) -> str:
        return f"{self.kind} {self.sender}/{self.sender_record_id}"


class DocumentRenewal(PlacedRecord):
    """A passport renewed during the stay: later records on the new document match the
    admission made on the old one."""

    new_document_number = models.CharField(max_length=20)
    new_document_issuing_state = models.CharField(max_length=3)
    renewed_on = models.DateField()
    admission = models.ForeignKey(
        Admission, null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )

    class Meta(PlacedRecord.Meta):
        indexes = [
            *PlacedRecord.Meta.indexes,
            models.Index(
                fields=["new_document_number", "new_document_issuing_state"],
                name="renewal_new_document",
            ),
        ]

    def __str__(self) -> str:
        return f"renewal {self.sender}/{self.sender_record_id}"


class ReviewItem(models.Model):
    """A record no rule could place (no admission, or several), for a border officer."""

    class State(models.TextChoices):
        OPEN = "open"
        RESOLVED = "resolved"
        DISMISSED = "dismissed"

    kind = models.CharField(max_length=20, choices=[(k.value, k.value) for k in RecordKind])
    departure = models.OneToOneField(
        Departure, null=True, blank=True, on_delete=models.PROTECT, related_name="review"
    )
    status_decision = models.OneToOneField(
        StatusDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="review"
    )
    renewal = models.OneToOneField(
        DocumentRenewal, null=True, blank=True, on_delete=models.PROTECT, related_name="review"
    )
    reason = models.CharField(max_length=10, choices=MatchState.choices)
    candidates = models.JSONField(default=list, help_text="Ids of the candidate admissions.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by_name = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    admission = models.ForeignKey(
        Admission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["opened_at", "pk"]
        indexes = [models.Index(fields=["state", "opened_at"], name="review_open")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(departure__isnull=False, status_decision__isnull=True, renewal__isnull=True)
                    | Q(departure__isnull=True, status_decision__isnull=False, renewal__isnull=True)
                    | Q(departure__isnull=True, status_decision__isnull=True, renewal__isnull=False)
                ),
                name="review_names_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"review {self.pk} ({self.kind}, {self.state})"


class BorderClient(models.Model):
    """A machine that sends records (a border system, a carrier): its key is kept as a prefix
    (to find it) and a SHA-256 hash (to check it), never in clear; `scopes` are the record
    kinds it may send."""

    name = models.CharField(max_length=100, unique=True)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.CharField(max_length=150)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"border client {self.name}"


class PaxlstSeries(models.Model):
    """A multi-part PAXLST message whose parts arrive in separate interchanges (ISO 9735-1
    §8.3, UNH S010), possibly hours apart, in any order, possibly repeated.

    Keyed by who sends it (the machine client, if any, and the UNB sender), the common access
    reference and the flights, so that two carriers' series never mix. `pending` until its
    final part and every part before it are in, or its wait is over; then `assembled` once,
    into `manifest` (the parts' bytes joined, processed as any manifest).
    """

    class State(models.TextChoices):
        PENDING = "pending"
        ASSEMBLED = "assembled"

    key = models.CharField(max_length=400, unique=True)
    sender = models.CharField(max_length=35, blank=True, help_text="UNB sender identification.")
    common_access_reference = models.CharField(max_length=35)
    flights = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    first_received_at = models.DateTimeField(default=clock.now)
    assembled_at = models.DateTimeField(null=True, blank=True)
    overdue = models.BooleanField(
        default=False, help_text="Assembled when its wait was over, with parts missing."
    )
    manifest = models.OneToOneField(
        "PaxlstManifest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assembled_series",
        help_text="The whole message, assembled from the parts.",
    )

    class Meta:
        indexes = [models.Index(fields=["state", "first_received_at"], name="series_waiting")]

    def __str__(self) -> str:
        return f"series {self.common_access_reference} of {self.sender or '-'} ({self.state})"


class PaxlstManifest(models.Model):
    """A PAXLST interchange as received, byte for byte, and what became of it.

    Kept once: by its SHA-256 and, when it has an interchange header, by the sender and the
    interchange control reference (ISO 9735-1 §8: unique per sender). One that cannot be
    processed is `quarantined` whole with the error, and can be read again. One that carries
    parts of a multi-part message is `pending` in its `series` until the series is assembled
    (then `assembled`); the assembled whole is a manifest of its own (`assembled` true).
    """

    class State(models.TextChoices):
        PROCESSED = "processed"
        QUARANTINED = "quarantined"
        PENDING = "pending", "parts pending"
        ASSEMBLED = "assembled"

    sender = models.CharField(max_length=35, blank=True, help_text="UNB sender identification.")
    control_reference = models.CharField(max_length=14, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    raw = models.BinaryField()
    source = models.CharField(max_length=300, blank=True, help_text="File name or API client.")
    received_at = models.DateTimeField(default=clock.now)
    received_by = models.CharField(max_length=150)
    state = models.CharField(max_length=12, choices=State.choices)
    error_code = models.CharField(max_length=60, blank=True)
    error_field = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    flights = models.CharField(max_length=300, blank=True)
    passengers = models.PositiveIntegerField(default=0)
    recorded = models.PositiveIntegerField(
        default=0, help_text="Passengers who gave a departure or an expected arrival."
    )
    others = models.PositiveIntegerField(
        default=0, help_text="Passengers in transit or flying elsewhere: nothing to record."
    )
    unidentified = models.PositiveIntegerField(
        default=0, help_text="Passengers with no document to match (kept in the raw message)."
    )
    departures = models.PositiveIntegerField(default=0)
    arrivals = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    accepted_defects = models.JSONField(default=list, blank=True)
    accepted_reason = models.TextField(blank=True)
    client = models.ForeignKey(
        BorderClient,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The border system that sent it, when a machine client did.",
    )
    series = models.ForeignKey(
        PaxlstSeries, null=True, blank=True, on_delete=models.PROTECT, related_name="parts"
    )
    part_numbers = models.JSONField(
        default=list, blank=True, help_text="The series' parts this interchange carries."
    )
    final_part = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The number of the final part, when it carries it."
    )
    assembled = models.BooleanField(
        default=False, help_text="The parts of a series received separately, joined."
    )

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [models.Index(fields=["state"], name="manifest_state")]
        constraints = [
            # A second interchange under a reference already processed is kept, quarantined.
            models.UniqueConstraint(
                fields=["sender", "control_reference"],
                condition=~Q(control_reference="") & Q(state="processed"),
                name="manifest_once_per_interchange",
            ),
            models.CheckConstraint(
                condition=Q(state="quarantined")
                | Q(
                    passengers=models.F("recorded") + models.F("others") + models.F("unidentified")
                ),
                name="manifest_passengers_accounted",
            ),
        ]

    def __str__(self) -> str:
        return f"manifest {self.pk} ({self.state})"


class ExpectedArrival(SenderRecord):
    """A passenger an inbound manifest pre-announces (advance passenger information)."""

    manifest = models.ForeignKey(
        PaxlstManifest, on_delete=models.PROTECT, related_name="expected_arrivals"
    )
    document_number = models.CharField(max_length=20, blank=True)
    document_issuing_state = models.CharField(max_length=3, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    nationality = models.CharField(max_length=3, blank=True)
    visa_number = models.CharField(max_length=20, blank=True)
    port = models.CharField(max_length=3)
    state = models.CharField(max_length=3)
    expected_at = models.DateTimeField(null=True, blank=True)
    flight = models.CharField(max_length=20, blank=True)
    bond = models.ForeignKey(
        "bonds.Bond", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"expected arrival {self.sender}/{self.sender_record_id}"


class SweepRun(models.Model):
    """One run of `visabond sweep` over the active bonds as of a day, chunk by chunk.

    `cursor` is the last bond id swept: each chunk commits its decisions and moves it, so a
    run that stopped continues where it stopped. At most one run is unfinished at a time.
    """

    class State(models.TextChoices):
        RUNNING = "running"
        FINISHED = "finished"

    as_of = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(default=clock.now)
    started_by = models.CharField(max_length=150)
    finished_at = models.DateTimeField(null=True, blank=True)
    cursor = models.BigIntegerField(default=0)
    upto = models.BigIntegerField(help_text="The highest bond id when the run began.")
    chunk_span = models.PositiveIntegerField()
    chunks = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Bonds by outcome, e.g. cancel:visa_unused.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="running"), name="one_sweep_running"
            )
        ]

    def __str__(self) -> str:
        return f"sweep {self.pk} as of {self.as_of} ({self.state})"


class SweepDecision(models.Model):
    """What a sweep decided for one bond (every outcome but waiting), and what became of it:
    `applied`, `stale` (the bond had left the active state before it was applied) or
    `flagged_before` (a port flag already open)."""

    run = models.ForeignKey(SweepRun, on_delete=models.PROTECT, related_name="decisions")
    chunk = models.PositiveIntegerField()
    bond = models.ForeignKey("bonds.Bond", on_delete=models.PROTECT, related_name="sweep_decisions")
    admission = models.ForeignKey(
        Admission, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10)
    reason = models.CharField(max_length=30)
    outcome = models.CharField(max_length=16, default="pending")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "bond"], name="sweep_decides_a_bond_once")
        ]
        indexes = [models.Index(fields=["run", "chunk"], name="sweep_decision_chunk")]

    def __str__(self) -> str:
        return f"sweep {self.run_id}: bond {self.bond_id} {self.decision} ({self.reason})"


class BondFlag(models.Model):
    """A bond whose traveller entered or left through a port the visa does not name: never
    decided automatically (the departure may not have been recorded); an officer verifies."""

    bond = models.OneToOneField("bonds.Bond", on_delete=models.PROTECT, related_name="border_flag")
    reason = models.CharField(max_length=30)
    run = models.ForeignKey(SweepRun, on_delete=models.PROTECT, related_name="flags")
    opened_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"flag on bond {self.bond_id} ({self.reason})"


class DepartureUpload(models.Model):
    """A traveller's own evidence of departure (a boarding pass, or another state's entry
    stamp) sent from the public "did my departure register?" page, and an officer's verdict.

    The file is kept under `settings.UPLOAD_DIR` by `stored_name` (random, never the name the
    browser sent, which is kept as data in `original_name`); its kind was read from its
    content. Its `departure` counts for the sweep only once an officer accepted it
    (`Departure.accepted`).
    """

    class Document(models.TextChoices):
        BOARDING_PASS = "boarding_pass"  # noqa: S105 - a document, not a password
        ENTRY_STAMP = "entry_stamp"  # another state's, on arrival there

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    bond = models.ForeignKey("bonds.Bond", on_delete=models.PROTECT, related_name="uploads")
    admission = models.ForeignKey(Admission, on_delete=models.PROTECT, related_name="uploads")
    departure = models.OneToOneField(Departure, on_delete=models.PROTECT, related_name="upload")
    document = models.CharField(max_length=20, choices=Document.choices)
    content_type = models.CharField(max_length=40, help_text="Read from the content.")
    stored_name = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=clock.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_name = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["state", "uploaded_at"], name="upload_pending")]

    def __str__(self) -> str:
        return f"upload {self.pk} for bond {self.bond_id} ({self.state})"


class BondReminder(models.Model):
    """A reminder sent to a bond's obligor: one row per bond and kind, so each is sent once
    (`reminder_services.reminders_send`). `run` names the run that sent it."""

    bond = models.ForeignKey("bonds.Bond", on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=20)
    run = models.CharField(max_length=32)
    sent_at = models.DateTimeField(default=clock.now)
    as_of = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bond", "kind"], name="reminder_once_per_bond_and_kind")
        ]
        indexes = [models.Index(fields=["run"], name="reminder_run")]

    def __str__(self) -> str:
        return f"{self.kind} reminder for bond {self.bond_id}"
