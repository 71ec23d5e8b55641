"""The actions on a complaint case (受理, 调解, 办结, …): for each, its form and the service
call made with the form's data. `complaints.admin` turns each into a workflow page."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model

from registry.models import Enterprise

from .models import ReferralBody, Status
from .selectors import officers
from .services import (
    complaint_accept,
    complaint_assign,
    complaint_close,
    complaint_investigation_start,
    complaint_mediation_end,
    complaint_mediation_start,
    complaint_not_accept,
    complaint_note_add,
    complaint_refer,
    complaint_reopen,
    complaint_substantiation_change,
)

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
        label="是否属实",
        choices=[("1", "属实（计入被投诉或被举报企业和人员的信用记录）"), ("0", "不属实")],
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


class ReferForm(forms.Form):
    referred_to = forms.ChoiceField(
        label="转办单位", choices=[("", "请选择"), *ReferralBody.choices], required=False
    )
    referred_to_other = forms.CharField(
        label="其他单位名称", max_length=100, required=False, help_text="选择“其他单位”时填写。"
    )
    referred_on = forms.DateField(label="转办日期", required=False, help_text="格式：2025-03-01")
    note = forms.CharField(label="转办说明（可不填）", required=False, widget=TEXTAREA)


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


# (url suffix, label, target status or None) of the actions on a case.
ACTIONS = (
    ("accept", "受理", Status.ACCEPTED),
    ("not-accept", "不予受理", Status.NOT_ACCEPTED),
    ("mediate", "开始调解", Status.MEDIATING),
    ("investigate", "开始调查核实", Status.INVESTIGATING),
    ("end-mediation", "结束调解", Status.MEDIATED),
    ("close", "办结", Status.CLOSED),
    ("refer", "转办", Status.REFERRED),
)


@dataclass(frozen=True)
class ActionPage:
    """One action on a case: its form, and the service call made with the form's data."""

    title: str
    form: type[forms.Form]
    submit: str
    perform: Callable  # (actor, complaint, cleaned data) -> Complaint


def _note(actor, complaint, data):
    complaint_note_add(actor=actor, complaint=complaint, text=data["text"], public=data["public"])
    return complaint


ACTION_PAGES: dict[str, ActionPage] = {
    "accept": ActionPage("受理投诉", AcceptForm, "受理", lambda a, c, d: complaint_accept(
        actor=a, complaint=c, enterprise=d["enterprise"], note=d["note"])),
    "not-accept": ActionPage("不予受理", ReasonForm, "不予受理", lambda a, c, d: (
        complaint_not_accept(actor=a, complaint=c, reason=d["reason"]))),
    "mediate": ActionPage("开始调解", NoteForm, "开始调解", lambda a, c, d: (
        complaint_mediation_start(actor=a, complaint=c, note=d["note"]))),
    "investigate": ActionPage("开始调查核实", NoteForm, "开始调查核实", lambda a, c, d: (
        complaint_investigation_start(actor=a, complaint=c, note=d["note"]))),
    "end-mediation": ActionPage("结束调解", MediationEndForm, "结束调解", lambda a, c, d: (
        complaint_mediation_end(actor=a, complaint=c, agreed=d["agreed"], summary=d["summary"]))),
    "close": ActionPage("办结投诉", CloseForm, "办结", lambda a, c, d: complaint_close(
        actor=a, complaint=c, outcome=d["outcome"], substantiated=d["substantiated"])),
    "refer": ActionPage("转办其他单位", ReferForm, "转办", lambda a, c, d: complaint_refer(
        actor=a, complaint=c, referred_to=d["referred_to"], referred_on=d["referred_on"],
        referred_to_other=d["referred_to_other"], note=d["note"])),
    "reopen": ActionPage("重新办理", ReasonForm, "重新办理", lambda a, c, d: (
        complaint_reopen(actor=a, complaint=c, reason=d["reason"]))),
    "substantiation": ActionPage("变更属实认定", SubstantiationForm, "保存变更",
        lambda a, c, d: complaint_substantiation_change(
            actor=a, complaint=c, substantiated=d["substantiated"], reason=d["reason"])),
    "assign": ActionPage("分配承办人", AssignForm, "分配", lambda a, c, d: complaint_assign(
        actor=a, complaint=c, officer=d["officer"])),
    "note": ActionPage("添加办理记录", UpdateForm, "保存", _note),
}  # fmt: skip
