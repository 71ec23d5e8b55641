"""Demo incentives for `seed_demo`: enterprises taking part, residents in several special
groups (one on the court's dishonesty list), a year of redemptions and two open support
programmes with applications. Idempotent: a second run adds nothing."""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from stdnum.cn import ric

from core import personal_data
from core.validators import clean_id_number
from incentives.models import (
    DishonestyEntry,
    DishonestyListImport,
    GroupMembership,
    IncentiveMeasure,
    Redemption,
    Resident,
    SpecialGroup,
    SupportApplication,
    SupportProgramme,
)
from incentives.services import (
    application_submit,
    membership_save,
    participation_opt_in,
    resident_register,
    resident_verify,
    residents_credit_refresh,
)
from incentives.services.redemptions import redemption_record_from_paper
from incentives.services.residents import resident_identity_apply
from registry.models import Employment, Enterprise, ServiceCategory, Township

from .story import TIBETAN_NAMES, demo_rng

RESIDENTS = 60
COURT = "舟曲县人民法院失信被执行人名单"
HAN = "王李张刘陈杨赵马"
GIVEN = ["秀英", "桂兰", "建华", "玉珍", "国强", "淑芬", "志明", "凤琴"]


def demo_resident_mobile(index: int) -> str:
    return f"1389941{index:04d}"


def _id_number(rng, birth: date) -> str:
    body = f"623023{birth:%Y%m%d}{rng.randrange(0, 999):03d}"
    return clean_id_number(body + ric.calc_check_digit(body + "0")).number


def _participate(today: date) -> int:
    measures = list(IncentiveMeasure.objects.in_force(today).filter(audience="resident"))
    joined = 0
    for index, enterprise in enumerate(Enterprise.objects.active().order_by("pk")):
        # Seeded by position, not by primary key: keys depend on what the database held before.
        rng = demo_rng(f"incentives-join-{index}")
        for measure in measures:
            if rng.random() < 0.85:
                try:
                    participation_opt_in(actor=None, enterprise=enterprise, measure=measure)
                except ValidationError:
                    continue  # below the grade, B, or under key management
                joined += 1
    return joined


def _residents(today: date, count: int) -> list[Resident]:
    townships = list(Township.objects.order_by("sort_order"))
    groups = {g.code: g for g in SpecialGroup.objects.all()}
    residents = []
    for index in range(count):
        rng = demo_rng(f"incentives-resident-{index}")
        age = (
            rng.choice([34, 45, 52, 63, 71, 78, 82, 86, 91]) if index % 3 else rng.randrange(25, 70)
        )
        birth = today - timedelta(days=age * 365 + rng.randrange(0, 300))
        name = (
            rng.choice(TIBETAN_NAMES) if rng.random() < 0.5 else rng.choice(HAN) + rng.choice(GIVEN)
        )
        resident = Resident(
            name=name,
            township=townships[0] if index % 2 else rng.choice(townships),
            address="",
        )
        try:
            resident = resident_register(
                actor=None,
                resident=resident,
                id_number=_id_number(rng, birth),
                mobile=demo_resident_mobile(index),
            )
        except ValidationError:
            continue
        for code, share in (("disabled", 0.12), ("dibao", 0.15), ("tekun", 0.05), ("youfu", 0.06)):
            if rng.random() < share:
                verified = rng.random() < 0.9
                GroupMembership.objects.create(
                    resident=resident,
                    group=groups[code],
                    proof_number=f"DEMO{index:03d}{code[:2].upper()}",
                    valid_from=date(today.year - 1, 1, 1),
                    valid_to=date(today.year + 2, 12, 31),
                    verified_at=timezone.now() if verified else None,
                    status=(
                        GroupMembership.Status.VERIFIED
                        if verified
                        else GroupMembership.Status.PENDING
                    ),
                )
        residents.append(resident)
    return residents


ONLINE_RESIDENTS = (
    # (name, age, verified, special group applied for)
    ("扎西卓玛", 41, True, None),
    ("马玉兰", 56, True, None),
    ("杨建国", 38, False, None),
    ("才让草", 67, False, "disabled"),
)


