"""What a resident sees after scanning a home-service card (/verify/<token>/).

`verification_for_token` answers with a status light and every reason for it, in plain
words, plus what a resident may know about the worker: name, photo, their own final grade,
employer and its grade, skills and training — never the ID number, phone or address.

The light:
- red: the worker's health certificate has expired, the background check (无犯罪记录核查)
  failed or is missing, the employer no longer operates, or a registered check says so (the
  credit app: the employer is on the key-management list);
- yellow: nothing red, but the health certificate expires within
  DOCUMENT_EXPIRY_WARNING_DAYS or is missing (the issue counts a missing document as yellow
  and names only the background check as red when missing);
- green: identity on the register, health certificate valid, background check passed,
  employed.
Red wins over yellow; every reason that applies is listed.

Extension point: other apps register checks into `VERIFICATION_CHECKS` (a core.plugins
registry keyed by name) from their AppConfig.ready() (credit adds the employer's grade and
the key-management list), so `registry` never imports them.
"""

import functools
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import router
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.cache import cached
from core.compiled_queries import CompiledQuery, Slots, compile_query
from core.plugins import Registry

from .models import (
    BackgroundCheck,
    Enterprise,
    HealthCertificate,
    SkillCertificate,
    TrainingRecord,
    Validity,
    Worker,
    WorkerCard,
    validity_for,
)
from .selectors import worker_ref
from .selectors_profile import has_public_profile

GREEN = "green"
YELLOW = "yellow"
RED = "red"
LIGHT_LABELS = {
    GREEN: _("核验通过"),
    YELLOW: _("请注意"),
    RED: _("核验未通过"),
}
LIGHT_ADVICE = {
    GREEN: _("此人为登记在册的家政服务人员，证件齐全有效。"),
    YELLOW: _("此人登记在册，但有证件即将到期或缺失，请留意下列提示。"),
    RED: _("请暂停接受上门服务，并向家政企业或县工信商务局核实。"),
}
# Each line carries a sign and a word as well as its colour (never colour alone).
FINDING_MARKS = {GREEN: "✓", YELLOW: "!", RED: "✕"}
FINDING_LABELS = {GREEN: _("正常"), YELLOW: _("注意"), RED: _("不合格")}
TRAININGS_SHOWN = 5

# Card states.
VALID = "valid"
REVOKED = "revoked"
UNKNOWN = "unknown"


def _local_date(moment: date | datetime) -> date:
    return timezone.localtime(moment).date() if isinstance(moment, datetime) else moment


def long_date(day: date | datetime) -> str:
    """2025年9月30日 — the way dates are read out to residents (in bo: the bo DATE_FORMAT)."""
    day = _local_date(day)
    return date_format(day, "DATE_FORMAT")


@dataclass(frozen=True)
class Finding:
    """One line of the verification: `level` is GREEN (a fact in the worker's favour),
    YELLOW or RED."""

    level: str
    text: str

    @property
    def mark(self) -> str:
        return FINDING_MARKS[self.level]

    @property
    def level_label(self) -> str:
        return FINDING_LABELS[self.level]


@dataclass(frozen=True)
class CheckResult:
    """What a registered check adds: the employer's and the worker's grades to show, and
    findings."""

    employer_grade: str | None = None
    worker_grade: str | None = None
    findings: tuple[Finding, ...] = ()


# (worker, employer, today) -> CheckResult
VerificationCheck = Callable[[Worker, Enterprise, date], CheckResult]
VERIFICATION_CHECKS: Registry[VerificationCheck] = Registry("verification checks")


