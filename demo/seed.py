"""The demo county behind `manage.py seed_demo` (and `make run`).

Each app contributes its own demo data; this module only orders them. Everything is
idempotent: seeding twice leaves the same rows.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from articles import services as articles
from articles.models import Article
from zhouqu_jiazheng import roles

from .agreements_seed import agreements_demo_seed, agreements_demo_to_try
from .bookings_seed import bookings_demo_seed, bookings_demo_to_try
from .complaints_seed import complaints_demo_seed
from .credit_public_seed import (
    credit_demo_consents_seed,
    credit_demo_pledges_seed,
    credit_demo_report_number,
    credit_demo_reports_seed,
    credit_demo_worker_to_try,
)
from .credit_seed import (
    credit_demo_facts_seed,
    credit_demo_rate,
    credit_demo_state,
)
from .incentives_seed import (
    RESIDENTS,
    incentives_demo_residents_to_try,
    incentives_demo_seed,
    incentives_online_demo_seed,
)
from .inspections_seed import inspections_demo_seed
from .programme_seed import programme_demo_seed
from .registry_seed import registry_demo_seed
from .reports_seed import reports_demo_seed
from .reviews_seed import reviews_demo_proof_seed, reviews_demo_seed
from .story import DemoStory, demo_story

# Printed by seed_demo, which refuses to run in production without --force.
DEMO_PASSWORD = "Zhouqu-2025"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str | None
    superuser: bool = False


CREDIT_OFFICER_USERNAME = "xinyong"
DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员", roles.SYSTEM_ADMIN, superuser=True),
    DemoAccount(CREDIT_OFFICER_USERNAME, "信用股 杨卓玛", roles.CREDIT_OFFICER),
    DemoAccount("tousu", "投诉受理 王建国", roles.COMPLAINT_OFFICER),
    DemoAccount("lingdao", "分管领导 扎西", roles.LEADER),
)


# The demo enterprise's portal login (企业服务平台, /portal/login/).
DEMO_PORTAL_USERNAME = "qiye"
DEMO_PORTAL_MOBILE = "13909419999"
DEMO_CARDS = 60
SITE = "http://127.0.0.1:8000"


def demo_logins() -> list[str]:
    """What to sign in with and what to try, printed last by `seed_demo`."""
    story = demo_story()
    lines = [
        "",
        "==== 演示账号 ====",
        f"后台 {SITE}/admin/ （密码均为 {DEMO_PASSWORD}）：",
        *(f"  {a.username:<10} {a.role or ''}" for a in DEMO_ACCOUNTS),
        f"企业服务平台 {SITE}/portal/login/ ：用户名 {DEMO_PORTAL_USERNAME} 或手机号 "
        f"{DEMO_PORTAL_MOBILE}，密码 {DEMO_PASSWORD}",
        "短信验证码：演示环境不发真实短信，验证码显示在运行网站的终端里"
        "（日志行“SMS to 138****0001: …”）。",
        f"居民优惠查询 {SITE}/incentives/check/ 可用以下演示居民手机号：",
        *(f"  {mobile}  {who}" for mobile, who in incentives_demo_residents_to_try()),
        f"双随机抽查公示 {SITE}/inspections/ ；演示企业在企业服务平台“整改通知”中有一份"
        "待验收的整改报告，后台“信用评价 › 整改通知”验收或退回。",
        *(line.format(site=SITE) for line in bookings_demo_to_try()),
        f"服务约定查验 {SITE}/agreements/verify/ ：",
        *(f"  {line}" for line in agreements_demo_to_try()),
        "信用评价：",
        *(f"  {line}" for line in credit_demo_state(story, site=SITE)),
        *demo_profile_lines(),
        *(line.format(site=SITE) for line in credit_demo_worker_to_try()),
    ]
    if number := credit_demo_report_number():
        lines.append(f"信用报告核验 {SITE}/credit/reports/verify/?number={number}")
    return lines


def demo_profile_lines() -> list[str]:
    """A filled public enterprise profile to open, and the pledge to sign in the portal."""
    from credit.models import PledgeSignature

    signed = (
        PledgeSignature.objects.filter(enterprise__business_status="operating")
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
        .first()
    )
    if signed is None:
        return []
    return [
        f"企业信息页（公开）：{SITE}/enterprises/{signed}/ "
        f"（在 {SITE}/credit/ 的查询结果中点企业名称进入）",
        "信用承诺书：演示企业尚未签署，登录企业服务平台后在“信用承诺书”页阅读并签署；"
        "后台“信用评价 › 信用承诺书”发布新版本。",
    ]


@transaction.atomic
def portal_demo_seed() -> int:
    """A portal account for the first demo enterprise, and home-service cards for the
    current workers of operating enterprises (so /verify/ has something to show).
    Returns the number of cards issued; a second run issues none."""
    from portal.models import PortalAccount
    from portal.services import portal_account_create
    from registry.models import Employment, Enterprise, WorkerCard
    from registry.services.cards import card_issue, card_issue_problem

    enterprise = Enterprise.objects.order_by("pk").first()
    if enterprise is None:
        return 0
    if not PortalAccount.objects.filter(user__username=DEMO_PORTAL_USERNAME).exists():
        account, _link = portal_account_create(
            actor=None,
            enterprise=enterprise,
            username=DEMO_PORTAL_USERNAME,
            mobile=DEMO_PORTAL_MOBILE,
            full_name="演示企业负责人",
        )
        account.user.set_password(DEMO_PASSWORD)
        account.user.save(update_fields=["password"])
    if WorkerCard.objects.exists():
        return 0
    issued = 0
    employments = (
        Employment.objects.current()
        .filter(enterprise__business_status=Enterprise.BusinessStatus.OPERATING)
        .select_related("enterprise")
        .order_by("enterprise_id", "pk")[:DEMO_CARDS]
    )
    for employment in employments:
        if card_issue_problem(employment) is None:
            card_issue(actor=None, warnings_confirmed=True, employment=employment)
            issued += 1
    return issued


@transaction.atomic
def demo_accounts_seed() -> list[DemoAccount]:
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.full_name,
                "is_staff": True,
                "is_superuser": account.superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.role:
            user.groups.add(Group.objects.get(name=account.role))
    return list(DEMO_ACCOUNTS)


@dataclass(frozen=True)
class DemoSize:
    enterprises: int
    workers: int
    residents: int


# The county `make run` shows.
FULL = DemoSize(enterprises=30, workers=300, residents=RESIDENTS)
# A small county told through the same code paths (`seed_demo --light`): enough enterprises
# for the lagging and the warned ones (LAGGING_ENTERPRISES, WARNED_ENTERPRISE) with nine in
# ten dossiers still complete, enough workers for every kind of incomplete dossier (one in
# ten, five kinds), enough residents for the three the logins name.
LIGHT = DemoSize(enterprises=28, workers=60, residents=20)


def demo_seed(
    *,
    stdout=None,
    enterprises: int = FULL.enterprises,
    workers: int = FULL.workers,
    residents: int = FULL.residents,
) -> list[DemoAccount]:
    """The demo county, seeded in the order its story happened: registers, then each
    year's facts up to its rating day, the rating, then the facts after it. A smaller
    county has fewer enterprises and workers (LIGHT, or smaller still in tests)."""
    roles.roles_sync()
    accounts = demo_accounts_seed()
    story = demo_story()
    created = registry_demo_seed(enterprises=enterprises, workers=workers)
    pledges = credit_demo_pledges_seed(story)
    rated = {}
    complaints = {"complaints": 0, "reviews": 0}
    milestones = [story.rating_day(story.last_year), story.rating_day(story.this_year)]
    for year, rating_day in zip((story.last_year, story.this_year), milestones, strict=True):
        until = min(rating_day - timedelta(days=1), story.today)
        credit_demo_facts_seed(story, until=until)
        for key, count in complaints_demo_seed(story, until=until).items():
            complaints[key] += count
        complaints["reviews"] += reviews_demo_seed(story, until=until)
        subjects = credit_demo_rate(story, year)
        if subjects:
            rated[year] = subjects
    credit_demo_facts_seed(story, until=story.today)
    for key, count in complaints_demo_seed(story, until=story.today).items():
        complaints[key] += count
    complaints["reports"] = reports_demo_seed(story)
    complaints["reviews"] += reviews_demo_seed(story, until=story.today)
    credit_demo_consents_seed()
    incentives = incentives_demo_seed(residents=residents)
    online = incentives_online_demo_seed()
    published = articles_demo_seed(story)
    cards = portal_demo_seed()
    reports = credit_demo_reports_seed(DEMO_PORTAL_USERNAME, CREDIT_OFFICER_USERNAME)
    agreements = agreements_demo_seed()
    bookings = bookings_demo_seed()
    complaints["reviews"] += reviews_demo_proof_seed()
    rounds = inspections_demo_seed()
    plan = programme_demo_seed(story)
    if stdout is not None:
        stdout.write(
            f"档案：新增企业 {created['enterprises']} 家、从业人员 {created['workers']} 人。"
        )
        for year, count in rated.items():
            stdout.write(f"信用评价：{year}年度评价 {count} 个主体。")
        stdout.write(
            f"守信激励：企业参与 {incentives['participations']} 项次、登记居民 "
            f"{incentives['residents']} 人、优惠核销 {incentives['redemptions']} 次。"
        )
        stdout.write(f"居民网上登记：新增 {online} 人（部分待核实）。")
        stdout.write(
            f"投诉与评价：新增投诉 {complaints['complaints']} 件、举报 {complaints['reports']} 件、"
            f"服务评价 {complaints['reviews']} 条。"
        )
        stdout.write(f"宣传文章：新增 {published} 篇。")
        stdout.write(f"居家上门服务证：新发 {cards} 张。")
        stdout.write(f"信用承诺书：新增签署 {pledges} 家。")
        stdout.write(f"信用报告：新出具 {reports} 份。")
        stdout.write(f"标准化服务约定：新出具 {agreements} 份。")
        stdout.write(f"双随机抽查：新抽取 {rounds} 轮。")
        stdout.write(f"预约派单：新增预约 {bookings} 个（各种状态）。")
        stdout.write(
            f"工作计划：{story.this_year}年度任务 {plan['tasks']} 项已分配责任人、"
            f"工作自查 {plan['inspections']} 次、任务提醒 {plan['reminders']} 条。"
        )
    return accounts


def demo_articles(story: DemoStory) -> tuple:
    year = story.this_year
    rated_year = year if story.rated(year) else story.last_year
    return (
        (
            Article.Kind.POLICY,
            "一图读懂“信易+家政”：信用等级怎么评、有什么用",
            "家政企业和从业人员每年评定一次信用等级，守信者在预约、扶持和培训上优先。",
            "县工信商务局为全县家政企业、个体经营者和从业人员建立信用档案，做到“一企一档、一人一档”。\n\n"
            "每年按经营合规、服务质量、客户口碑、履约守信四个方面评分，满分100分：90分以上为AAA诚信示范，"
            "80分以上为AA诚信良好，60分以上为A诚信合格，其余为B诚信警示。评价结果向社会公示，公示期内有异议可以提出。\n\n"
            "信用良好的居民在高等级企业享受服务优惠、优先预约和免费咨询；AAA、AA级企业优先获得行业扶持和培训名额。",
        ),
        (
            Article.Kind.CASE,
            "典型案例：城关镇一家政企业主动退还多收费用获群众点赞",
            "接到投诉后当天上门核实、三天内退款，企业的做法被评为守信典型。",
            f"{rated_year}年9月，城关镇一位居民反映家政服务收费高于公示价格。企业接到投诉后当天安排负责人上门核实，"
            "确认收费有误后主动退还多收的费用，并向居民道歉。\n\n"
            "该企业随后对全部服务项目重新公示收费标准，组织员工学习标准化服务约定。"
            "此事在年度信用评价中作为履约守信的正面记录，企业被评为AAA级诚信示范企业。",
        ),
        (
            Article.Kind.NOTICE,
            f"关于开展{year}年度家政行业信用评价的通知",
            "请各家政企业在评价前通过企业端核对本企业档案和从业人员信息。",
            f"根据《舟曲县“信易+家政”工作实施方案》，县工信商务局将于{year}年"
            f"{story.rating_day(year).month}月{story.rating_day(year).day}日开展{year}年度家政行业信用评价。\n\n"
            "请各家政企业在评价前登录企业端，核对本企业证照、服务项目、收费标准和从业人员健康证等信息，"
            "有变化的及时提交更新。评价结果将在本网站公示，公示期内可提出异议。",
        ),
    )


@transaction.atomic
def articles_demo_seed(story: DemoStory) -> int:
    """A few published articles for the public site; returns how many were created."""
    created = 0
    for kind, title, summary, body in demo_articles(story):
        if Article.objects.filter(title=title).exists():
            continue
        article = articles.article_save(
            actor=None, article=Article(kind=kind, title=title, summary=summary, body=body)
        )
        articles.article_publish(actor=None, article=article)
        created += 1
    return created
