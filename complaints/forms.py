"""Public complaint and tracking forms. They check shape and give Chinese messages; the
services enforce the rules. Every field works without JavaScript."""

import unicodedata
import uuid
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agreements.forms import AgreementNumberField, tie_agreement
from agreements.selectors import agreement_service_category
from core.choice_fields import ListedModelChoiceField
from core.files import validate_upload
from core.form_errors import ResidentFormMixin
from core.validators import clean_mobile
from registry.models import Enterprise, ServiceCategory, Township

from .models import Category
from .selectors import TRACKING_ALPHABET, enterprise_candidates, normalise_tracking_number
from .services.intake import MAX_ATTACHMENTS, complainant_name_problem, service_date_problem
from .services.pricing import charge_problems

NONE_OF_THESE = "none"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                gettext("最多上传%(max)s个附件，您选择了%(n)s个。")
                % {"max": MAX_ATTACHMENTS, "n": len(files)}
            )
        cleaned, errors = [], []
        for upload in files:
            try:
                upload = super().clean(upload, initial)
                validate_upload(upload)
            except ValidationError as error:
                errors.extend(f"“{upload.name}”：{message}" for message in error.messages)
                continue
            cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _mobile(value: str) -> str:
    return clean_mobile(value)


class AmountField(forms.DecimalField):
    """A number as residents type it: full-width digits, a trailing 元, thousands commas
    and spaces are accepted (“３００元”, “1,200”). A text box: type="number" would refuse
    “300元” in the browser without a word."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off")

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
            value = value.replace(",", "").replace(" ", "").removesuffix("元")
        return super().to_python(value)


@dataclass
class EnterpriseAnswer:
    """What the resident's words for the enterprise point to."""

    enterprise: Enterprise | None = None
    text: str = ""
    candidates: list[Enterprise] = field(default_factory=list)
    problem: str = ""


def enterprise_answer(query: str, choice: str, *, report: bool = False) -> EnterpriseAnswer:
    """A registered enterprise when the resident's words point to one, else free text.
    Several candidates: the form asks which one, with “none of these” as an answer, in the
    words of a 举报 when `report`."""
    query = (query or "").strip()
    if choice and choice != NONE_OF_THESE:
        enterprise = Enterprise.objects.filter(pk=choice if choice.isdecimal() else 0).first()
        if enterprise is None:
            return EnterpriseAnswer(problem=gettext("所选企业不存在，请重新填写。"))
        return EnterpriseAnswer(enterprise=enterprise)
    if not query:
        return EnterpriseAnswer()
    if choice == NONE_OF_THESE:
        return EnterpriseAnswer(text=query)
    candidates = enterprise_candidates(query)
    exact = [e for e in candidates if e.name == query or e.uscc == query.upper()]
    if len(exact) == 1:
        return EnterpriseAnswer(enterprise=exact[0])
    if candidates:
        if report:
            problem = gettext(
                "找到以下登记的企业，请选择您要举报的是哪一家；都不是请选“以上都不是”。"
            )
        else:
            problem = gettext(
                "找到以下登记的企业，请选择您要投诉的是哪一家；都不是请选“以上都不是”。"
            )
        return EnterpriseAnswer(candidates=candidates, problem=problem)
    return EnterpriseAnswer(text=query)


