"""Demo credit file and ratings for `seed_demo`: a year of facts about the demo county's
enterprises and workers, last year's final ratings and this year's draft ratings."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from registry.demo import demo_rng
from registry.models import Enterprise, Worker

from .models import CreditEvent, EvaluationStandard, EventKind, KeyListEntry, Rating, Severity
from .services import credit_event_record, rating_run_year
from .services.publication import rating_transition, ratings_publish
from .services.standards import standard_activate, standard_copy_to_year

COMPLAINT_TITLES = [
    "保洁不彻底，拒绝返工",
    "服务时间不足",
    "临时加价",
    "损坏家具未赔偿",
    "服务态度差",
]
PENALTY_TITLES = ["未公示收费标准", "虚假宣传服务资质"]


def _ensure_standards(year: int) -> None:
    for subject_type in ("enterprise", "worker"):
        if EvaluationStandard.objects.filter(
            year=year, subject_type=subject_type, status="active"
        ).exists():
            continue
        previous = (
            EvaluationStandard.objects.filter(subject_type=subject_type, status="active")
            .order_by("-year")
            .first()
        )
        copy = standard_copy_to_year(actor=None, standard=previous, year=year)
        standard_activate(actor=None, standard=copy)


def _events_for(subject, index: int, year: int, today: date) -> None:
    rng = demo_rng(f"credit-{type(subject).__name__}-{index}-{year}")
    key = "enterprise" if isinstance(subject, Enterprise) else "worker"
    last_day = min(today, date(year, 12, 31))
    span = (last_day - date(year, 1, 1)).days

    def day() -> date:
        return date(year, 1, 1) + timedelta(days=rng.randrange(0, max(span, 1)))

    def record(kind, title, n, **extra):
        credit_event_record(
            actor=None,
            kind=kind,
            occurred_on=day(),
            title=title,
            **{key: subject},
            source=CreditEvent.Source.IMPORT,
            source_ref=f"demo:{year}:{key}:{index}:{kind}:{n}",
            **extra,
        )

    for n in range(rng.randrange(0, 7)):
        score = rng.choices([5, 4, 3, 2, 1], weights=[50, 30, 10, 6, 4])[0]
        record(
            EventKind.SERVICE_REVIEW, f"服务评价{score}分", n, value=score, severity=Severity.MINOR
        )
    if rng.random() < 0.2:
        severity = rng.choice([Severity.MINOR, Severity.GENERAL])
        title = rng.choice(COMPLAINT_TITLES)
        record(EventKind.SUBSTANTIATED_COMPLAINT, title, 0, severity=severity, tag="服务不达标")
    if key == "enterprise":
        if rng.random() < 0.1:
            record(EventKind.PENALTY, rng.choice(PENALTY_TITLES), 0, severity=Severity.GENERAL)
        if rng.random() < 0.3:
            record(EventKind.SPOT_CHECK_PASSED, "年度监督抽查合格", 0)
        if rng.random() < 0.08:
            record(EventKind.SPOT_CHECK_FAILED, "监督抽查发现服务合同不规范", 0)
        if rng.random() < 0.15:
            record(EventKind.AWARD, "县级“诚信家政示范企业”", 0)
        if rng.random() < 0.1:
            record(EventKind.COMPLAINT_LATE, "未按期答复投诉", 0, severity=Severity.MINOR)
    elif rng.random() < 0.05:
        record(EventKind.AWARD, "“最美家政服务员”", 0)


@transaction.atomic
def credit_demo_seed() -> dict[str, int]:
    today = timezone.localdate()
    years = (today.year - 1, today.year)
    for year in years:
        _ensure_standards(year)
    enterprises = list(Enterprise.objects.order_by("pk"))
    workers = list(Worker.objects.order_by("pk"))
    for year in years:
        if CreditEvent.objects.filter(source_ref__startswith=f"demo:{year}:").exists():
            continue  # seeded before: the records are keyed by source_ref anyway
        for index, enterprise in enumerate(enterprises):
            _events_for(enterprise, index, year, today)
        for index, worker in enumerate(workers):
            _events_for(worker, index, year, today)
    # One worker found seriously untrustworthy: on the key-management list.
    if workers and not KeyListEntry.objects.exists():
        event = credit_event_record(
            actor=None,
            kind=EventKind.OTHER_NEGATIVE,
            occurred_on=today - timedelta(days=40),
            title="冒用他人健康证上岗",
            worker=workers[-1],
            severity=Severity.SERIOUS,
            source=CreditEvent.Source.INSPECTION,
            source_ref="demo:keylist",
        )
        KeyListEntry.objects.create(
            worker=workers[-1],
            reason="冒用他人健康证上岗，情节严重",
            basis="县市场监管局处理决定",
            event=event,
            starts_on=today - timedelta(days=30),
            ends_on=today - timedelta(days=30) + timedelta(days=3 * 365),
        )
    counts = {}
    for year in years:
        if not Rating.objects.filter(year=year).exists():
            run = rating_run_year(actor=None, year=year, sync=True)
            counts[year] = run.subjects_done
    # Last year's ratings went through publicity in January and are final; this year's are
    # being publicised now, so the public pages, objections and supervision have content.
    last_year = years[0]
    drafts = list(Rating.objects.select_for_update().filter(year=last_year, status="draft"))
    if drafts:
        rating_transition(
            actor=None,
            ratings=drafts,
            to=Rating.Status.PUBLICISED,
            today=date(years[1], 1, 10),
            reason="演示数据",
        )
        rating_transition(
            actor=None,
            ratings=drafts,
            to=Rating.Status.FINAL,
            today=date(years[1], 1, 20),
            reason="演示数据",
        )
    if Rating.objects.filter(year=years[1], status="draft").exists():
        ratings_publish(actor=None, year=years[1])
    return counts
