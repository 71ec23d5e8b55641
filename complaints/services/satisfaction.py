"""The resident's rating of how a closed case was handled."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Complaint, Status
from .handling import _locked


@transaction.atomic
def complaint_satisfaction_rate(
    *, complaint: Complaint, score: int, comment: str = ""
) -> Complaint:
    """The resident's rating (1–5) of how the case was handled; once, after it is closed."""
    complaint = _locked(complaint)
    if complaint.status != Status.CLOSED:
        raise ValidationError(_("投诉办结后才能评价。"))
    if complaint.satisfaction is not None:
        raise ValidationError(_("您已经评价过了，感谢您的反馈。"))
    if score not in range(1, 6):
        raise ValidationError({"satisfaction": _("请选择1到5分。")})
    complaint.satisfaction = score
    complaint.satisfaction_comment = comment.strip()[:1000]
    complaint.satisfaction_at = timezone.now()
    complaint.save(
        update_fields=["satisfaction", "satisfaction_comment", "satisfaction_at", "updated_at"]
    )
    return complaint
