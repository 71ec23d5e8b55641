"""Believable demo people for 舟曲县: Han and Tibetan names, deterministic per seed."""

import random
from datetime import date, timedelta

HAN_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
HAN_GIVEN = [
    "建国",
    "秀兰",
    "桂英",
    "海燕",
    "晓梅",
    "丽娟",
    "玉兰",
    "春花",
    "志强",
    "明亮",
    "红霞",
    "小芳",
    "文华",
    "永红",
    "国庆",
    "淑珍",
    "凤英",
    "建军",
    "雪梅",
    "玉梅",
    "静",
    "敏",
    "燕",
    "霞",
    "娟",
    "芳",
    "丽",
    "强",
    "军",
    "伟",
    "磊",
    "洋",
    "婷",
    "慧",
]
TIBETAN_NAMES = [
    "扎西卓玛",
    "卓玛草",
    "拉姆",
    "央金",
    "措毛",
    "才让吉",
    "德吉卓玛",
    "次仁拉姆",
    "索南措",
    "旦正草",
    "仁青卓玛",
    "尼玛措",
    "格桑梅朵",
    "才让",
    "扎西",
    "多杰",
    "旦增",
    "索南",
    "仁青",
    "贡保",
    "尕藏",
    "洛桑",
    "桑杰",
    "更登",
    "丹珠",
    "完玛",
    "华青",
    "拉毛草",
    "杨吉草",
]
ETHNICITIES = ["汉族", "藏族", "回族"]


def demo_rng(salt: str) -> random.Random:
    """A generator seeded by name, so running a seed twice produces the same records."""
    return random.Random(f"zhouqu-demo:{salt}")  # noqa: S311 - demo data, not security


def demo_person_name(rng: random.Random) -> tuple[str, str]:
    """Return (name, ethnicity); about a third of the county's people are Tibetan."""
    if rng.random() < 0.35:
        return rng.choice(TIBETAN_NAMES), "藏族"
    ethnicity = "回族" if rng.random() < 0.03 else "汉族"
    return rng.choice(HAN_SURNAMES) + rng.choice(HAN_GIVEN), ethnicity


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
TRAINING_COURSES = [
    "家政服务员岗前培训",
    "母婴护理技能提升班",
    "养老护理员培训",
    "家庭保洁规范培训",
]
STREETS = ["滨江路", "东街", "西街", "南街", "北街", "江盘路", "瓦厂路", "三眼峪路"]


def _uscc(rng: random.Random) -> str:
    from stdnum.cn import uscc

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "92623023" + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _id_number(rng: random.Random, index: int) -> str:
    from stdnum.cn import ric

    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))
    body = f"623023{birth:%Y%m%d}{index % 1000:03d}"
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