@dataclass
class Verification:
    state: str  # VALID, REVOKED or UNKNOWN
    light: str | None = None
    findings: list[Finding] = field(default_factory=list)
    card_number: str = ""
    issued_on: date | None = None
    revoked_on: date | None = None
    worker_name: str = ""
    photo_url: str | None = None
    employer_name: str = ""
    employer_grade: str | None = None
    worker_grade: str | None = None  # the worker's own latest final grade
    employer_profile_id: int | None = None  # the employer's public profile, if it has one
    position: str = ""
    skills: list[str] = field(default_factory=list)
    trainings: list[str] = field(default_factory=list)
    worker_reference: str = ""  # signed, for the review and complaint links
    worker_id: int | None = None  # remembered in the session as a scan (reviews)

    @property
    def light_label(self) -> str:
        return LIGHT_LABELS.get(self.light, "")

    @property
    def advice(self) -> str:
        return LIGHT_ADVICE.get(self.light, "")

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level != GREEN]


def valid_card(token: str) -> WorkerCard | None:
    """The valid card of `token`, with its worker and employment, or None. A card whose
    employment has ended counts as revoked even if nothing revoked it (an import, a direct
    edit)."""
    if not _plausible(token):
        return None
    return (
        WorkerCard.objects.valid()
        .filter(token=token)
        .select_related("worker", "employment__enterprise")
        .first()
    )


def valid_card_ids(token: str) -> tuple[int, int, str] | None:
    """The primary keys of the valid card of `token` and of its employment, and whether the
    employer operates, or None: what the verification page reads on every request (one
    narrow query), so that neither a revoked card nor a closed employer waits for a cached
    page to be renewed."""
    if not _plausible(token):
        return None
    rows = _valid_card_ids_query(router.db_for_read(WorkerCard)).rows({"token": token})
    return tuple(rows[0]) if rows else None


@functools.cache
def _valid_card_ids_query(alias: str) -> CompiledQuery:
    """`valid_card_ids`'s query, compiled by the ORM once per database: it is the same on
    every scan but for the token, and building it anew cost half of the look-up's time
    (the page is the most requested one: every scan at a door)."""
    slots = Slots()
    return compile_query(
        WorkerCard.objects.using(alias)
        .valid()
        .filter(token=slots.text("token"))
        .values_list("pk", "employment_id", "employment__enterprise__business_status")[:1],
        slots,
    )


def _health_findings(certificates: list[HealthCertificate], today: date) -> list[Finding]:
    verified = [c for c in certificates if c.verified and c.valid_from <= today]
    if not verified:
        if certificates:
            return [Finding(YELLOW, _("健康证尚未经核验"))]
        return [Finding(YELLOW, _("未登记健康证"))]
    certificates = verified
    # The certificate that lasts longest decides; no end date means indefinitely.
    best = max(certificates, key=lambda c: c.valid_to or date.max)
    validity = validity_for(best.valid_to, today)
    if validity == Validity.EXPIRED:
        return [
            Finding(RED, gettext("健康证已于%(date)s过期") % {"date": long_date(best.valid_to)})
        ]
    if validity == Validity.EXPIRING:
        return [
            Finding(YELLOW, gettext("健康证将于%(date)s到期") % {"date": long_date(best.valid_to)})
        ]
    if best.valid_to is None:
        return [Finding(GREEN, _("健康证有效"))]
    return [
        Finding(GREEN, gettext("健康证有效，有效期至%(date)s") % {"date": long_date(best.valid_to)})
    ]


def _background_findings(checks: list[BackgroundCheck]) -> list[Finding]:
    # The latest check with a result decides; one still running adds nothing until it ends.
    decided = [c for c in checks if c.result != BackgroundCheck.Result.PENDING]
    if decided:
        latest = max(decided, key=lambda c: (c.checked_on, c.pk))
        if latest.result == BackgroundCheck.Result.FAILED:
            return [Finding(RED, _("无犯罪记录核查未通过"))]
        return [
            Finding(
                GREEN,
                gettext("无犯罪记录核查已通过（%(date)s）")
                % {"date": long_date(latest.checked_on)},
            )
        ]
    if checks:
        return [Finding(RED, _("无犯罪记录核查尚未完成"))]
    return [Finding(RED, _("未进行无犯罪记录核查"))]


