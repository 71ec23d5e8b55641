"""The public review form (服务评价). It checks the shape of the input; the rules (the
30-day limit, the service date window, worker and enterprise matching) live in
`reviews.services`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from agreements.forms import AgreementNumberField, tie_agreement
from agreements.selectors import agreement_service_category
from core.form_errors import ResidentFormMixin
from core.validators import clean_mobile
from registry.code_forms import CodeForm
from registry.models import Enterprise, ServiceCategory
from registry.selectors import worker_from_ref

from .services import COMMENT_MAX_LENGTH

SCORE_CHOICES = [
    (5, _("5分 非常满意")),
    (4, _("4分 满意")),
    (3, _("3分 一般")),
    (2, _("2分 不满意")),
    (1, _("1分 很不满意")),
]
SCORE_REQUIRED = _("请为这一项打分（1至5分）。")


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enterprise) -> str:
        return obj.name


def score_field(label: str, help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "score-input"}),
        error_messages={"required": SCORE_REQUIRED, "invalid_choice": SCORE_REQUIRED},
    )


class ReviewForm(ResidentFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("您的手机号码"),
        max_length=20,
        help_text=_("用于接收短信验证码和防止重复评价，不会公开，也不会显示给企业。"),
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}
        ),
        error_messages={"required": _("请填写手机号码。")},
    )
    # The SMS code sent to the phone above ("获取短信验证码" on the same form).
    code = CodeForm.base_fields["code"]
    reviewer_name = forms.CharField(
        label=_("您的称呼（可不填）"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("如：王阿姨")}),
    )
    agreement_number = AgreementNumberField()
    enterprise = EnterpriseChoiceField(
        label=_("家政企业"),
        queryset=Enterprise.objects.order_by("name", "id"),
        required=False,
        empty_label=_("（不评价企业 / 不清楚）"),
        error_messages={"invalid_choice": _("所选企业不存在，请重新选择。")},
    )
    # Reached from a worker's card or verification page only: residents do not pick a
    # worker from a public list of names.
    worker = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)
    service_date = forms.DateField(
        label=_("服务日期"),
        help_text=_("服务完成的日期，例如 2025-10-08。"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("请填写服务日期。"),
            "invalid": _("请按“年-月-日”填写服务日期，例如 2025-10-08。"),
        },
    )
    service_category = forms.ModelChoiceField(
        label=_("服务项目（可不选）"),
        queryset=ServiceCategory.objects.filter(is_active=True).order_by("sort_order", "name"),
        required=False,
        empty_label=_("（不清楚 / 其他）"),
        error_messages={"invalid_choice": _("所选服务项目不存在，请重新选择。")},
    )
    quality = score_field(_("服务质量"), _("活干得好不好、是否按标准完成。"))
    punctuality = score_field(_("准时守约"), _("是否按约定时间上门、按约定内容服务。"))
    attitude = score_field(_("服务态度"), _("是否礼貌耐心、尊重您和家人。"))
    comment = forms.CharField(
        label=_("评价内容（可不填）"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=format_lazy(
            _("不超过{n}字。请勿填写身份证号、住址等个人信息。"), n=COMMENT_MAX_LENGTH
        ),
        error_messages={
            "max_length": format_lazy(_("评价内容不能超过{n}字。"), n=COMMENT_MAX_LENGTH)
        },
    )
    # Honeypot: hidden from people, filled in by bots.
    website = forms.CharField(
        label=_("网址（请留空）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data["phone"])

    def clean_worker(self):
        """The worker travels as a signed reference (`registry.selectors.worker_ref`),
        so the form cannot be used to review — or learn the names of — arbitrary ids."""
        ref = self.cleaned_data.get("worker", "")
        if not ref:
            return None
        worker = worker_from_ref(ref)
        if worker is None:
            raise ValidationError(_("未找到该从业人员，请重新扫描服务证上的二维码。"))
        return worker

    def clean(self):
        cleaned = super().clean()
        cleaned["service_agreement"] = None
        if cleaned.get("agreement_number"):
            self._tie_agreement(cleaned)
            return cleaned
        if (
            not self.has_error("enterprise")
            and not self.has_error("worker")
            and not cleaned.get("enterprise")
            and not cleaned.get("worker")
        ):
            raise ValidationError(
                _("请选择被评价的家政企业。评价从业人员个人，请扫描其服务证上的二维码进入本页。"),
                code="no_subject",
            )
        return cleaned

    def _tie_agreement(self, cleaned) -> None:
        """A standard service agreement names the enterprise, the worker and the service."""
        agreement = tie_agreement(
            self, number_field="agreement_number", mobile=cleaned.get("phone")
        )
        if agreement is None:
            return
        cleaned["service_agreement"] = agreement
        cleaned["enterprise"] = agreement.enterprise
        cleaned["worker"] = agreement.worker
        cleaned["service_category"] = cleaned.get("service_category") or (
            agreement_service_category(agreement)
        )

    @classmethod
    def retyped(cls, data) -> "ReviewForm":
        """An unbound form showing what was typed (after "获取短信验证码"), without errors."""
        keep = [name for name in cls.base_fields if name not in ("code", "website")]
        initial = {name: data.get(name, "") for name in keep if data.get(name, "")}
        return cls(initial=initial)

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))