def demo_online_mobile(index: int) -> str:
    return f"1389942{index:04d}"


def _proof_photo(label: str) -> ContentFile:
    """A small picture standing in for the photo of a certificate."""
    image = Image.new("RGB", (480, 300), "#f4efe1")
    draw = ImageDraw.Draw(image)
    draw.rectangle((12, 12, 468, 288), outline="#8a1c1c", width=6)
    draw.text((40, 130), f"DEMO {label}", fill="#8a1c1c")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=f"proof-{label}.png")


@transaction.atomic
def incentives_online_demo_seed() -> int:
    """Residents who registered themselves online: two verified by staff, two waiting, one
    of them with a special-group application and the photo of the certificate. Idempotent."""
    if Resident.objects.filter(source=Resident.Source.ONLINE).exists():
        return 0
    today = timezone.localdate()
    township = Township.objects.order_by("sort_order").first()
    groups = {g.code: g for g in SpecialGroup.objects.all()}
    staff = get_user_model().objects.filter(username="xinyong").first()
    registered = []
    for index, (name, age, verified, group) in enumerate(ONLINE_RESIDENTS):
        rng = demo_rng(f"incentives-online-{index}")
        birth = today - timedelta(days=age * 365 + rng.randrange(0, 300))
        try:
            resident = resident_register(
                actor=None,
                resident=Resident(name=name, township=township),
                id_number=_id_number(rng, birth),
                mobile=demo_online_mobile(index),
                online=True,
            )
        except ValidationError:
            continue
        if verified:
            resident = resident_verify(actor=staff, resident=resident)
        if group and group in groups:
            membership_save(
                actor=None,
                membership=GroupMembership(
                    resident=resident,
                    group=groups[group],
                    proof=_proof_photo(f"{index:02d}{group}"),
                    proof_number=f"DEMO-ONLINE-{index:02d}",
                    valid_from=today,
                ),
            )
        registered.append(resident)
    return len(registered)


def _dishonesty_list(residents: list[Resident], today: date) -> None:
    listed = residents[7]
    list_import = DishonestyListImport.objects.create(
        source=COURT,
        list_date=today - timedelta(days=20),
        original_name="失信被执行人名单（演示）.xlsx",
        import_digest="demo",
        entry_count=2,
    )
    outsider = Resident(name="演示")
    resident_identity_apply(
        outsider, clean_id_number(_id_number(demo_rng("outsider"), date(1979, 4, 4)))
    )
    for name, person, case in (
        (listed.name, listed, f"（{today.year - 1}）甘3023执112号"),
        ("张某", outsider, f"（{today.year - 2}）甘3023执87号"),
    ):
        DishonestyEntry.objects.create(
            list_import=list_import,
            source=COURT,
            name=name,
            id_number_hash=person.id_number_hash,
            id_number_masked=person.id_number_masked,
            case_number=case,
            authority="舟曲县人民法院",
            listed_on=today - timedelta(days=90),
        )
    residents_credit_refresh(reason="演示数据")
    list_import.matched_count = 1
    list_import.save(update_fields=["matched_count"])


def _redemptions(residents: list[Resident], today: date) -> int:
    categories = list(ServiceCategory.objects.filter(is_active=True).order_by("sort_order")[:6])
    givers = list(
        Enterprise.objects.filter(
            pk__in=IncentiveMeasure.objects.filter(code="resident-discount").values(
                "participations__enterprise"
            )
        ).order_by("pk")
    )
    if not (categories and givers):
        return 0
    staff = {}
    for employment in Employment.objects.current().filter(enterprise__in=givers):
        staff.setdefault(employment.enterprise_id, []).append(employment.worker)
    count = 0
    for index, resident in enumerate(residents):
        rng = demo_rng(f"incentives-redeem-{index}")
        for _ in range(rng.randrange(0, 6)):
            enterprise = rng.choice(givers)
            served_on = today - timedelta(days=rng.randrange(1, 365))
            workers = staff.get(enterprise.pk) or [None]
            try:
                redemption_record_from_paper(
                    actor=None,
                    enterprise=enterprise,
                    resident=resident,
                    category=rng.choice(categories),
                    order_amount=Decimal(rng.choice([60, 80, 120, 150, 200, 260, 380])),
                    served_on=served_on,
                    worker=rng.choice(workers),
                )
            except ValidationError:
                continue  # the dishonest resident, or an enterprise graded lower that day
            count += 1
    return count