class IntakeForm(ResidentFormMixin, forms.Form):
    """What the complaint and the 举报 forms share: the one-time token, the honeypot, the
    contact details, attachments with the file checks and the consent."""

    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # A field people never see: bots fill it, residents cannot.
    homepage = forms.CharField(
        required=False,
        label=_("请勿填写此项"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    complainant_name = forms.CharField(label=_("您的姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("用于接收投诉编号和联系您，只有工作人员能看到。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("电子邮箱（可不填）"), required=False)
    township = ListedModelChoiceField(
        label=_("您所在的乡镇"),
        queryset=Township.objects.all(),
        empty_label=_("请选择乡镇"),
        error_messages={"invalid_choice": _("所选的乡镇不在列表中，请重新选择。")},
    )
    attachments = AttachmentsField(
        label=_("照片或材料（可不传）"),
        help_text=format_lazy(
            _("最多{n}个，支持JPG、PNG、PDF，每个不超过10MB。"), n=MAX_ATTACHMENTS
        ),
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意上述个人信息告知"),
        error_messages={"required": _("请阅读个人信息告知并勾选同意，否则无法受理投诉。")},
    )
    enterprise_query = forms.CharField(
        label=_("被投诉的家政企业"),
        max_length=100,
        required=False,
        help_text=_(
            "填写企业名称（记得几个字也可以）或统一社会信用代码；不知道名称时请简单描述，如“城关镇某保洁公司”。"
        ),
    )
    enterprise_choice = forms.CharField(required=False, widget=forms.HiddenInput)
    # The words of the enterprise question for this form's case type.
    enterprise_missing = _("请填写被投诉的家政企业，或填写服务约定编号。")
    is_report = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates: list[Enterprise] = []
        self.worker = None
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)

    def clean_complainant_name(self):
        name = self.cleaned_data["complainant_name"].strip()
        problem = complainant_name_problem(name)
        if problem:
            raise ValidationError(problem)
        return name

    def clean_phone(self):
        return _mobile(self.cleaned_data["phone"])

    def clean_service_date(self):
        day = self.cleaned_data["service_date"]
        problem = service_date_problem(day, timezone.localdate())
        if problem:
            raise ValidationError(problem)
        return day

    def clean(self):
        data = super().clean()
        if data.get("homepage"):
            raise ValidationError(_("提交失败，请刷新页面后重试。"), code="honeypot")
        return data

    def _clean_enterprise(self, data) -> None:
        query, choice = data.get("enterprise_query", ""), data.get("enterprise_choice", "")
        if not query and not choice:
            self.add_error("enterprise_query", self.enterprise_missing)
            return
        answer = enterprise_answer(query, choice, report=self.is_report)
        data["enterprise"] = answer.enterprise
        data["enterprise_text"] = answer.text
        self.candidates = answer.candidates
        if answer.problem:
            self.add_error("enterprise_query", answer.problem)


def service_date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"],
        error_messages={"invalid": _("请填写正确的日期，例如2025-10-08。")},
    )


class ComplaintForm(IntakeForm):
    agreement_number = AgreementNumberField()
    worker_ref = forms.CharField(required=False, widget=forms.HiddenInput)
    service_date = service_date_field(_("服务日期"))
    service_category = ListedModelChoiceField(
        label=_("服务类别（可不选）"),
        queryset=ServiceCategory.objects.all(),
        required=False,
        empty_label=_("不确定"),
    )
    category = forms.ChoiceField(
        label=_("投诉类别"), choices=Category.choices, widget=forms.RadioSelect
    )
    charged_amount = AmountField(
        label=_("实际收费（元，可不填）"),
        max_digits=9,
        decimal_places=2,
        help_text=_("投诉乱收费时请填写：您实际支付或被要求支付的金额，如300。"),
        error_messages={
            "invalid": _("实际收费请只填写数字金额，如300或299.5。"),
            "max_digits": _("实际收费金额过大，请核对后重新填写。"),
            "max_whole_digits": _("实际收费金额过大，请核对后重新填写。"),
            "max_decimal_places": _("实际收费最多填写到分（两位小数），如299.50。"),
        },
    )
    charged_quantity = AmountField(
        label=_("服务数量（可不填）"),
        max_digits=7,
        decimal_places=2,
        help_text=_(
            "按服务项目的计价单位填写，如3（小时）、2（次）；不填按1计，即把实际收费当作单价比对。"
        ),
        error_messages={
            "invalid": _("服务数量请只填写数字，如3或2.5。"),
            "max_digits": _("服务数量过大，请核对后重新填写。"),
            "max_whole_digits": _("服务数量过大，请核对后重新填写。"),
            "max_decimal_places": _("服务数量最多保留两位小数。"),
        },
    )
    description = forms.CharField(
        label=_("发生了什么"),
        max_length=3000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明时间、地点、经过；至少10个字。"),
    )
    desired_outcome = forms.CharField(
        label=_("您的诉求"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：退还多收的费用、重新服务、赔偿损失。"),
    )
    field_order = [
        "submission_token",
        "homepage",
        "complainant_name",
        "phone",
        "email",
        "township",
        "agreement_number",
        "enterprise_query",
        "enterprise_choice",
        "worker_ref",
        "service_date",
        "service_category",
        "category",
        "charged_amount",
        "charged_quantity",
        "description",
        "desired_outcome",
        "attachments",
        "consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = None
        self.fields["category"].error_messages["required"] = gettext("请选择投诉类别。")

    def clean(self):
        data = super().clean()
        if data.get("agreement_number"):
            self._tie_agreement(data)
        else:
            self._clean_enterprise(data)
        self._clean_charge(data)
        return data

    def _tie_agreement(self, data) -> None:
        """A standard service agreement names the enterprise, the worker and the service."""
        data["enterprise"], data["enterprise_text"] = None, ""
        self.agreement = tie_agreement(
            self, number_field="agreement_number", mobile=data.get("phone")
        )
        if self.agreement is None:
            return
        data["enterprise"] = self.agreement.enterprise
        self.worker = self.agreement.worker
        if not data.get("service_category"):
            data["service_category"] = agreement_service_category(self.agreement)

    def _clean_charge(self, data) -> None:
        if "charged_amount" not in data or "charged_quantity" not in data:
            return  # a number the resident typed is already refused
        if "service_category" not in data:
            return
        problems = charge_problems(
            charged_amount=data["charged_amount"],
            charged_quantity=data["charged_quantity"],
            service_category=data["service_category"],
        )
        for name, problem in problems.items():
            self.add_error(name, problem)


class TrackingForm(ResidentFormMixin, forms.Form):
    tracking_number = forms.CharField(
        label=_("投诉编号"),
        max_length=30,
        help_text=_("以TS开头，共16位，在提交成功页面和短信中；举报编号也在这里查询。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("投诉时填写的手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_tracking_number(self):
        number = normalise_tracking_number(self.cleaned_data["tracking_number"])
        valid_tail = all(ch in TRACKING_ALPHABET for ch in number[10:])
        if len(number) != 16 or not number.startswith("TS") or not number[2:10].isdecimal():
            raise ValidationError(_("投诉编号应为TS开头的16位编号，例如TS20251008K7Q4XP。"))
        if not valid_tail:
            raise ValidationError(_("投诉编号的最后6位只含字母和数字2–9，不含字母I、O和数字0、1。"))
        return number

    def clean_phone(self):
        return _mobile(self.cleaned_data["phone"])


class SatisfactionForm(ResidentFormMixin, forms.Form):
    tracking_number = forms.CharField(widget=forms.HiddenInput, max_length=30)
    satisfaction = forms.TypedChoiceField(
        label=_("您对投诉办理是否满意"),
        coerce=int,
        choices=[
            (5, _("5分 非常满意")),
            (4, _("4分 满意")),
            (3, _("3分 一般")),
            (2, _("2分 不满意")),
            (1, _("1分 非常不满意")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意程度。")},
    )
    comment = forms.CharField(
        label=_("意见和建议（可不填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
