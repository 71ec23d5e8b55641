"""The demo county's registers for `seed_demo`: believable enterprises and workers of
舟曲县, deterministic per seed, with their documents, employments and records."""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from .story import FEMALE_SHARE, DemoStory, demo_person_name, demo_rng, demo_story

ENTERPRISE_NAMES = [
    "舟曲县巧手家政服务有限公司", "舟曲县白龙江家政服务中心", "舟曲县安心月嫂服务部",
    "舟曲县泉城保洁有限公司", "舟曲县藏乡养老护理服务站", "舟曲县峰迭惠民家政服务部",
    "舟曲县大川暖心家政", "舟曲县立节镇诚信保洁部", "舟曲县东山贴心家政服务社",
    "舟曲县果耶好帮手家政", "舟曲县巴藏康护陪护服务部", "舟曲县憨班家庭服务中心",
    "舟曲县江盘洁美保洁部", "舟曲县曲告纳乐家家政", "舟曲县博峪巧媳妇家政服务部",
    "舟曲县拱坝母婴护理中心", "舟曲县武坪家电清洗服务部", "舟曲县大峪搬家服务部",
    "舟曲县八楞乡家政服务合作社", "舟曲县插岗优家保洁", "舟曲县曲瓦居家养老服务部",
    "舟曲县南峪宜家家政", "舟曲县坪定家和家政服务部", "舟曲县城关翠峰家政有限公司",
    "舟曲县锦绣家政服务有限公司", "舟曲县福满家育婴服务部", "舟曲县康乐陪护服务中心",
    "舟曲县好邻居家政服务部", "舟曲县放心搬家运输部", "舟曲县阳光家庭服务有限公司",
]  # fmt: skip
# Enterprises still catching up when the roll-out ended (about one in ten): a remote
# township's, with its licence missing, its licence expired, or its address not recorded;
# their staff are the workers whose dossiers have gaps.
LAGGING_ENTERPRISES = {19: "no_licence", 20: "licence_expired", 22: "no_address"}
# Enterprises whose licence runs out within the warning window (still complete).
EXPIRING_LICENCES = {3, 11}
# The first digits of a 统一社会信用代码: 9 (registered with market regulation), then the
# kind of entity; 623023 is 舟曲县.
USCC_PREFIX = {"company": "91", "sole": "92", "coop": "93"}
TRAINING_COURSES = [
    "家政服务员岗前培训",
    "母婴护理技能提升班",
    "养老护理员培训",
    "家庭保洁规范培训",
]
STREETS = ["滨江路", "东街", "西街", "南街", "北街", "江盘路", "瓦厂路", "三眼峪路"]


def enterprise_kind_for(name: str) -> str:
    from registry.models import Enterprise

    if "合作社" in name:
        return Enterprise.Kind.COOPERATIVE
    if "有限公司" in name:
        return Enterprise.Kind.COMPANY
    return Enterprise.Kind.SOLE_TRADER


def township_for(name: str, townships: list):
    """The township named in the enterprise's name; the county seat (城关镇) otherwise."""
    seat = next(t for t in townships if t.name == "城关镇")
    for township in townships:
        if township is not seat and township.name.rstrip("镇乡") in name:
            return township
    return seat


def _uscc(rng: random.Random, kind: str) -> str:
    from stdnum.cn import uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = USCC_PREFIX[kind] + "623023" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _id_number(rng: random.Random, index: int, gender: str) -> str:
    """A 身份证号 of 舟曲县 whose sequence digit carries `gender` (odd for men)."""
    from stdnum.cn import ric

    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
    digit = rng.choice("13579" if gender == "M" else "02468")
    body = f"623023{birth:%Y%m%d}{index % 100:02d}{digit}"
    return body + ric.calc_check_digit(body + "0")