def _employer_findings(employer: Enterprise) -> list[Finding]:
    if employer.business_status != Enterprise.BusinessStatus.OPERATING:
        return [
            Finding(
                RED,
                gettext("所在企业已%(status)s")
                % {"status": employer.get_business_status_display()},
            )
        ]
    return [Finding(GREEN, gettext("受雇于%(employer)s，在职") % {"employer": employer.name})]


def _light(findings: list[Finding]) -> str:
    levels = {f.level for f in findings}
    if RED in levels:
        return RED
    if YELLOW in levels:
        return YELLOW
    return GREEN


def _photo_url(card: WorkerCard) -> str | None:
    if not card.worker.photo:
        return None
    return reverse("verify_photo", kwargs={"token": card.token})


def _plausible(token: str) -> bool:
    return bool(token) and len(token) <= 64


@dataclass(frozen=True)
class Grades:
    employer: str | None = None
    worker: str | None = None


def _worker_findings(
    worker: Worker, employer: Enterprise, today: date
) -> tuple[list[Finding], Grades]:
    """Every finding about `worker` employed by `employer`, the worst first, and the
    employer's and the worker's grades from the registered checks. The worker's health
    certificates and background checks should be prefetched."""
    findings = [Finding(GREEN, _("身份信息已登记核验"))]
    findings += _employer_findings(employer)
    findings += _health_findings(list(worker.health_certificates.all()), today)
    findings += _background_findings(list(worker.background_checks.all()))
    employer_grade = worker_grade = None
    for check in VERIFICATION_CHECKS:
        result = check(worker, employer, today)
        employer_grade = employer_grade or result.employer_grade
        worker_grade = worker_grade or result.worker_grade
        findings += result.findings
    # Problems first, the worst on top; facts in the worker's favour after them.
    order = {RED: 0, YELLOW: 1, GREEN: 2}
    findings.sort(key=lambda f: order[f.level])
    return findings, Grades(employer_grade, worker_grade)


def card_issue_warnings(employment, today: date | None = None) -> list[str]:
    """What a card issued now for `employment` would tell the resident at the door, said to
    whoever issues it: every red finding, a health certificate that is not valid (missing,
    not yet verified or expired) and a missing photo. Empty when the card would scan clean."""
    today = today or timezone.localdate()
    worker = employment.worker
    prefetch_related_objects([worker], "health_certificates", "background_checks")
    findings, _grades = _worker_findings(worker, employment.enterprise, today)
    warnings = [f.text for f in findings if f.level == RED]
    certificates = list(worker.health_certificates.all())
    if not any(c.verified and c.valid_from <= today for c in certificates):
        # Missing or unverified (yellow at the door); an expired one is among the red.
        warnings.append(
            gettext("没有有效的健康证：%(reason)s")
            % {"reason": _health_findings(certificates, today)[0].text}
        )
    if not worker.photo:
        warnings.append(_("未上传本人照片，居民扫码时无法核对是否本人"))
    return warnings


def verification_for_token(token: str, today: date | None = None) -> Verification:
    today = today or timezone.localdate()
    card = valid_card(token)
    if card is None:
        stale = (
            WorkerCard.objects.filter(token=token).select_related("employment").first()
            if _plausible(token)
            else None
        )
        if stale is None:
            return Verification(state=UNKNOWN)
        ended = stale.revoked_at or stale.employment.ended_on
        return Verification(state=REVOKED, revoked_on=ended and _local_date(ended))

    worker = card.worker
    prefetch_related_objects(
        [worker],
        "health_certificates",
        "background_checks",
        Prefetch("skills", queryset=SkillCertificate.objects.filter(verified=True)),
        Prefetch(
            "trainings",
            queryset=TrainingRecord.objects.filter(verified=True).order_by("-completed_on"),
        ),
    )
    employment = card.employment
    employer = employment.enterprise
    findings, grades = _worker_findings(worker, employer, today)

    trainings = list(worker.trainings.all())
    return Verification(
        state=VALID,
        light=_light(findings),
        findings=findings,
        card_number=card.number,
        issued_on=_local_date(card.issued_at),
        worker_name=worker.name,
        photo_url=_photo_url(card),
        employer_name=employer.name,
        employer_grade=grades.employer,
        worker_grade=grades.worker,
        employer_profile_id=employer.pk if has_public_profile(employer) else None,
        position=employment.position,
        skills=[
            f"{skill.get_occupation_display()} · {skill.get_level_display()}"
            for skill in worker.skills.all()
        ],
        trainings=[
            gettext("%(course)s（%(hours)s学时，%(month)s结业）")
            % {
                "course": t.course,
                "hours": f"{t.hours.normalize():f}",
                "month": date_format(t.completed_on, "YEAR_MONTH_FORMAT"),
            }
            for t in trainings[:TRAININGS_SHOWN]
        ],
        worker_reference=worker_ref(worker),
        worker_id=worker.pk,
    )


