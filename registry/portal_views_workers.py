"""Portal pages of the enterprise's workers (从业人员): the current and former staff, taking a
worker on, ending an employment, and uploading health certificates and training records.

Workers are reached through the enterprise's own employments (`portal_object` on
Employment), never by a worker id, so another enterprise's staff answer 404. ID numbers are
only ever shown masked."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.files import validate_upload
from core.form_errors import add_service_errors
from core.portal import portal_object, portal_scope
from core.validators import clean_mobile

from . import services
from .models import ETHNICITY_CHOICES, Employment, HealthCertificate, TrainingRecord, Validity
from .portal_views_profile import DateInput, portal_page
from .services import portal_workers

UPLOAD_HELP = "JPG、PNG或PDF，不超过10MB。照片中的位置等信息会被自动去除。"


def _employments(request):
    return portal_scope(request, Employment.objects.select_related("worker"))


def _certificate_status(certificates) -> tuple[str, str]:
    """The status shown beside a worker: the best verified certificate, else 待核验/缺失."""
    today = timezone.localdate()
    verified = [c for c in certificates if c.verified]
    if verified:
        best = max(verified, key=lambda c: (c.valid_to is None, c.valid_to or today))
        status = best.current_validity(today)
        return status, Validity(status).label
    if certificates:
        return "pending", "待核验"
    return Validity.MISSING, Validity.MISSING.label


def _worker_row(employment: Employment) -> dict:
    worker = employment.worker
    row = {
        "employment": employment,
        "worker": worker,
        "phone": worker.phone_masked,
    }
    if employment.is_current:
        row["health"] = _certificate_status(list(worker.health_certificates.all()))
    return row


@portal_page
def workers(request):
    employments = _employments(request).prefetch_related(
        Prefetch("worker__health_certificates", queryset=HealthCertificate.objects.all())
    )
    current = [_worker_row(e) for e in employments.current().order_by("worker__name", "pk")]
    former = [_worker_row(e) for e in employments.former().order_by("-ended_on", "pk")]
    return render(request, "registry/portal/workers.html", {"current": current, "former": former})


class WorkerAddForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        help_text="已在县里登记过的人员，系统按身份证号关联原有档案，不会重复建档。",
    )
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    ethnicity = forms.ChoiceField(
        label="民族", choices=ETHNICITY_CHOICES, initial="汉族", required=False
    )
    position = forms.CharField(label="岗位", max_length=50, required=False)
    started_on = forms.DateField(label="入职日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["id_number"].widget.attrs["autocomplete"] = "off"

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return clean_mobile(value) if value else ""


@portal_page
def worker_add(request):
    form = WorkerAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = portal_workers.portal_worker_add(
                actor=request.user,
                enterprise=request.enterprise,
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                ethnicity=data.get("ethnicity") or "",
                position=data["position"],
                started_on=data["started_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if added.linked:
                messages.success(
                    request, f"{added.worker.name}已有档案，已关联到本企业，未重复建档。"
                )
            else:
                messages.success(request, f"已为{added.worker.name}建档并登记入职。")
            return redirect("portal:worker", pk=added.employment.pk)
    # Never echo the ID number back into the page.
    if form.is_bound:
        form.data = form.data.copy()
        form.data["id_number"] = ""
    return render(
        request,
        "registry/portal/form_page.html",
        {
            "title": "添加从业人员",
            "form": form,
            "submit_label": "添加",
            "back_url": reverse("portal:workers"),
            "back_label": "返回从业人员",
        },
    )


@portal_page
def worker(request, pk: int):
    employment = portal_object(request, _employments(request), pk)
    context = {
        "employment": employment,
        "worker": employment.worker,
        "phone": employment.worker.phone_masked,
    }
    if employment.is_current:
        today = timezone.localdate()
        context["health"] = [
            {"certificate": c, "status": status, "label": Validity(status).label}
            for c in employment.worker.health_certificates.order_by("-valid_to", "-pk")
            for status in [c.current_validity(today)]
        ]
        context["trainings"] = list(employment.worker.trainings.order_by("-completed_on", "-pk"))
    return render(request, "registry/portal/worker_detail.html", context)


class EmploymentEndForm(forms.Form):
    ended_on = forms.DateField(label="离职日期", widget=DateInput())
    reason = forms.CharField(label="离职原因", max_length=200)

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        if value > timezone.localdate():
            raise ValidationError("离职日期不能晚于今天。")
        return value


def _worker_page(request, employment, *, title, form, submit_label, intro=""):
    return render(
        request,
        "registry/portal/form_page.html",
        {
            "title": f"{employment.worker.name}：{title}",
            "intro": intro,
            "form": form,
            "submit_label": submit_label,
            "back_url": reverse("portal:worker", args=[employment.pk]),
            "back_label": "返回人员详情",
        },
    )


@portal_page
def worker_end(request, pk: int):
    employment = portal_object(request, _employments(request), pk)
    form = EmploymentEndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if not employment.is_current:
        messages.info(request, f"该人员已于{employment.ended_on:%Y-%m-%d}离职。")
        return redirect("portal:worker", pk=employment.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.employment_end(
                actor=request.user,
                employment=employment,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已为{employment.worker.name}办理离职。")
            return redirect("portal:workers")
    return _worker_page(
        request,
        employment,
        title="办理离职",
        form=form,
        submit_label="确认离职",
        intro="离职后，该人员的居家上门服务证随即作废，档案中保留本企业的从业经历。",
    )


class HealthCertificateForm(forms.ModelForm):
    scan = forms.FileField(
        label="健康证扫描件或照片",
        validators=[validate_upload],
        help_text=UPLOAD_HELP,
        error_messages={"required": "请上传健康证扫描件或照片。"},
    )

    class Meta:
        model = HealthCertificate
        fields = ["number", "issuer", "valid_from", "valid_to"]
        widgets = {"valid_from": DateInput(), "valid_to": DateInput()}
        labels = {"valid_from": "发证日期（有效期起）"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_to"].required = True
        self.fields["valid_to"].help_text = "健康证一般有效期一年。"

    def _post_clean(self):
        pass  # the service builds and validates the certificate


@portal_page
def worker_health(request, pk: int):
    employment = portal_object(request, _employments(request), pk)
    if not employment.is_current:
        messages.error(request, "该人员已离职，不能再为其上传材料。")
        return redirect("portal:worker", pk=employment.pk)
    form = HealthCertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            portal_workers.portal_health_certificate_add(
                actor=request.user,
                employment=employment,
                number=data["number"],
                issuer=data["issuer"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                scan=data["scan"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "健康证已上传，县商务局核验后计入档案。")
            return redirect("portal:worker", pk=employment.pk)
    return _worker_page(request, employment, title="上传健康证", form=form, submit_label="上传")


class TrainingForm(forms.ModelForm):
    certificate = forms.FileField(
        label="结业证书扫描件或照片",
        validators=[validate_upload],
        help_text=UPLOAD_HELP,
        error_messages={"required": "请上传结业证书扫描件或照片。"},
    )

    class Meta:
        model = TrainingRecord
        fields = ["course", "provider", "hours", "completed_on"]
        widgets = {"completed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].error_messages["invalid"] = "请填写数字。"

    def _post_clean(self):
        pass  # the service builds and validates the record


@portal_page
def worker_training(request, pk: int):
    employment = portal_object(request, _employments(request), pk)
    if not employment.is_current:
        messages.error(request, "该人员已离职，不能再为其上传材料。")
        return redirect("portal:worker", pk=employment.pk)
    form = TrainingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            portal_workers.portal_training_add(
                actor=request.user,
                employment=employment,
                course=data["course"],
                provider=data["provider"],
                hours=data["hours"],
                completed_on=data["completed_on"],
                certificate=data["certificate"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "培训记录已上传，县商务局核验后计入档案。")
            return redirect("portal:worker", pk=employment.pk)
    return _worker_page(request, employment, title="上传培训记录", form=form, submit_label="上传")
