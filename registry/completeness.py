"""What a complete dossier holds, as SQL expressions evaluated per subject row.

The same definitions drive the set-based refresh (one UPDATE per id range), the single
subject recompute after each write, and the labels the dossier page shows as missing.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import (
    BackgroundCheck,
    Employment,
    EnterpriseQualification,
    HealthCertificate,
    ServiceOffering,
    SkillCertificate,
    TrainingRecord,
    Validity,
    current_employment,
)


@dataclass(frozen=True)
class DossierItem:
    key: str
    label: str
    bit: int


@dataclass(frozen=True)
class Scope:
    """The subjects one UPDATE covers: an id range or a list of ids.

    Every related subquery is restricted to the same subjects. Without it PostgreSQL
    hashes the whole related table once per chunk, which makes a chunked refresh
    quadratic in the size of the registers."""

    low: int | None = None
    high: int | None = None
    ids: tuple[int, ...] | None = None

    def on(self, field: str) -> Q:
        if self.ids is not None:
            return Q(**{f"{field}__in": self.ids})
        if self.low is not None:
            return Q(**{f"{field}__gte": self.low, f"{field}__lt": self.high})
        return Q()

    def subjects(self) -> Q:
        return self.on("pk")


EVERYTHING = Scope()


def _not_stale(today: date) -> Q:
    cutoff = timezone.now() - timedelta(days=settings.RECORD_STALE_AFTER_DAYS)
    return Q(last_confirmed_at__gte=cutoff)


def _valid_until(today: date) -> Q:
    """A document that has not expired on `today` (expiring ones still count)."""
    return Q(valid_to__isnull=True) | Q(valid_to__gte=today)


def _comfortably_valid(today: date) -> Q:
    warning = today + timedelta(days=settings.DOCUMENT_EXPIRY_WARNING_DAYS)
    return Q(valid_to__isnull=True) | Q(valid_to__gt=warning)


# --- Enterprise -------------------------------------------------------------------------

ENTERPRISE_ITEMS = (
    DossierItem("licence", "有效营业执照", 1 << 0),
    DossierItem("address", "经营地址", 1 << 1),
    DossierItem("offerings", "服务项目及价格", 1 << 2),
    DossierItem("staff", "在职从业人员", 1 << 3),
    DossierItem("staff_health", "在职人员健康证齐全有效", 1 << 4),
    DossierItem("confirmed", "12个月内核实", 1 << 5),
)


def _licence(today: date, scope: Scope, extra: Q | None = None) -> Exists:
    licences = EnterpriseQualification.objects.filter(
        scope.on("enterprise_id"),
        enterprise=OuterRef("pk"),
        kind=EnterpriseQualification.Kind.BUSINESS_LICENCE,
        verified=True,
    )
    return Exists(licences.filter(extra) if extra is not None else licences)


def _current_staff(scope: Scope) -> Exists:
    return Exists(
        Employment.objects.current().filter(scope.on("enterprise_id"), enterprise=OuterRef("pk"))
    )


def _staff_without_health_certificate(today: date, scope: Scope) -> Exists:
    valid_certificate = HealthCertificate.objects.filter(
        Q(worker=OuterRef("worker_id"), verified=True) & _valid_until(today)
    )
    return Exists(
        Employment.objects.current()
        .filter(scope.on("enterprise_id"), enterprise=OuterRef("pk"))
        .annotate(has_certificate=Exists(valid_certificate))
        .filter(has_certificate=False)
    )


def enterprise_item_conditions(today: date, scope: Scope = EVERYTHING) -> dict[str, Q]:
    offerings = ServiceOffering.objects.filter(
        scope.on("enterprise_id"), enterprise=OuterRef("pk"), is_active=True
    )
    return {
        "licence": Q(_licence(today, scope, _valid_until(today))),
        "address": ~Q(business_address=""),
        "offerings": Q(Exists(offerings)),
        "staff": Q(_current_staff(scope)),
        "staff_health": Q(_current_staff(scope))
        & ~Q(_staff_without_health_certificate(today, scope)),
        "confirmed": _not_stale(today),
    }


def enterprise_document_status(today: date, scope: Scope = EVERYTHING) -> Case:
    """Worst of: the business licence, and each other kind of qualification on file."""
    clauses = [When(~Q(_licence(today, scope)), then=Value(Validity.MISSING))]
    expired, expiring = Q(), Q()
    for kind in EnterpriseQualification.Kind.values:
        docs = EnterpriseQualification.objects.filter(
            scope.on("enterprise_id"), enterprise=OuterRef("pk"), kind=kind, verified=True
        )
        has_kind = Exists(docs)
        has_current = Exists(docs.filter(_valid_until(today)))
        has_comfortable = Exists(docs.filter(_comfortably_valid(today)))
        expired |= Q(has_kind) & ~Q(has_current)
        expiring |= Q(has_current) & ~Q(has_comfortable)
    clauses += [
        When(expired, then=Value(Validity.EXPIRED)),
        When(expiring, then=Value(Validity.EXPIRING)),
    ]
    return Case(*clauses, default=Value(Validity.VALID))


# --- Worker -----------------------------------------------------------------------------

WORKER_ITEMS = (
    DossierItem("photo", "照片", 1 << 0),
    DossierItem("phone", "手机号码", 1 << 1),
    DossierItem("health", "有效健康证", 1 << 2),
    DossierItem("background", "无犯罪记录核查（通过）", 1 << 3),
    DossierItem("training", "培训记录", 1 << 4),
    DossierItem("skill", "职业技能等级证书", 1 << 5),
    DossierItem("employment", "在职企业", 1 << 6),
    DossierItem("confirmed", "12个月内核实", 1 << 7),
)


def _latest_background_check_passed(scope: Scope) -> Exists:
    """The most recent check passed: an old pass does not outweigh a newer failure."""
    latest = (
        BackgroundCheck.objects.filter(worker=OuterRef(OuterRef("pk")))
        .order_by("-checked_on", "-pk")
        .values("pk")[:1]
    )
    return Exists(
        BackgroundCheck.objects.filter(
            scope.on("worker_id"), pk=Subquery(latest), result=BackgroundCheck.Result.PASSED
        )
    )


def _of_worker(model, scope: Scope, **conditions):
    return model.objects.filter(scope.on("worker_id"), worker=OuterRef("pk"), **conditions)


def worker_item_conditions(today: date, scope: Scope = EVERYTHING) -> dict[str, Q]:
    health = _of_worker(HealthCertificate, scope, verified=True)
    return {
        "photo": ~Q(photo=""),
        "phone": ~Q(phone_hash=""),
        "health": Q(Exists(health.filter(_valid_until(today)))),
        "background": Q(_latest_background_check_passed(scope)),
        "training": Q(Exists(_of_worker(TrainingRecord, scope, verified=True))),
        "skill": Q(Exists(_of_worker(SkillCertificate, scope, verified=True))),
        "employment": Q(Exists(_of_worker(Employment, scope).filter(current_employment()))),
        "confirmed": _not_stale(today),
    }


def worker_document_status(today: date, scope: Scope = EVERYTHING) -> Case:
    """Health certificate and background check: missing, expired, expiring or valid."""
    health = _of_worker(HealthCertificate, scope, verified=True)
    has_health = Exists(health)
    has_current = Exists(health.filter(_valid_until(today)))
    has_comfortable = Exists(health.filter(_comfortably_valid(today)))
    has_check = Exists(_of_worker(BackgroundCheck, scope))
    return Case(
        When(~Q(has_health) | ~Q(has_check), then=Value(Validity.MISSING)),
        When(~Q(has_current), then=Value(Validity.EXPIRED)),
        When(~Q(has_comfortable), then=Value(Validity.EXPIRING)),
        default=Value(Validity.VALID),
    )


# --- Shared -----------------------------------------------------------------------------


def mask_expression(items, conditions: dict[str, Q]):
    expression = Value(0)
    for item in items:
        expression = expression + Case(
            When(conditions[item.key], then=Value(0)),
            default=Value(item.bit),
            output_field=IntegerField(),
        )
    return expression


def completeness_expression(items, conditions: dict[str, Q]):
    present = Value(0)
    for item in items:
        present = present + Case(
            When(conditions[item.key], then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return Coalesce(present * Value(100) / Value(len(items)), Value(0))


def missing_labels(items, mask: int) -> list[str]:
    return [item.label for item in items if mask & item.bit]
