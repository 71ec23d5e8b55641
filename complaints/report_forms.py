"""The public 举报 form: a violation seen without a personal loss (unlicensed operation,
false advertising, a fake or borrowed home-service card). It shares the complaint form's
token, honeypot, contact details, attachments and consent (`IntakeForm`); the reporter may
leave their name out, and the business may be an unregistered one (name and address)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import Township

from .forms import IntakeForm, service_date_field
from .models import ReportCategory
from .selectors import card_named
from .services.intake import complainant_name_problem

ANONYMOUS = "匿名"
DEFAULT_REQUEST = "请依法调查处理。"


class ReportForm(IntakeForm):
    complainant_name = forms.CharField(
        label=_("您的姓名（可不填）"),
        max_length=50,
        required=False,
        help_text=_("可以不留姓名。无论是否留名，被举报方都看不到您的姓名和手机号码。"),
    )
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("用于接收举报编号和办理结果，只有工作人员能看到，不会告诉被举报方。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    township = forms.ModelChoiceField(
        label=_("违规行为发生在哪个乡镇"),
        queryset=Township.objects.all(),
        empty_label=_("请选择乡镇"),
        error_messages={"invalid_choice": _("所选的乡镇不在列表中，请重新选择。")},
    )
    report_category = forms.ChoiceField(
        label=_("举报什么"),
        choices=ReportCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择举报类别。")},
    )
    enterprise_query = forms.CharField(
        label=_("被举报的企业或经营者"),
        max_length=100,
        required=False,
        help_text=_("填写名称或招牌；没有招牌的，请简单描述，如“城关镇某小区门口的保洁摊点”。"),
    )
    subject_address = forms.CharField(
        label=_("经营地点（可不填）"),
        max_length=200,
        required=False,
        help_text=_("未登记的经营者请尽量写清楚地点，便于工作人员核查。"),
    )
    reported_card = forms.CharField(
        label=_("服务证编号或二维码（可不填）"),
        max_length=100,
        required=False,
        help_text=_("举报假冒或借用家政服务证时填写：证上的编号，或扫码打开的网址。"),
    )
    service_date = service_date_field(_("发现日期"))
    description = forms.CharField(
        label=_("违规情况"),
        max_length=3000,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明时间、地点、看到或遇到的情况；至少10个字。"),
    )
    desired_outcome = forms.CharField(
        label=_("处理建议（可不填）"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = [
        "submission_token",
        "homepage",
        "complainant_name",
        "phone",
        "email",
        "township",
        "report_category",
        "enterprise_query",
        "enterprise_choice",
        "subject_address",
        "reported_card",
        "service_date",
        "description",
        "desired_outcome",
        "attachments",
        "consent",
    ]
    enterprise_missing = _("请填写被举报的企业或经营者；没有名称的请简单描述。")
    is_report = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].error_messages["required"] = _(
            "请阅读个人信息告知并勾选同意，否则无法受理举报。"
        )

    def clean_complainant_name(self):
        name = self.cleaned_data["complainant_name"].strip()
        if not name:
            return ANONYMOUS
        if problem := complainant_name_problem(name):
            raise ValidationError(problem)
        return name

    def clean_desired_outcome(self):
        return self.cleaned_data["desired_outcome"].strip() or DEFAULT_REQUEST

    def clean(self):
        data = super().clean()
        card = card_named(data.get("reported_card", ""))
        self.worker = card.worker if card else None
        named = data.get("enterprise_query") or data.get("enterprise_choice")
        if card is not None and not named:
            # The card names its enterprise: the reporter need not know it.
            data["enterprise"], data["enterprise_text"] = card.employment.enterprise, ""
        elif data.get("reported_card") and not named:
            data["enterprise"] = None
            data["enterprise_text"] = f"服务证“{data['reported_card'].strip()[:80]}”的持有人"
        else:
            self._clean_enterprise(data)
        return data
