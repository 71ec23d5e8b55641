"""The forms of the complaint officers' action pages (受理, 调解, 办结, …) in the admin.

They check the shape of the input; each action's rules live in `complaints.services`.
"""

from django import forms
from django.contrib.auth import get_user_model

from registry.models import Enterprise

from .selectors import officers

TEXTAREA = forms.Textarea(attrs={"rows": 4, "cols": 60})


class AcceptForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label="关联登记的企业",
        queryset=Enterprise.objects.order_by("name"),
        required=False,
        help_text="投诉人填写的企业未能自动关联时，在此选择；不属于登记企业的可留空。",
    )
    note = forms.CharField(label="内部备注（可不填）", required=False, widget=TEXTAREA)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=TEXTAREA)


class NoteForm(forms.Form):
    note = forms.CharField(label="内部备注（可不填）", required=False, widget=TEXTAREA)


class MediationEndForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label="调解结果",
        choices=[("1", "调解成功，达成协议"), ("0", "调解终止，未达成协议")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="协议内容或终止原因", widget=TEXTAREA, help_text="将在投诉进度中告知投诉人。"
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(label="处理结果", widget=TEXTAREA, help_text="将告知投诉人。")
    substantiated = forms.TypedChoiceField(
        label="投诉是否属实",
        choices=[("1", "属实（计入被投诉企业和人员的信用记录）"), ("0", "不属实")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


class SubstantiationForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label="变更为",
        choices=[("1", "属实"), ("0", "不属实")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="变更原因", widget=TEXTAREA)


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(label="承办人", queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers()


class UpdateForm(forms.Form):
    text = forms.CharField(label="内容", widget=TEXTAREA)
    public = forms.TypedChoiceField(
        label="可见范围",
        choices=[("0", "内部备注（仅工作人员可见）"), ("1", "公开进展（投诉人和企业可见）")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
