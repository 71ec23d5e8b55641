"""Messages about a case, through an outbox.

`notification_queue` writes the messages in the caller's transaction and enqueues their
delivery after commit (core.outbox). If the broker is unreachable the rows stay pending and
the outbox drain (every few minutes, from beat) sends them when it is back; a gateway
failure is retried the same way up to MAX_DELIVERY_ATTEMPTS. Each row is sent at most once.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.notifications import send_email, send_sms
from core.outbox import Undeliverable, outbox_enqueue, outbox_register
from core.personal_data import decrypt
from core.validators import clean_mobile

from ..models import Complaint, Notification

MAX_DELIVERY_ATTEMPTS = 8
# The signature registered with the SMS carrier: the same in every language.
SITE = "舟曲县信易+家政"
TRACK_HINT = _("可在“信易+家政”平台“投诉进度查询”输入投诉编号和手机号查看进度。")

R = Notification.Recipient
# event → (recipient, SMS text, e-mail subject). Texts are formatted with the case's
# tracking number, the enterprise's name and the event's context.
MESSAGES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "received": (
        (R.COMPLAINANT,
         _("【{site}】您的投诉已收到，投诉编号{number}，"
          "我们将在{due}前决定是否受理。{track}"),
         _("投诉已收到")),
    ),
    "accepted": (
        (R.COMPLAINANT, _("【{site}】您的投诉{number}已受理，将组织调解，调解期限至{due}。{track}"),
         _("投诉已受理")),
        (R.ENTERPRISE,
         _("【{site}】贵单位收到投诉{number}，请于{response_due}前登录企业服务平台答复。"),
         _("收到投诉，请及时答复")),
    ),
    "not_accepted": (
        (R.COMPLAINANT, _("【{site}】您的投诉{number}不予受理，理由：{reason}。{track}"),
         _("投诉不予受理")),
    ),
    "referred": (
        (R.COMPLAINANT, _("【{site}】您的投诉{number}不属本局职责，已于{day}转{body}办理。{track}"),
         _("投诉已转办")),
    ),
    "mediation_ended": (
        (R.COMPLAINANT, _("【{site}】您的投诉{number}调解已结束：{result}。{track}"),
         _("投诉调解结束")),
    ),
    "closed": (
        (R.COMPLAINANT,
         _("【{site}】您的投诉{number}已办结。欢迎在投诉进度查询页面对办理情况进行评价。"),
         _("投诉已办结")),
    ),
    "reopened": (
        (R.COMPLAINANT, _("【{site}】您的投诉{number}已重新办理。{track}"), _("投诉重新办理")),
    ),
    "assigned": (
        (R.OFFICER, _("投诉{number}已分配给您承办，当前阶段期限{due}。"), _("新分配的投诉")),
    ),
    "due_soon": (
        (R.OFFICER, _("投诉{number}的{stage}期限{due}即将到期（已用时限70%），请抓紧办理。"),
         _("投诉即将到期")),
    ),
    "overdue": (
        (R.OFFICER, _("投诉{number}的{stage}期限{due}已超期，请尽快办理。"), _("投诉已超期")),
    ),
}  # fmt: skip
# A 举报 has no mediation: its own words where they differ; elsewhere 投诉 reads 举报.
REPORT_MESSAGES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "accepted": (
        (R.COMPLAINANT, _("【{site}】您的举报{number}已受理，将调查核实，期限至{due}。{track}"),
         _("举报已受理")),
        (R.ENTERPRISE,
         _("【{site}】贵单位被举报（{number}），请于{response_due}前登录企业服务平台说明情况。"),
         _("收到举报，请及时说明情况")),
    ),
}  # fmt: skip


def _messages(complaint: Complaint, event: str):
    if complaint.is_report and event in REPORT_MESSAGES:
        return REPORT_MESSAGES[event], False
    return MESSAGES[event], complaint.is_report


def _language(complaint: Complaint, recipient: str) -> str:
    """The complainant reads the language of the page they used; everyone else Chinese."""
    if recipient == R.COMPLAINANT and complaint.language:
        return complaint.language
    return settings.LANGUAGE_CODE


def _format(template: str, complaint: Complaint, context: dict) -> str:
    values = {key: (format(value, gettext("%Y年%m月%d日")) if hasattr(value, "strftime") else value)
              for key, value in context.items()}  # fmt: skip
    return template.format(
        site=SITE, number=complaint.tracking_number, track=TRACK_HINT,
        enterprise=complaint.enterprise_label, **values,
    )  # fmt: skip


def notification_queue(*, complaint: Complaint, event: str, context: dict | None = None) -> list:
    """Write the messages of `event` for `complaint` and deliver them after commit.
    Recipients without an address (an officer without e-mail, an enterprise without a
    mobile number) are skipped: the case's pages show the same information.
    Each text is written in its recipient's language (`_language`)."""
    context = context or {}
    rows = []
    messages, as_report = _messages(complaint, event)
    for recipient, text, subject in messages:
        with translation.override(_language(complaint, recipient)):
            text, subject = str(text), str(subject)
            if as_report:  # 举报 reads where the complaint's wording says 投诉
                text, subject = text.replace("投诉", "举报"), subject.replace("投诉", "举报")
            body = _format(text, complaint, context)
        for channel in _channels(complaint, recipient):
            rows.append(
                Notification(
                    complaint=complaint,
                    recipient=recipient,
                    channel=channel,
                    subject=subject,
                    body=body,
                )
            )
    created = Notification.objects.bulk_create(rows)
    outbox_enqueue(NOTIFICATIONS, [row.pk for row in created])
    return created


def _channels(complaint: Complaint, recipient: str) -> list[str]:
    if recipient == R.COMPLAINANT:
        return [Notification.Channel.SMS] + (
            [Notification.Channel.EMAIL] if complaint.email else []
        )
    if recipient == R.OFFICER:
        officer = complaint.officer
        return [Notification.Channel.EMAIL] if officer is not None and officer.email else []
    enterprise = complaint.enterprise
    if enterprise is None:
        return []
    channels = []
    if _enterprise_mobile(enterprise):
        channels.append(Notification.Channel.SMS)
    if enterprise.email:
        channels.append(Notification.Channel.EMAIL)
    return channels


def _enterprise_mobile(enterprise) -> str | None:
    try:
        return clean_mobile(enterprise.phone)
    except Exception:  # a landline: no SMS
        return None


def _address(notification: Notification) -> str | None:
    """Resolved at sending time, so the outbox holds no copy of a phone number."""
    complaint = notification.complaint
    sms = notification.channel == Notification.Channel.SMS
    if notification.recipient == R.COMPLAINANT:
        return decrypt(complaint.phone_encrypted) if sms else complaint.email
    if notification.recipient == R.OFFICER:
        return complaint.officer.email if complaint.officer_id else None
    if complaint.enterprise_id is None:
        return None
    return _enterprise_mobile(complaint.enterprise) if sms else complaint.enterprise.email


def _notification_send(notification: Notification) -> None:
    address = _address(notification)
    if not address:
        raise Undeliverable("no address for this recipient any more")
    if notification.channel == Notification.Channel.EMAIL:
        send_email(address, f"{SITE}：{notification.subject}", notification.body)
    else:
        send_sms(address, notification.body)


NOTIFICATIONS = outbox_register(
    Notification,
    send=_notification_send,
    max_attempts=MAX_DELIVERY_ATTEMPTS,
    select_related=("complaint__officer", "complaint__enterprise"),
    sms=Q(channel=Notification.Channel.SMS),
)