def _demo_photo(rng: random.Random):
    """A plain portrait silhouette, so demo dossiers and cards have a picture."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    background = rng.choice(["#dbe7f3", "#f3e3db", "#e2f0dc", "#efe6f6"])
    image = Image.new("RGB", (330, 420), background)
    draw = ImageDraw.Draw(image)
    colour = rng.choice(["#5b4636", "#3b3b3b", "#6a5040"])
    draw.ellipse((95, 60, 235, 210), fill="#e8c4a0")
    draw.pieslice((85, 40, 245, 200), 180, 360, fill=colour)
    draw.rounded_rectangle(
        (55, 230, 275, 420), radius=60, fill=rng.choice(["#a61b1b", "#1b4fa6", "#2f6b3a"])
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return ContentFile(buffer.getvalue())


def _registered_at(day: date) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=10))


def _backdate_registration(model, pk: int, day: date) -> None:
    """When the dossier was opened (建档时间), for a subject seeded today."""
    model.objects.filter(pk=pk).update(created_at=_registered_at(day))
    model.history.filter(id=pk).update(history_date=_registered_at(day))


def _enterprise_seed(index: int, name: str, townships: list, story: DemoStory):
    from registry.models import Enterprise
    from registry.services.subjects import enterprise_save

    rng = demo_rng(f"enterprise-{index}")
    kind = enterprise_kind_for(name)
    code = _uscc(rng, kind)
    existing = Enterprise.objects.filter(uscc=code).first()
    if existing is not None:
        return existing, False
    township = township_for(name, townships)
    legal_name, _ = demo_person_name(rng)
    lagging = LAGGING_ENTERPRISES.get(index)
    established = story.day_between(rng, date(2012, 1, 1), date(story.last_year - 1, 12, 31))
    enterprise = enterprise_save(
        actor=None,
        enterprise=Enterprise(
            uscc=code,
            name=name,
            kind=kind,
            legal_representative=legal_name,
            township=township,
            business_address=""
            if lagging == "no_address"
            else f"{township.name}{rng.choice(STREETS)}{rng.randrange(1, 200)}号",
            phone=f"139{rng.randrange(0, 10**8):08d}"
            if index % 3
            else f"0941-51{rng.randrange(0, 10**5):05d}",
            email=f"jz{index + 1:02d}@example.com",
            established_on=established,
            last_confirmed_at=_registered_at(story.today - timedelta(days=rng.randrange(5, 300))),
        ),
    )
    # Registered while the programme was being rolled out: last year's mobilisation.
    registered = story.day_between(rng, date(story.last_year, 1, 5), date(story.last_year, 3, 31))
    _backdate_registration(Enterprise, enterprise.pk, registered)
    return enterprise, True


def _enterprise_documents(index: int, enterprise, categories: list, story: DemoStory) -> None:
    from registry.models import EnterpriseQualification, ServiceOffering

    rng = demo_rng(f"enterprise-documents-{index}")
    lagging = LAGGING_ENTERPRISES.get(index)
    today = story.today
    if lagging != "no_licence":
        # Companies' licences mostly run for the long term (长期); the others for years.
        if index in EXPIRING_LICENCES:
            valid_to = today + timedelta(days=rng.randrange(3, 29))
        elif lagging == "licence_expired":
            valid_to = today - timedelta(days=rng.randrange(5, 200))
        elif enterprise.kind == "company" and index % 4:
            valid_to = None
        else:
            valid_to = today + timedelta(days=rng.randrange(400, 3000))
        EnterpriseQualification.objects.create(
            enterprise=enterprise,
            kind=EnterpriseQualification.Kind.BUSINESS_LICENCE,
            number=enterprise.uscc,
            issuer="舟曲县市场监督管理局",
            valid_from=enterprise.established_on,
            valid_to=valid_to,
        )
    for position, category in enumerate(rng.sample(categories, k=rng.randrange(1, 4))):
        low, high = category.guide_price_min, category.guide_price_max
        price = low + (high - low) * rng.randrange(0, 11) / 10
        if index == 7 and position == 0:
            price = high * Decimal("1.2")  # a little above the guide range: flagged to staff
        ServiceOffering.objects.create(
            enterprise=enterprise, category=category, price=round(price, 2)
        )


def worker_plan(index: int) -> str:
    """What a worker's dossier lacks: "" for a complete one (nine in ten)."""
    if index % 10 != 9:
        return ""
    return ("no_health", "health_expired", "no_phone", "check_failed", "no_photo")[
        (index // 10) % 5
    ]


def _worker_seed(index: int, enterprises: list, lagging: list, townships: list, story):
    from registry.models import Worker
    from registry.services.subjects import worker_save

    rng = demo_rng(f"worker-{index}")
    gender = "F" if rng.random() < FEMALE_SHARE else "M"
    id_number = _id_number(rng, index, gender)
    from registry.services.subjects import worker_find_by_id_number

    existing = worker_find_by_id_number(id_number)
    if existing is not None:
        return existing, None, False
    gap = worker_plan(index)
    if gap:
        employer = lagging[index % len(lagging)]
    elif index < len(enterprises):
        employer = enterprises[index]  # every enterprise has staff
    else:
        # Enterprises of the county seat are the larger ones.
        weights = [4 if e.township.name == "城关镇" else 1 for e in enterprises]
        employer = rng.choices(enterprises, weights=weights)[0]
    name, ethnicity = demo_person_name(rng, gender)
    if rng.random() < 0.75:
        township = employer.township
    else:
        seat = next(t for t in townships if t.name == "城关镇")
        township = seat if rng.random() < 0.5 else rng.choice(townships)
    worker = worker_save(
        actor=None,
        worker=Worker(
            name=name,
            ethnicity=ethnicity,
            township=township,
            education=rng.choice(Worker.Education.values),
            last_confirmed_at=_registered_at(story.today - timedelta(days=rng.randrange(5, 300))),
        ),
        id_number=id_number,
        phone="" if gap == "no_phone" else f"138{rng.randrange(0, 10**8):08d}",
    )
    return worker, employer, True


def _worker_records(index: int, worker, employer, others: list, story: DemoStory) -> None:
    from registry.models import (
        BackgroundCheck,
        Employment,
        HealthCertificate,
        SkillCertificate,
        TrainingRecord,
        Worker,
    )

    rng = demo_rng(f"worker-records-{index}")
    today = story.today
    gap = worker_plan(index)
    # One in eleven joined this year, after the registers were built.
    newcomer = index % 11 == 4 and not gap and today >= date(story.this_year, 2, 1)
    first_day = max(employer.established_on, date(2015, 1, 1))
    if newcomer:
        started = story.day_between(rng, date(story.this_year, 1, 2), today - timedelta(days=1))
        registered = started
    else:
        # Registered during last year's mobilisation or just after: at least six months
        # before last year's rating day, so everyone registered then is rated.
        started = story.day_between(rng, first_day, date(story.last_year, 3, 31))
        registered = story.day_between(
            rng, max(started, date(story.last_year, 1, 5)), date(story.last_year, 4, 10)
        )
    _backdate_registration(Worker, worker.pk, registered)
    if gap != "no_photo":
        worker.photo.save(f"demo-{index:04d}.png", _demo_photo(rng), save=False)
        Worker.objects.filter(pk=worker.pk).update(photo=worker.photo.name)
    former = [e for e in others if e != employer and e.established_on < started - timedelta(400)]
    if index % 10 == 8 and former and not newcomer:
        Employment.objects.create(
            worker=worker, enterprise=rng.choice(former), started_on=started - timedelta(days=380),
            ended_on=started - timedelta(days=10), end_reason="个人原因离职",
        )  # fmt: skip
    Employment.objects.create(
        worker=worker, enterprise=employer, started_on=started, position="家政服务员"
    )
    if gap != "no_health":
        if gap == "health_expired":
            valid_to = today - timedelta(days=rng.randrange(1, 90))
        elif index % 10 == 3:
            valid_to = today + timedelta(days=rng.randrange(1, 29))  # expiring soon
        else:
            valid_to = today + timedelta(days=rng.randrange(40, 360))
        HealthCertificate.objects.create(
            worker=worker,
            number=f"JKZ{valid_to.year - 1}{index:05d}",
            issuer="舟曲县疾病预防控制中心",
            valid_from=valid_to - timedelta(days=365),
            valid_to=valid_to,
        )
    BackgroundCheck.objects.create(
        worker=worker,
        result=BackgroundCheck.Result.FAILED
        if gap == "check_failed"
        else BackgroundCheck.Result.PASSED,
        checked_on=story.day_between(rng, registered, today),
        checked_by="舟曲县公安局城关派出所",
    )
    # Training in both years, more for some than others: hours count for the year's grade.
    years = [story.this_year] if newcomer else [story.last_year, story.this_year]
    trained = False
    for year in years:
        if rng.random() < 0.3:
            continue
        completed = story.day_between(
            rng, max(registered, date(year, 1, 1)), story.facts_until(year)
        )
        TrainingRecord.objects.create(
            worker=worker, course=rng.choice(TRAINING_COURSES),
            provider="舟曲县职业技术培训中心",
            hours=rng.choices([8, 12, 16, 24, 32, 40], weights=[15, 20, 25, 20, 10, 10])[0],
            completed_on=completed,
        )  # fmt: skip
        trained = True
    if not trained:
        # Trained before the programme began: on file, but it counts for neither year.
        TrainingRecord.objects.create(
            worker=worker, course=TRAINING_COURSES[0], provider="舟曲县职业技术培训中心",
            hours=16, completed_on=min(started, story.programme_start) - timedelta(days=30),
        )  # fmt: skip
    if gap != "no_photo":
        SkillCertificate.objects.create(
            worker=worker,
            occupation=rng.choice(SkillCertificate.Occupation.values[:6]),
            level=rng.choice(["5", "4", "3"]),
            number=f"ZS{index:06d}",
            issuer="甘南州人力资源和社会保障局",
            issued_on=story.day_between(rng, date(2016, 1, 1), today - timedelta(days=30)),
        )


def registry_demo_seed(*, enterprises: int = 30, workers: int = 300) -> dict[str, int]:
    """30 enterprises and 300 workers registered last year (a few workers this year), more
    in the county seat than in remote townships; nine in ten dossiers complete, the rest
    with documents missing or expired."""
    from django.db import transaction

    from registry.models import ServiceCategory, Township
    from registry.services import records_refresh

    story = demo_story()
    townships = list(Township.objects.order_by("sort_order"))
    categories = list(ServiceCategory.objects.order_by("sort_order"))
    created = {"enterprises": 0, "workers": 0}

    with transaction.atomic():
        enterprise_rows = []
        for index in range(enterprises):
            name = ENTERPRISE_NAMES[index % len(ENTERPRISE_NAMES)]
            enterprise, was_created = _enterprise_seed(index, name, townships, story)
            enterprise_rows.append(enterprise)
            if was_created:
                created["enterprises"] += 1
                _enterprise_documents(index, enterprise, categories, story)
        lagging = [enterprise_rows[i] for i in sorted(LAGGING_ENTERPRISES) if i < enterprises]
        complete = [e for i, e in enumerate(enterprise_rows) if i not in LAGGING_ENTERPRISES]
        for index in range(workers):
            worker, employer, was_created = _worker_seed(
                index, complete, lagging or complete, townships, story
            )
            if was_created:
                created["workers"] += 1
                _worker_records(index, worker, employer, enterprise_rows, story)

    records_refresh()
    return created
