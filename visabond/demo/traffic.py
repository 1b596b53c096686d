"""Synthetic bonded travellers' stories, drawn from a seed: what `visabond synth` writes.

Plain Python, no Django. Each story follows one applicant through the program as its real
rules run (22 CFR 41.11(c); 90 FR 37378; travel.state.gov's terms of the pilot): applied at a
post, interviewed, directed a bond ($10,000 standard, $5,000 when the applicant cannot pay
that, $15,000 for the extent of US contacts), paid it, was issued a visa valid 90 days; then
did not travel, was refused admission, or was admitted at a US port (BOS, JFK or IAD, and
sometimes one the visa does not name) for the longest stay, may have had the stay extended,
changed status, applied for asylum, worked without authorisation or renewed the passport,
and left on time, late or not at all, through the same or another port, recorded by an exit
record, an outbound manifest or another state's entry stamp.

Only what happened before the horizon (`start` + `days`) is in a story: a departure after it
has not been reported yet. The shares are the module's constants; the same seed draws the
same stories.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from visabond.border.evidence import EvidenceKind
from visabond.border.records import StatusKind

DESIGNATED = ("JFK", "IAD", "BOS")
# Other US ports of entry with direct flights from the designated countries.
OTHER_US_PORTS = ("ATL", "MIA", "EWR", "IAH", "ORD", "LAX", "DFW", "SFO")
# Where a traveller who left overland or by another route was stamped in.
OTHER_STATE_PORTS = ("YYZ", "YUL", "MEX", "CUN")

SHARE_AMOUNT = ((("10000", "standard"), 0.80), (("5000", "unable_to_pay_standard"), 0.12))
SHARE_NO_TRAVEL = 0.03
SHARE_REFUSED = 0.01
SHARE_OTHER_ENTRY_PORT = 0.04
SHARE_EXTENSION = 0.02
SHARE_STATUS = ((StatusKind.CHANGE_OF_STATUS, 0.006), (StatusKind.ASYLUM, 0.004))
SHARE_WORK = 0.002
SHARE_RENEWAL = 0.005
SHARE_LATE = 0.05
SHARE_NEVER = 0.03
SHARE_EVIDENCE = ((EvidenceKind.OUTBOUND_MANIFEST, 0.15), (EvidenceKind.OTHER_STATE_ENTRY, 0.04))
SHARE_OTHER_EXIT_PORT = 0.03

SURNAMES = (
    "BANDA", "PHIRI", "MWALE", "TEMBO", "DIALLO", "TRAORE", "KEITA", "CEESAY", "JALLOW", "MENSAH",
    "OKAFOR", "KAMARA", "SOW", "BA", "NDIAYE", "MUTASA", "MOYO", "SHRESTHA", "RAHMAN", "SILVA",
)  # fmt: skip
GIVEN = (
    ("F", "GRACE"), ("F", "AMINATA"), ("F", "CHIFUNDO"), ("F", "FATOUMATA"), ("F", "MARIAMA"),
    ("M", "JOHN"), ("M", "MOUSSA"), ("M", "KONDWANI"), ("M", "LAMIN"), ("M", "IBRAHIM"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Post:
    """A consular post where a bond is required of its country's nationals on some days."""

    code: str
    country: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class Status:
    kind: StatusKind
    decided_on: dt.date
    admit_until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Exit:
    """The departure as reported: day, port (and its local time), and the evidence."""

    on: dt.date
    port: str
    time: dt.time
    evidence: EvidenceKind


@dataclass(frozen=True, slots=True)
class Story:
    """One bonded traveller, from application to departure (or the horizon)."""

    index: int
    post: Post
    surname: str
    given_names: str
    sex: str
    birth_date: dt.date
    passport: str
    applied_on: dt.date
    interviewed_on: dt.date
    paid_on: dt.date
    issued_on: dt.date
    amount: str
    amount_reason: str
    arrives_on: dt.date | None = None  # None: did not travel before the horizon
    refused_at_port: str = ""
    entry_port: str = ""
    stay_days: int = 30
    statuses: tuple[Status, ...] = ()
    renewed_on: dt.date | None = None
    renewed_passport: str = ""
    exit: Exit | None = None

    @property
    def admit_until(self) -> dt.date:
        assert self.arrives_on is not None
        return self.arrives_on + dt.timedelta(days=self.stay_days - 1)

    @property
    def authorized_until(self) -> dt.date:
        extended = [s.admit_until for s in self.statuses if s.admit_until is not None]
        return extended[-1] if extended else self.admit_until


def _share(rng: random.Random, shares: Sequence[tuple[object, float]]) -> object | None:
    draw = rng.random()
    for value, share in shares:
        if draw < share:
            return value
        draw -= share
    return None