# --- The worker's photo ---------------------------------------------------------------------

PHOTO_BOX = (480, 640)
PHOTO_CACHE_SECONDS = 24 * 3600


def photo_thumbnail(photo) -> bytes | None:
    """The worker's photo as a small JPEG (a phone on a mountain road should not load a
    10 MB original), cached; None when the file is missing or unreadable. The key includes
    the file's size, so a replaced photo is never served from the cache."""
    try:
        size = photo.size
    except (OSError, ValueError):
        return None
    key = "verify-photo:" + hashlib.sha256(f"{photo.name}:{size}".encode()).hexdigest()
    return cached(key, PHOTO_CACHE_SECONDS, lambda: _thumbnail(photo))


def _thumbnail(photo) -> bytes | None:
    try:
        with photo.storage.open(photo.name, "rb") as file:
            image = ImageOps.exif_transpose(Image.open(file))
            image.thumbnail(PHOTO_BOX)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=82, optimize=True)
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    return buffer.getvalue()


# --- Scans remembered by the browser (proof of a service for reviews) -----------------------
#
# In a signed cookie (the server's key: it cannot be forged or edited), not in the session:
# a resident scanning a card at the door is answered without a database write. Scans that
# earlier versions kept in the session still count.

SCANS_SESSION_KEY = "registry_scanned_workers"
SCANS_COOKIE = "scans"
SCANS_COOKIE_SALT = "registry.verification.scans"
SCANS_COOKIE_DAYS = 30  # longer than any review period (REVIEW_SCAN_DAYS) worth allowing
SCANS_KEPT = 20


def _scans(mapping) -> dict[str, float]:
    if not isinstance(mapping, dict):
        return {}
    return {
        key: at
        for key, at in mapping.items()
        if isinstance(key, str) and key.isdecimal() and isinstance(at, int | float)
    }


def _cookie_scans(request) -> dict[str, float]:
    raw = request.get_signed_cookie(
        SCANS_COOKIE, default=None, salt=SCANS_COOKIE_SALT, max_age=SCANS_COOKIE_DAYS * 86400
    )
    if not raw:
        return {}
    try:
        return _scans(json.loads(raw))
    except ValueError:
        return {}


def _session_scans(request) -> dict[str, float]:
    # Only a browser that has a session is asked (no query for one that has none).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {}
    return _scans(request.session.get(SCANS_SESSION_KEY))


def scan_remember(request, response, worker_id: int, now) -> None:
    """Remember on `response` that this browser verified the worker's card at `now` (the
    newest SCANS_KEPT kept)."""
    scans = _cookie_scans(request)
    scans[str(worker_id)] = now.timestamp()
    newest = sorted(scans.items(), key=lambda item: item[1], reverse=True)[:SCANS_KEPT]
    response.set_signed_cookie(
        SCANS_COOKIE,
        json.dumps(dict(newest), separators=(",", ":")),
        salt=SCANS_COOKIE_SALT,
        max_age=SCANS_COOKIE_DAYS * 86400,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def scans_recent(request, now, days: int) -> frozenset[int]:
    """Workers whose cards this browser verified within the last `days` days."""
    since = now.timestamp() - days * 86400
    scans = {**_session_scans(request), **_cookie_scans(request)}
    return frozenset(int(key) for key, at in scans.items() if at >= since)
