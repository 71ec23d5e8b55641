"""The credit pledge (信用承诺书): staff publish versions, enterprises sign the version in
force from the portal, and a serious negative credit record of an enterprise that signed is
recorded as a breach of its pledge (and marked revoked when the record is revoked)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audited_save, history_user
from registry.models import Enterprise

from ..models import CreditEvent, PledgeBreach, PledgeSignature, PledgeText, Severity

SIGNER_NAME_MIN = 2


@transaction.atomic
def pledge_publish(*, actor, title: str, body: str) -> PledgeText:
    """Publish a new version of the pledge; it is in force at once, and every enterprise is
    asked to sign it. Earlier versions and their signatures stay as they were."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "请填写承诺书标题。"
    if not body:
        errors["body"] = "请填写承诺内容。"
    if errors:
        raise ValidationError(errors)
    latest = PledgeText.objects.select_for_update().order_by("-version").first()
    pledge = PledgeText(
        version=(latest.version + 1) if latest else 1,
        title=title,
        body=body,
        published_at=timezone.now(),
        published_by=history_user(actor),
    )
    pledge.full_clean()
    try:
        with transaction.atomic():
            audited_save(pledge, actor=actor, reason="发布信用承诺书")
    except IntegrityError:
        # Another version was published at the same moment.
        raise ValidationError("另一版本刚刚发布，请刷新后重试。", code="version_taken") from None
    return pledge


def pledge_sign_problems(*, enterprise: Enterprise, pledge: PledgeText | None) -> list[str]:
    """Why `enterprise` may not sign `pledge` now (empty when it may): only the version in
    force is signed, once, and only by an operating enterprise."""
    current = PledgeText.objects.current()
    if current is None:
        return ["信用承诺书尚未发布。"]
    if pledge is None or pledge.pk != current.pk:
        return [f"信用承诺书已更新为第{current.version}版，请阅读新版本后再签署。"]
    if enterprise.business_status != Enterprise.BusinessStatus.OPERATING:
        return [f"企业经营状态为“{enterprise.get_business_status_display()}”，不能签署。"]
    if PledgeSignature.objects.filter(enterprise=enterprise, pledge=pledge).exists():
        return [f"本企业已签署第{pledge.version}版信用承诺书。"]
    return []


@transaction.atomic
def pledge_sign(
    *, actor, enterprise: Enterprise, pledge: PledgeText | None, signer_name: str, agreed: bool
) -> PledgeSignature:
    """Sign `pledge` for `enterprise`: who (the portal account and the name typed), when and
    which version. A signature is never edited; a new version is signed anew."""
    # One signature at a time per enterprise: the lock orders two clicks of the button.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    signer_name = (signer_name or "").strip()
    errors: dict[str, str] = {}
    if len(signer_name) < SIGNER_NAME_MIN:
        errors["signer_name"] = "请填写签署人姓名（至少两个字）。"
    if not agreed:
        errors["agreed"] = "请勾选“我已阅读并承诺”。"
    if errors:
        raise ValidationError(errors)
    if problems := pledge_sign_problems(enterprise=enterprise, pledge=pledge):
        raise ValidationError(problems[0], code="cannot_sign")
    signature = PledgeSignature(
        enterprise=enterprise,
        pledge=pledge,
        signed_by=history_user(actor),
        signer_name=signer_name,
        signed_at=timezone.now(),
    )
    signature.full_clean()
    return audited_save(signature, actor=actor, reason="签署信用承诺书")


def _is_breach(event: CreditEvent) -> bool:
    return (
        event.enterprise_id is not None
        and event.severity == Severity.SERIOUS
        and event.is_negative
        and event.status == CreditEvent.Status.ACTIVE
    )


def _signature_before(event: CreditEvent) -> PledgeSignature | None:
    """The enterprise's latest signature made on or before the day of the fact."""
    return (
        PledgeSignature.objects.filter(
            enterprise_id=event.enterprise_id, signed_at__date__lte=event.occurred_on
        )
        .order_by("-signed_at")
        .first()
    )


def pledge_breach_record(*, actor, event: CreditEvent) -> PledgeBreach | None:
    """Record the breach of a new record, in the caller's transaction, when it is one: a
    serious negative record of an enterprise dated on or after the enterprise signed."""
    if not _is_breach(event) or (signature := _signature_before(event)) is None:
        return None
    breach = PledgeBreach(signature=signature, event=event, recorded_at=timezone.now())
    return audited_save(breach, actor=actor, reason="严重失信记录，记入违背承诺")


def pledge_breach_sync(*, actor, event: CreditEvent) -> PledgeBreach | None:
    """Keep the breach of `event` in line with it after a change of its status, in the
    caller's transaction: when the record is revoked the breach is marked revoked, and
    unmarked if the record comes back (a record that was none yet is checked afresh)."""
    breach = PledgeBreach.objects.select_for_update().filter(event=event).first()
    if breach is None:
        return pledge_breach_record(actor=actor, event=event)
    if event.status == CreditEvent.Status.REVOKED and breach.revoked_at is None:
        breach.revoked_at = timezone.now()
        audited_save(breach, actor=actor, update_fields=["revoked_at"], reason="信用记录已撤销")
    elif event.status == CreditEvent.Status.ACTIVE and breach.revoked_at is not None:
        breach.revoked_at = None
        audited_save(breach, actor=actor, update_fields=["revoked_at"], reason="信用记录恢复")
    return breach