def stories(
    *,
    travellers: int,
    start: dt.date,
    days: int,
    seed: int,
    posts_on: Callable[[dt.date], Sequence[Post]],
    stay_days: int = 30,
) -> list[Story]:
    """`travellers` stories whose applications fall in [`start`, `start` + `days`), each at a
    post `posts_on(day)` names for the day of application (the posts whose nationals need a
    bond then; a day with none is skipped). Deterministic for the same arguments.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible traffic, not a secret
    horizon = start + dt.timedelta(days=days)
    # Steps take at most 21 days: applications leave room for them before the horizon.
    span = max(days - 21, 1)
    by_day = {
        start + dt.timedelta(days=d): posts_on(start + dt.timedelta(days=d)) for d in range(span)
    }
    open_days = [day for day, posts in by_day.items() if posts]
    if not open_days:
        return []
    made = []
    for index in range(travellers):
        applied = rng.choice(open_days)
        post = rng.choice(by_day[applied])
        made.append(_story(rng, index, post, applied, horizon=horizon, stay_days=stay_days))
    return made


def _story(
    rng: random.Random,
    index: int,
    post: Post,
    applied: dt.date,
    *,
    horizon: dt.date,
    stay_days: int,
) -> Story:
    day = dt.timedelta(days=1)
    interviewed = min(applied + rng.randint(0, 7) * day, horizon - day)
    paid = min(interviewed + rng.randint(0, 10) * day, horizon - day)
    issued = min(paid + rng.randint(0, 3) * day, horizon - day)
    sex, given = GIVEN[rng.randrange(len(GIVEN))]
    drawn = _share(rng, SHARE_AMOUNT) or ("15000", "extent_of_contacts")
    amount, reason = str(drawn[0]), str(drawn[1])  # type: ignore[index]
    base = Story(
        index=index,
        post=post,
        surname=rng.choice(SURNAMES),
        given_names=given,
        sex=sex,
        birth_date=dt.date(1950, 1, 1) + rng.randrange(20_000) * day,
        passport=f"{post.country[:2]}{index:07d}",
        applied_on=applied,
        interviewed_on=interviewed,
        paid_on=paid,
        issued_on=issued,
        amount=amount,
        amount_reason=reason,
        stay_days=stay_days,
    )
    fate = rng.random()
    if fate < SHARE_NO_TRAVEL:
        return base
    arrives = issued + rng.randint(1, 75) * day
    if arrives >= horizon:
        return base
    if fate < SHARE_NO_TRAVEL + SHARE_REFUSED:
        return _with(base, arrives_on=arrives, refused_at_port=rng.choice(DESIGNATED))
    entry = (
        rng.choice(OTHER_US_PORTS)
        if rng.random() < SHARE_OTHER_ENTRY_PORT
        else rng.choice(DESIGNATED)
    )
    story = _with(base, arrives_on=arrives, entry_port=entry)
    statuses: list[Status] = []
    if rng.random() < SHARE_EXTENSION:
        decided = arrives + rng.randint(5, stay_days - 2) * day
        statuses.append(
            Status(StatusKind.EXTENSION, decided, story.admit_until + rng.randint(30, 90) * day)
        )
    kind = _share(rng, SHARE_STATUS)
    if kind is None and rng.random() < SHARE_WORK:
        kind = StatusKind.UNAUTHORIZED_WORK
    if kind is not None:
        statuses.append(Status(kind, arrives + rng.randint(3, stay_days - 1) * day))  # type: ignore[arg-type]
    statuses = [s for s in statuses if s.decided_on < horizon]
    story = _with(story, statuses=tuple(sorted(statuses, key=lambda s: s.decided_on)))
    if rng.random() < SHARE_RENEWAL:
        renewed = arrives + rng.randint(2, stay_days - 3) * day
        if renewed < horizon:
            story = _with(
                story, renewed_on=renewed, renewed_passport=f"R{post.country[:1]}{index:07d}"
            )
    departing = rng.random()
    if departing < SHARE_NEVER or any(s.kind is not StatusKind.EXTENSION for s in statuses):
        return story
    until = story.authorized_until
    if departing < SHARE_NEVER + SHARE_LATE:
        leaves = until + rng.randint(1, 60) * day
    else:
        leaves = arrives + rng.randint(1, (until - arrives).days) * day
    if story.renewed_on is not None:
        leaves = max(leaves, story.renewed_on + day)
    if leaves >= horizon:
        return story
    evidence = _share(rng, SHARE_EVIDENCE) or EvidenceKind.EXIT_RECORD
    if evidence is EvidenceKind.OTHER_STATE_ENTRY:
        port = rng.choice(OTHER_STATE_PORTS)
    elif rng.random() < SHARE_OTHER_EXIT_PORT:
        port = rng.choice(OTHER_US_PORTS)
    else:
        port = rng.choice(DESIGNATED)
    time = dt.time(rng.randint(6, 23), rng.choice((0, 15, 30, 45)))
    return _with(story, exit=Exit(leaves, port, time, evidence))  # type: ignore[arg-type]


def _with(story: Story, **changes: object) -> Story:
    return replace(story, **changes)  # type: ignore[arg-type]