def _programmes(today: date) -> None:
    support = SupportProgramme.objects.create(
        kind="support",
        title="家政服务业发展专项扶持资金",
        year=today.year,
        description="支持诚信家政企业规范化、品牌化发展。",
        measure=IncentiveMeasure.objects.filter(code="enterprise-support-priority").first(),
        quota=5,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=20),
    )
    training = SupportProgramme.objects.create(
        kind="training",
        title="养老护理员（初级）技能培训班",
        year=today.year,
        description="县职业技术培训中心举办，免费参训。",
        measure=IncentiveMeasure.objects.filter(code="enterprise-training-priority").first(),
        quota=20,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=25),
    )
    for index, enterprise in enumerate(Enterprise.objects.active().order_by("pk")[:14]):
        programme = support if index % 2 == 0 else training
        trainees = []
        if programme is training:
            trainees = [
                e.worker for e in Employment.objects.current().filter(enterprise=enterprise)[:2]
            ]
            if not trainees:
                continue
        application_submit(
            actor=None,
            programme=programme,
            enterprise=enterprise,
            statement="本企业守法经营、服务规范，特申请。",
            contact_person=enterprise.contact_person or enterprise.legal_representative,
            contact_phone=enterprise.phone,
            trainees=trainees,
        )


@transaction.atomic
def incentives_demo_seed(*, residents: int = RESIDENTS) -> dict[str, int]:
    today = timezone.localdate()
    if Resident.objects.exists():
        return {"participations": 0, "residents": 0, "redemptions": 0}
    joined = _participate(today)
    registered = _residents(today, residents)
    if len(registered) > 7:
        _dishonesty_list(registered, today)
    redeemed = _redemptions(registered, today)
    if not SupportApplication.objects.exists():
        _programmes(today)
    return {
        "participations": joined,
        "residents": len(registered),
        "redemptions": Redemption.objects.count() if redeemed else 0,
    }


def incentives_demo_residents_to_try() -> list[tuple[str, str]]:
    """(mobile, who) of demo residents worth trying on the public benefit check: an elderly
    resident in special groups, a resident with no special group, the one on the court's
    dishonesty list, and one who registered online and waits for staff."""
    residents = (
        Resident.objects.exclude(source=Resident.Source.ONLINE)
        .order_by("pk")
        .prefetch_related("memberships__group")
    )
    today = timezone.localdate()
    elderly = plain = dishonest = None
    for resident in residents:
        groups = [m.group.name for m in resident.memberships.all() if m.verified_at]
        age = today.year - resident.birth_date.year
        if resident.credit_status == Resident.CreditStatus.DISHONEST:
            dishonest = dishonest or (resident, "列入失信被执行人名单，不能享受优惠")
        elif age >= 80 and elderly is None:
            note = "、".join(["80岁以上老人", *groups])
            elderly = (resident, f"{age}岁，{note}，可享受特殊群体优惠")
        elif not groups and age < 60 and plain is None:
            plain = (resident, "信用良好，无特殊群体身份")
    applicant = (
        Resident.objects.filter(source=Resident.Source.ONLINE, memberships__isnull=False)
        .order_by("pk")
        .first()
    )
    if applicant is not None:
        applicant = (applicant, "网上登记，待核实，申请了特殊群体认定（/residents/status/）")
    chosen = [pair for pair in (elderly, plain, dishonest, applicant) if pair]
    return [
        (personal_data.phone_plain(r, "mobile"), f"{r.name}（{r.township}）：{note}")
        for r, note in chosen
    ]