def registry_demo_seed(*, enterprises: int = 30, workers: int = 300) -> dict[str, int]:
    """About 30 enterprises and 300 workers, with documents in every validity state."""
    from django.db import transaction
    from django.utils import timezone

    from . import personal_data
    from .models import (
        BackgroundCheck,
        Employment,
        Enterprise,
        EnterpriseQualification,
        HealthCertificate,
        ServiceCategory,
        ServiceOffering,
        SkillCertificate,
        Township,
        TrainingRecord,
        Worker,
    )
    from .services import records_refresh
    from .validators import clean_id_number

    today = timezone.localdate()
    townships = list(Township.objects.order_by("sort_order"))
    categories = list(ServiceCategory.objects.order_by("sort_order"))
    created = {"enterprises": 0, "workers": 0}

    with transaction.atomic():
        enterprise_rows = []
        for index in range(enterprises):
            # One generator per record: a second run draws the same values for it.
            rng = demo_rng(f"enterprise-{index}")
            name = ENTERPRISE_NAMES[index % len(ENTERPRISE_NAMES)]
            township = townships[0] if index < 12 else townships[index % len(townships)]
            legal_name, _ = demo_person_name(rng)
            enterprise, was_created = Enterprise.objects.get_or_create(
                uscc=_uscc(rng),
                defaults={
                    "name": name,
                    "kind": Enterprise.Kind.SOLE_TRADER
                    if "部" in name
                    else Enterprise.Kind.COMPANY,
                    "legal_representative": legal_name,
                    "township": township,
                    "business_address": ""
                    if index % 9 == 8
                    else f"{township.name}{rng.choice(STREETS)}{rng.randrange(1, 200)}号",
                    "phone": f"139{rng.randrange(0, 10**8):08d}"
                    if index % 3
                    else f"0941-51{rng.randrange(0, 10**5):05d}",
                    "email": f"jz{index + 1:02d}@example.com",
                    "established_on": date(2015, 1, 1) + timedelta(days=rng.randrange(0, 3300)),
                    "last_confirmed_at": timezone.now() - timedelta(days=rng.randrange(0, 500)),
                },
            )
            enterprise_rows.append(enterprise)
            if not was_created:
                continue
            created["enterprises"] += 1
            # Licence validity cycles through every state; every seventh has none at all.
            if index % 7 != 6:
                state = index % 4
                valid_to = {
                    0: None,
                    1: today + timedelta(days=400),
                    2: today + timedelta(days=rng.randrange(3, 29)),
                    3: today - timedelta(days=rng.randrange(5, 200)),
                }[state]
                EnterpriseQualification.objects.create(
                    enterprise=enterprise,
                    kind=EnterpriseQualification.Kind.BUSINESS_LICENCE,
                    number=enterprise.uscc,
                    issuer="舟曲县市场监督管理局",
                    valid_from=date(2019, 5, 1),
                    valid_to=valid_to,
                )
            for category in rng.sample(categories, k=rng.randrange(1, 4)):
                low, high = category.guide_price_min, category.guide_price_max
                price = low + (high - low) * rng.randrange(0, 11) / 10
                if rng.random() < 0.08:
                    price = high * 2  # priced outside the guide range
                ServiceOffering.objects.create(
                    enterprise=enterprise, category=category, price=round(price, 2)
                )

        for index in range(workers):
            rng = demo_rng(f"worker-{index}")
            identity = clean_id_number(_id_number(rng, index))
            name, ethnicity = demo_person_name(rng)
            worker, was_created = Worker.objects.get_or_create(
                id_number_hash=personal_data.lookup_hash(identity.number),
                defaults={
                    "name": name,
                    "ethnicity": ethnicity,
                    "id_number_encrypted": personal_data.encrypt(identity.number),
                    "id_number_masked": identity.masked,
                    "id_last4": identity.last4,
                    "birth_date": identity.birth_date,
                    "gender": identity.gender,
                    **personal_data.phone_protect(
                        "" if index % 11 == 0 else f"138{rng.randrange(0, 10**8):08d}", "phone"
                    ),
                    "township": rng.choice(townships),
                    "education": rng.choice(Worker.Education.values),
                    "last_confirmed_at": timezone.now() - timedelta(days=rng.randrange(0, 500)),
                },
            )
            if not was_created:
                continue
            created["workers"] += 1
            employer = rng.choice(enterprise_rows)
            if index % 4 != 3:
                worker.photo.save(f"demo-{index:04d}.png", _demo_photo(rng), save=False)
                Worker.objects.filter(pk=worker.pk).update(photo=worker.photo.name)
            started = today - timedelta(days=rng.randrange(60, 2000))
            if index % 10 == 9:
                former = rng.choice([e for e in enterprise_rows if e != employer])
                Employment.objects.create(
                    worker=worker, enterprise=former, started_on=started - timedelta(days=700),
                    ended_on=started - timedelta(days=10), end_reason="个人原因离职",
                )  # fmt: skip
            if index % 25 != 24:
                Employment.objects.create(
                    worker=worker, enterprise=employer, started_on=started, position="家政服务员"
                )
            state = index % 5
            if state != 4:
                valid_to = {
                    0: today + timedelta(days=rng.randrange(60, 360)),
                    1: today + timedelta(days=rng.randrange(60, 360)),
                    2: today + timedelta(days=rng.randrange(1, 30)),
                    3: today - timedelta(days=rng.randrange(1, 90)),
                }[state]
                HealthCertificate.objects.create(
                    worker=worker,
                    number=f"JKZ{today.year}{index:05d}",
                    issuer="舟曲县疾病预防控制中心",
                    valid_from=valid_to - timedelta(days=365),
                    valid_to=valid_to,
                )
            if index % 6 != 5:
                BackgroundCheck.objects.create(
                    worker=worker,
                    result=BackgroundCheck.Result.FAILED
                    if index % 97 == 13
                    else BackgroundCheck.Result.PASSED,
                    checked_on=today - timedelta(days=rng.randrange(10, 300)),
                    checked_by="舟曲县公安局城关派出所",
                )
            if index % 3 != 2:
                TrainingRecord.objects.create(
                    worker=worker, course=rng.choice(TRAINING_COURSES),
                    provider="舟曲县职业技术培训中心", hours=rng.choice([16, 24, 40, 56]),
                    completed_on=today - timedelta(days=rng.randrange(10, 700)),
                )  # fmt: skip
            if index % 4 == 0:
                SkillCertificate.objects.create(
                    worker=worker,
                    occupation=rng.choice(SkillCertificate.Occupation.values[:6]),
                    level=rng.choice(["5", "4", "3"]),
                    number=f"ZS{index:06d}",
                    issuer="甘南州人力资源和社会保障局",
                    issued_on=today - timedelta(days=rng.randrange(100, 1500)),
                )

    records_refresh()
    return created
