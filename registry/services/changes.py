"""Change requests (企业信息变更申请): what an enterprise asks for through the portal, reviewed
by staff before it counts.

A request stores the field-by-field difference at the time it is submitted: the value the
enterprise saw ("old") and the value it wants ("new"). Approval re-reads the record under a
row lock and refuses when an "old" value no longer matches — someone changed the record in
the meantime — rather than silently overwriting that change. Applying goes through the
register services, so the history of the enterprise, its prices and its licences records
the approving staff member, the time and the request.

Status changes go through `CHANGE_REQUEST_MACHINE` only: pending → approved / rejected /
withdrawn.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from core.audit import audited_save, history_user
from core.portal import portal_account_for
from core.transitions import StatusMachine, TransitionError

from ..fast_track import review_target_apply
from ..models import (
    ChangeRequest,
    Enterprise,
    EnterpriseQualification,
    ServiceCategory,
    ServiceOffering,
)
from .documents import record_save, uploads_sanitise
from .subjects import enterprise_save

Status = ChangeRequest.Status
Kind = ChangeRequest.Kind

# What an enterprise may change about itself. The credit code, the kind of subject and the
# business status are identity facts that staff change from the registration records.
PROFILE_FIELDS = (
    "name",
    "legal_representative",
    "business_address",
    "registered_address",
    "township",
    "phone",
    "contact_person",
    "email",
    "established_on",
    "business_scope",
)
QUALIFICATION_FIELDS = ("kind", "name", "number", "issuer", "valid_from", "valid_to")
# Kinds of which an enterprise has at most one request under review at a time: a second
# one would be reviewed against values the first is about to change.
SINGLE_PENDING_KINDS = (Kind.PROFILE, Kind.OFFERINGS)
EMPTY = "（空）"


class ChangeRequestTransitionError(TransitionError):
    pass


CHANGE_REQUEST_MACHINE = StatusMachine(
    ChangeRequest,
    {
        Status.PENDING: {Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
    },
    message="该申请当前为“%(current)s”，不能改为“%(target)s”。",
    error=ChangeRequestTransitionError,
)


class ChangeRequestStaleError(ValidationError):
    """The record changed after the request was submitted: approving it would overwrite."""


# --- Values as stored in the request and as shown -----------------------------------------


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def _field_value(instance: models.Model, name: str):
    field = instance._meta.get_field(name)
    return _json_value(getattr(instance, field.attname))


def _field_display(model: type[models.Model], name: str, value) -> str:
    if value in (None, ""):
        return EMPTY
    field = model._meta.get_field(name)
    if field.is_relation:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    return str(value)


def _money(value) -> str:
    return f"{Decimal(value):.2f}"


@dataclass(frozen=True)
class DiffRow:
    label: str
    old: str
    new: str
    warning: str = ""


def change_request_diff(change_request: ChangeRequest) -> list[DiffRow]:
    """The field-by-field difference of a request, as staff and the enterprise read it."""
    changes = change_request.changes
    if change_request.kind == Kind.PROFILE:
        return [
            DiffRow(
                entry["label"],
                _field_display(Enterprise, name, entry["old"]),
                _field_display(Enterprise, name, entry["new"]),
            )
            for name, entry in changes.items()
        ]
    if change_request.kind == Kind.OFFERINGS:
        rows = []
        for row in changes:
            title = f"{row['category_name']}（{row['unit']}）"
            old, new = row["old"] or {}, row["new"]
            if old.get("price") != new["price"]:
                price = Decimal(new["price"])
                outside = not Decimal(row["guide_min"]) <= price <= Decimal(row["guide_max"])
                rows.append(
                    DiffRow(
                        f"{title} · 收费标准",
                        _money(old["price"]) if old else "未登记",
                        _money(new["price"]),
                        f"超出指导价{row['guide_min']}–{row['guide_max']}" if outside else "",
                    )
                )
            if old.get("is_active", False) != new["is_active"]:
                rows.append(
                    DiffRow(
                        f"{title} · 是否提供",
                        ("提供中" if old.get("is_active") else "未提供") if old else "未登记",
                        "提供" if new["is_active"] else "停止提供",
                    )
                )
            if old.get("note", "") != new["note"]:
                rows.append(
                    DiffRow(f"{title} · 说明", old.get("note") or EMPTY, new["note"] or EMPTY)
                )
        return rows
    rows = []
    for name in QUALIFICATION_FIELDS:
        value = changes.get(name)
        shown = "长期有效" if name == "valid_to" and value is None else None
        rows.append(
            DiffRow(
                str(EnterpriseQualification._meta.get_field(name).verbose_name),
                "—",
                shown or _field_display(EnterpriseQualification, name, value),
            )
        )
    return rows


# --- The status machine ---------------------------------------------------------------------


def _locked(change_request: ChangeRequest) -> ChangeRequest:
    """The request re-read under a row lock: two staff deciding at once, or a decision and
    a withdrawal, are serialised and the second is refused by the transition check."""
    return ChangeRequest.objects.select_for_update().get(pk=change_request.pk)


def change_request_can_decide(change_request: ChangeRequest) -> bool:
    """Whether staff may still approve or reject the request: the review page offers its
    form, and the list its "审核" link, only then."""
    return CHANGE_REQUEST_MACHINE.can(change_request, Status.APPROVED)


def _transition(*, actor, change_request: ChangeRequest, to: str, reason: str = ""):
    return CHANGE_REQUEST_MACHINE.transition(
        change_request,
        to,
        actor=actor,
        changes={
            "reason": reason,
            "decided_at": timezone.now(),
            "decided_by": history_user(actor),
        },
    )


# --- Submitting (the portal) ----------------------------------------------------------------


def _lock_enterprise(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


def _refuse_second_pending(enterprise: Enterprise, kind: str) -> None:
    if kind in SINGLE_PENDING_KINDS and (
        ChangeRequest.objects.filter(
            enterprise=enterprise, kind=kind, status=Status.PENDING
        ).exists()
    ):
        raise ValidationError(
            "已有一项“%(kind)s”变更正在审核，请等待审核结果，或撤回后重新提交。",
            code="pending_exists",
            params={"kind": Kind(kind).label},
        )


def _submit(*, actor, enterprise, kind, changes, attachment=None) -> ChangeRequest:
    change_request = ChangeRequest(
        enterprise=enterprise,
        kind=kind,
        changes=changes,
        submitted_by=actor if getattr(actor, "pk", None) else None,
    )
    if attachment:
        change_request.attachment = attachment
    review_target_apply(change_request, enterprise.pk)
    change_request.full_clean()
    uploads_sanitise(change_request)
    return audited_save(change_request, actor=actor)


@transaction.atomic
def change_request_submit_profile(
    *, actor, enterprise: Enterprise, data: dict, attachment=None
) -> ChangeRequest:
    """Ask for the profile fields in `data` to change; only fields that differ are kept."""
    current = _lock_enterprise(enterprise)
    _refuse_second_pending(current, Kind.PROFILE)
    proposed = _lock_enterprise(enterprise)  # a second copy to validate the new values on
    changes = {}
    for name in PROFILE_FIELDS:
        if name not in data:
            continue
        new = _json_value(data[name])
        if new is None and isinstance(Enterprise._meta.get_field(name), models.CharField):
            new = ""
        old = _field_value(current, name)
        if new != old:
            field = Enterprise._meta.get_field(name)
            setattr(proposed, field.attname, new)
            changes[name] = {"label": str(field.verbose_name), "old": old, "new": new}
    if not changes:
        raise ValidationError("没有修改任何信息，无需提交。", code="no_change")
    proposed.full_clean()
    return _submit(
        actor=actor, enterprise=current, kind=Kind.PROFILE, changes=changes, attachment=attachment
    )


@dataclass(frozen=True)
class OfferingProposal:
    """What the enterprise wants for one catalogue item."""

    category: ServiceCategory
    price: Decimal | None
    note: str = ""
    is_active: bool = True


def _offering_state(offering: ServiceOffering | None) -> dict | None:
    if offering is None:
        return None
    return {
        "price": _money(offering.price),
        "note": offering.note,
        "is_active": offering.is_active,
    }


@transaction.atomic
def change_request_submit_offerings(
    *, actor, enterprise: Enterprise, proposals: list[OfferingProposal]
) -> ChangeRequest:
    """Ask for new prices, new offerings or offerings stopped; unchanged items are dropped."""
    current = _lock_enterprise(enterprise)
    _refuse_second_pending(current, Kind.OFFERINGS)
    existing = {o.category_id: o for o in ServiceOffering.objects.filter(enterprise=current)}
    rows, errors = [], []
    for proposal in proposals:
        category = proposal.category
        offering = existing.get(category.pk)
        old = _offering_state(offering)
        if proposal.is_active and proposal.price is None:
            errors.append(f"“{category.name}”：请填写收费标准。")
            continue
        if proposal.price is not None and proposal.price < 0:
            errors.append(f"“{category.name}”：价格不能为负。")
            continue
        if not proposal.is_active and offering is None:
            continue  # not offered and not asked for
        price = proposal.price if proposal.price is not None else offering.price
        new = {
            "price": _money(price),
            "note": proposal.note.strip(),
            "is_active": proposal.is_active,
        }
        if new == old:
            continue
        if offering is None and not category.is_active:
            errors.append(f"“{category.name}”已停用，不能新增。")
            continue
        rows.append(
            {
                "category": category.pk,
                "category_name": category.name,
                "unit": category.get_unit_display(),
                "guide_min": _money(category.guide_price_min),
                "guide_max": _money(category.guide_price_max),
                "offering": offering.pk if offering else None,
                "old": old,
                "new": new,
            }
        )
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError("服务项目和价格没有变化，无需提交。", code="no_change")
    return _submit(actor=actor, enterprise=current, kind=Kind.OFFERINGS, changes=rows)


@transaction.atomic
def change_request_submit_qualification(
    *, actor, enterprise: Enterprise, data: dict, scan
) -> ChangeRequest:
    """Submit a new licence or certificate with its scan; it is recorded once approved."""
    if not scan:
        raise ValidationError({"attachment": "请上传证照扫描件或照片。"})
    document = EnterpriseQualification(
        enterprise=enterprise, **{name: data.get(name) for name in QUALIFICATION_FIELDS}
    )
    document.name = document.name or ""
    document.number = document.number or ""
    document.issuer = document.issuer or ""
    document.full_clean(exclude=["scan"])
    changes = {name: _field_value(document, name) for name in QUALIFICATION_FIELDS}
    return _submit(
        actor=actor,
        enterprise=_lock_enterprise(enterprise),
        kind=Kind.QUALIFICATION,
        changes=changes,
        attachment=scan,
    )


@transaction.atomic
def change_request_withdraw(*, actor, change_request: ChangeRequest) -> ChangeRequest:
    """The enterprise takes back a request still under review."""
    account = portal_account_for(actor)
    if account is not None and account.enterprise_id != change_request.enterprise_id:
        raise PermissionDenied("只能撤回本企业的申请。")
    change_request = _locked(change_request)
    return _transition(actor=actor, change_request=change_request, to=Status.WITHDRAWN)


# --- Deciding (staff) -----------------------------------------------------------------------


def _stale(labels: list[str]) -> ChangeRequestStaleError:
    return ChangeRequestStaleError(
        "申请提交后，以下信息已被修改：%(fields)s。为避免覆盖他人的修改，不能直接通过此申请；"
        "请驳回并说明原因，由企业按最新信息重新提交。",
        code="stale",
        params={"fields": "、".join(labels)},
    )


def _apply_profile(actor, change_request: ChangeRequest) -> None:
    enterprise = _lock_enterprise(change_request.enterprise)
    changed = [
        entry["label"]
        for name, entry in change_request.changes.items()
        if _field_value(enterprise, name) != entry["old"]
    ]
    if changed:
        raise _stale(changed)
    for name, entry in change_request.changes.items():
        setattr(enterprise, Enterprise._meta.get_field(name).attname, entry["new"])
    enterprise._change_reason = f"企业信息变更申请 #{change_request.pk}"
    enterprise_save(actor=actor, enterprise=enterprise)


def _apply_offerings(actor, change_request: ChangeRequest) -> None:
    enterprise = change_request.enterprise
    offerings = {
        o.category_id: o
        for o in ServiceOffering.objects.select_for_update().filter(enterprise=enterprise)
    }
    changed = []
    for row in change_request.changes:
        offering = offerings.get(row["category"])
        if _offering_state(offering) != row["old"]:
            changed.append(row["category_name"])
    if changed:
        raise _stale(changed)
    for row in change_request.changes:
        offering = offerings.get(row["category"]) or ServiceOffering(
            enterprise=enterprise, category_id=row["category"]
        )
        offering.price = Decimal(row["new"]["price"])
        offering.note = row["new"]["note"]
        offering.is_active = row["new"]["is_active"]
        offering._change_reason = f"企业信息变更申请 #{change_request.pk}"
        record_save(actor=actor, record=offering)


def _apply_qualification(actor, change_request: ChangeRequest) -> None:
    data = change_request.changes
    document = EnterpriseQualification(
        enterprise=change_request.enterprise,
        verified=True,
        **{name: data.get(name) for name in QUALIFICATION_FIELDS},
    )
    document.valid_from = date.fromisoformat(data["valid_from"])
    document.valid_to = date.fromisoformat(data["valid_to"]) if data.get("valid_to") else None
    if change_request.attachment:
        # The attachment was checked and stripped of metadata when submitted: copy the
        # stored bytes into the licences' folder rather than re-encoding them.
        upload_to = timezone.localdate().strftime("enterprises/qualifications/%Y/")
        with change_request.attachment.open("rb") as source:
            document.scan.name = default_storage.save(
                upload_to + PurePosixPath(change_request.attachment.name).name, source
            )
    document._change_reason = f"企业信息变更申请 #{change_request.pk}"
    record_save(actor=actor, record=document)


APPLY = {
    Kind.PROFILE: _apply_profile,
    Kind.OFFERINGS: _apply_offerings,
    Kind.QUALIFICATION: _apply_qualification,
}


@transaction.atomic
def change_request_approve(
    *, actor, change_request: ChangeRequest, note: str = ""
) -> ChangeRequest:
    """Apply the request through the register services (audited as `actor`)."""
    change_request = _locked(change_request)
    CHANGE_REQUEST_MACHINE.check(change_request, Status.APPROVED)  # before touching the registers
    APPLY[change_request.kind](actor, change_request)
    return _transition(
        actor=actor, change_request=change_request, to=Status.APPROVED, reason=note.strip()
    )


@transaction.atomic
def change_request_reject(*, actor, change_request: ChangeRequest, reason: str) -> ChangeRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写不予通过的原因，企业将在平台上看到。"})
    change_request = _locked(change_request)
    return _transition(
        actor=actor, change_request=change_request, to=Status.REJECTED, reason=reason
    )
