"""Messages about a case, through an outbox.

`notification_queue` writes the messages in the caller's transaction and enqueues their
delivery after commit (core.outbox). If the broker is unreachable the rows stay pending and
the outbox drain (every few minutes, from beat) sends them when it is back; a gateway
failure is retried the same way up to MAX_DELIVERY_ATTEMPTS. Each row is sent at most once.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.notifications import send_email, send_sms
from core.outbox import Undeliverable, outbox_enqueue, outbox_register
from core.personal_data import decrypt
from core.validators import clean_mobile

from ..models import Complaint, Notification

MAX_DELIVERY_ATTEMPTS = 8
# The platform's name in e-mail subjects (text messages carry settings.SMS_SIGNATURE, added
# by core.notifications.send_sms).
SITE = "舟曲县信易+家政"
TRACK_HINT = _("可在“信易+家政”平台“投诉进度查询”输入投诉编号和手机号查看进度。")
REPORT_TRACK_HINT = _("可在“信易+家政”平台“投诉进度查询”输入举报编号和手机号查看进度。")

R = Notification.Recipient
# event → (recipient, SMS text, e-mail subject). Texts are formatted with the case's
# tracking number, the enterprise's name and the event's context.
MESSAGES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "received": (
        (R.COMPLAINANT,
         _("您的投诉已收到，投诉编号{number}，"
          "我们将在{due}前决定是否受理。{track}"),
         _("投诉已收到")),
    ),
    "accepted": (
        (R.COMPLAINANT, _("您的投诉{number}已受理，将组织调解，调解期限至{due}。{track}"),
         _("投诉已受理")),
        (R.ENTERPRISE,
         _("贵单位收到投诉{number}，请于{response_due}前登录企业服务平台答复。"),
         _("收到投诉，请及时答复")),
    ),
    "not_accepted": (
        (R.COMPLAINANT, _("您的投诉{number}不予受理，理由：{reason}。{track}"),
         _("投诉不予受理")),
    ),
    "referred": (
        (R.COMPLAINANT, _("您的投诉{number}不属本局职责，已于{day}转{body}办理。{track}"),
         _("投诉已转办")),
    ),
    "mediation_ended": (
        (R.COMPLAINANT, _("您的投诉{number}调解已结束：{result}。{track}"),
         _("投诉调解结束")),
    ),
    "closed": (
        (R.COMPLAINANT,
         _("您的投诉{number}已办结。欢迎在投诉进度查询页面对办理情况进行评价。"),
         _("投诉已办结")),
    ),
    "reopened": (
        (R.COMPLAINANT, _("您的投诉{number}已重新办理。{track}"), _("投诉重新办理")),
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
# A 举报 has its own words for every event (it has no mediation, so no "mediation_ended").
REPORT_MESSAGES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "received": (
        (R.COMPLAINANT,
         _("您的举报已收到，举报编号{number}，我们将在{due}前决定是否受理。{track}"),
         _("举报已收到")),
    ),
    "accepted": (
        (R.COMPLAINANT, _("您的举报{number}已受理，将调查核实，期限至{due}。{track}"),
         _("举报已受理")),
        (R.ENTERPRISE,
         _("贵单位被举报（{number}），请于{response_due}前登录企业服务平台说明情况。"),
         _("收到举报，请及时说明情况")),
    ),
    "not_accepted": (
        (R.COMPLAINANT, _("您的举报{number}不予受理，理由：{reason}。{track}"),
         _("举报不予受理")),
    ),
    "referred": (
        (R.COMPLAINANT, _("您的举报{number}不属本局职责，已于{day}转{body}办理。{track}"),
         _("举报已转办")),
    ),
    "closed": (
        (R.COMPLAINANT,
         _("您的举报{number}已办结。欢迎在投诉进度查询页面对办理情况进行评价。"),
         _("举报已办结")),
    ),
    "reopened": (
        (R.COMPLAINANT, _("您的举报{number}已重新办理。{track}"), _("举报重新办理")),
    ),
    "assigned": (
        (R.OFFICER, _("举报{number}已分配给您承办，当前阶段期限{due}。"), _("新分配的举报")),
    ),
    "due_soon": (
        (R.OFFICER, _("举报{number}的{stage}期限{due}即将到期（已用时限70%），请抓紧办理。"),
         _("举报即将到期")),
    ),
    "overdue": (
        (R.OFFICER, _("举报{number}的{stage}期限{due}已超期，请尽快办理。"), _("举报已超期")),
    ),
}  # fmt: skip


def _messages(complaint: Complaint, event: str):
    return (REPORT_MESSAGES if complaint.is_report else MESSAGES)[event]


def _language(complaint: Complaint, recipient: str) -> str:
    """The complainant reads the language of the page they used; everyone else Chinese."""
    if recipient == R.COMPLAINANT and complaint.language:
        return complaint.language
    return settings.LANGUAGE_CODE


def _format(template: str, complaint: Complaint, context: dict) -> str:
    """`template` filled in, in the active language: dates written out, lazily translated
    values (a mediation's result) translated."""
    values = {key: (format(value, gettext("%Y年%m月%d日")) if hasattr(value, "strftime")
                    else str(value) if isinstance(value, Promise) else value)
              for key, value in context.items()}  # fmt: skip
    return template.format(
        number=complaint.tracking_number,
        track=REPORT_TRACK_HINT if complaint.is_report else TRACK_HINT,
        enterprise=complaint.enterprise_label, **values,
    )  # fmt: skip


def notification_queue(*, complaint: Complaint, event: str, context: dict | None = None) -> list:
    """Write the messages of `event` for `complaint` and deliver them after commit.
    Recipients without an address (an officer without e-mail, an enterprise without a
    mobile number) are skipped: the case's pages show the same information.
    Each text is written in its recipient's language (`_language`)."""
    context = context or {}
    rows = []
    for recipient, text, subject in _messages(complaint, event):
        with translation.override(_language(complaint, recipient)):
            subject = str(subject)
            body = _format(str(text), complaint, context)
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
