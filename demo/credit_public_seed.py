"""The demo county's transparency records of credit: the credit pledge signed by most
enterprises, credit reports issued in the portal and from a dossier, a worker to sign in as
at /workers/ and a worker's consent to be named in full."""

from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from credit.models import CreditReport, PledgeSignature, PledgeText, Rating
from credit.services import credit_report_issue, pledge_publish, pledge_sign
from registry.models import Enterprise, Worker

from .credit_seed import WARNED_ENTERPRISE
from .story import DemoStory


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


# --- The credit pledge (信用承诺书) -------------------------------------------------------------

PLEDGE_TITLE = "舟曲县家政服务企业信用承诺书"
PLEDGE_BODY = """为营造诚实守信的家政服务环境，本企业自愿作出如下承诺：
一、依法经营。遵守国家法律法规和家政服务行业规范，依法办理登记和许可，如实提供企业信息，不弄虚作假。
二、明码标价。在经营场所和“信易+家政”平台公示服务项目和收费标准，不超出公示价格收费，不收取未告知的费用。
三、签订服务约定。与客户签订书面服务合同或服务约定，写明服务内容、时间、价格和双方责任，按约提供服务。
四、持证上岗。从业人员经过培训、持有效健康证和居家上门服务证上岗，上门服务主动出示证件、接受核验。
五、保护客户隐私。不泄露、不买卖客户的个人信息和家庭情况，不擅自拍摄、传播客户家中情况。
六、接受监督。接受行业主管部门的监督检查和群众监督，及时处理客户投诉，配合做好信用评价。
七、违诺担责。如违背上述承诺，自愿接受主管部门依法依规采取的失信约束措施，承担相应法律责任，违诺情况记入企业信用档案并向社会公示。"""
# Every fourth enterprise has not signed yet, nor has the portal's demo enterprise (the
# first), so that a newcomer can sign it in the portal.
PLEDGE_UNSIGNED_EVERY = 4


@transaction.atomic
def credit_demo_pledges_seed(story: DemoStory) -> int:
    """The pledge published during last year's mobilisation and signed in March by most
    operating enterprises (before any fact of the year is recorded, so that a serious
    negative record of theirs is a breach). Returns the number of signatures made."""
    pledge = PledgeText.objects.current()
    if pledge is None:
        pledge = pledge_publish(actor=None, title=PLEDGE_TITLE, body=PLEDGE_BODY)
        PledgeText.objects.filter(pk=pledge.pk).update(
            published_at=_at(date(story.last_year, 2, 1))
        )
    if PledgeSignature.objects.exists():
        return 0
    signed = 0
    enterprises = Enterprise.objects.active().order_by("pk")
    for index, enterprise in enumerate(enterprises):
        if index == 0 or index % PLEDGE_UNSIGNED_EVERY == PLEDGE_UNSIGNED_EVERY - 1:
            continue
        signature = pledge_sign(
            actor=None,
            enterprise=enterprise,
            pledge=pledge,
            signer_name=enterprise.legal_representative,
            agreed=True,
        )
        PledgeSignature.objects.filter(pk=signature.pk).update(
            signed_at=_at(date(story.last_year, 3, 1) + timedelta(days=index % 28))
        )
        signed += 1
    return signed


@transaction.atomic
def credit_demo_reports_seed(portal_username: str, officer_username: str) -> int:
    """Credit reports for the portal's list, the dossier and /credit/reports/verify/: one of
    the first demo enterprise, issued through the portal by its account, and one of the
    enterprise under differentiated management (its penalties listed), issued by the credit
    officer from its dossier. Returns the number issued; a second run issues none."""
    users = get_user_model().objects
    enterprises = list(Enterprise.objects.order_by("pk"))
    wanted = [(0, portal_username, CreditReport.Channel.PORTAL)]
    wanted.append((WARNED_ENTERPRISE, officer_username, CreditReport.Channel.ADMIN))
    issued = 0
    for index, username, channel in wanted:
        if index >= len(enterprises):
            continue
        enterprise = enterprises[index]
        if CreditReport.objects.filter(enterprise=enterprise).exists():
            continue
        actor = users.filter(username=username).first()
        credit_report_issue(actor=actor, enterprise=enterprise, channel=channel)
        issued += 1
    return issued


def credit_demo_report_number() -> str | None:
    """The number of the first demo enterprise's report, for the seed's closing lines."""
    return (
        CreditReport.objects.filter(channel=CreditReport.Channel.PORTAL)
        .order_by("issued_at")
        .values_list("number", flat=True)
        .first()
    )


def credit_demo_worker_to_try() -> list[str]:
    """A demo worker to sign in as at /workers/ (their mobile, and what their record holds):
    the first worker with a publicised or final rating and a number nobody else has."""
    from core import personal_data

    rated = (
        Rating.objects.filter(
            status__in=[Rating.Status.PUBLICISED, Rating.Status.FINAL], worker__isnull=False
        )
        .order_by("worker_id")
        .values_list("worker_id", flat=True)
        .distinct()
    )
    workers = Worker.objects.filter(pk__in=list(rated[:50])).exclude(phone_hash="").order_by("pk")
    for worker in workers:
        if not Worker.objects.filter(phone_hash=worker.phone_hash).exclude(pk=worker.pk).exists():
            return [
                f"从业人员本人信用档案 {{site}}/workers/ ：演示从业人员{worker.name}，"
                f"手机号 {personal_data.phone_plain(worker, 'phone')}，"
                "获取短信验证码后登录（验证码在日志里）。"
            ]
    return []


def credit_demo_consents_seed() -> int:
    """The best worker on the latest honour roll agreed to be named in full with their photo
    (the others stay masked). Returns the number of consents recorded."""
    from credit.selectors_honour import honoured_worker_ratings, latest_final_year
    from registry.models import PublicNameConsent
    from registry.services.consents import public_name_consent_give

    year = latest_final_year()
    honoured = honoured_worker_ratings(year) if year else []
    if not honoured or PublicNameConsent.objects.exists():
        return 0
    public_name_consent_give(worker=honoured[0].worker)
    return 1
