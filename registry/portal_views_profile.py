"""Portal pages of the enterprise's own records: its profile (企业信息), its services and
prices (服务项目和价格) and its licences (资质证照). Nothing here writes the registers: every
edit becomes a change request that staff review (registry.services.changes)."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.files import validate_upload
from core.form_errors import add_service_errors
from core.portal import portal_object, portal_scope, portal_view
from core.validators import clean_phone

from .models import (
    ChangeRequest,
    Enterprise,
    EnterpriseQualification,
    ServiceCategory,
    ServiceOffering,
    Township,
)
from .selectors import qualification_rows
from .services import changes

Kind = ChangeRequest.Kind
RECENT_REQUESTS = 10
PAGE_OF_KIND = {
    Kind.PROFILE: "portal:profile",
    Kind.OFFERINGS: "portal:offerings",
    Kind.QUALIFICATION: "portal:qualifications",
}
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def portal_page(view):
    """The decorators every page of this module and its sibling share: no caching of
    personal data, GET/POST only, and the portal's login and scoping (registry.portal)."""
    return never_cache(GET_OR_POST(portal_view(view)))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def change_requests(request, kind: str) -> list[dict]:
    """The enterprise's requests of `kind` still under review and the latest decided ones,
    each with its difference table."""
    queryset = portal_scope(request, ChangeRequest.objects.filter(kind=kind)).select_related(
        "submitted_by"
    )
    pending = list(queryset.filter(status=ChangeRequest.Status.PENDING))
    recent = list(queryset.exclude(status=ChangeRequest.Status.PENDING)[:RECENT_REQUESTS])
    return [
        {"object": item, "diff": changes.change_request_diff(item)} for item in pending + recent
    ]


# --- Profile --------------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    attachment = forms.FileField(
        label="证明材料（可选）",
        required=False,
        validators=[validate_upload],
        help_text="名称、法定代表人、地址等登记事项变更时，请上传变更后的营业执照或变更通知书。"
        "JPG、PNG或PDF，不超过10MB。",
    )

    class Meta:
        model = Enterprise
        fields = list(changes.PROFILE_FIELDS)
        widgets = {
            "established_on": DateInput(),
            "business_scope": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.all()
        self.fields["phone"].widget.input_type = "tel"

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def _post_clean(self):
        # The service validates the proposed values against the current record; the form
        # checks only their shape and must not touch the enterprise it was given.
        pass


@portal_page
def profile(request):
    enterprise = Enterprise.objects.select_related("township").get(pk=request.enterprise.pk)
    rows = [
        (Enterprise._meta.get_field(name).verbose_name, _display(enterprise, name))
        for name in ("uscc", "kind", "business_status", *changes.PROFILE_FIELDS)
    ]
    return render(
        request,
        "registry/portal/profile.html",
        {"rows": rows, "requests": change_requests(request, Kind.PROFILE)},
    )


def _display(instance, name: str) -> str:
    field = instance._meta.get_field(name)
    if field.choices:
        return getattr(instance, f"get_{name}_display")()
    value = getattr(instance, name)
    return "—" if value in (None, "") else str(value)


@portal_page
def profile_edit(request):
    enterprise = Enterprise.objects.get(pk=request.enterprise.pk)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in changes.PROFILE_FIELDS}
        try:
            changes.change_request_submit_profile(
                actor=request.user,
                enterprise=request.enterprise,
                data=data,
                attachment=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "变更申请已提交，县商务局审核通过后生效。")
            return redirect("portal:profile")
    return render(
        request,
        "registry/portal/form_page.html",
        {
            "title": "修改企业信息",
            "intro": "修改后提交审核，审核通过前档案中的信息保持不变。统一社会信用代码、主体类型和"
            "经营状态如需变更，请携带证明材料到县商务局办理。",
            "form": form,
            "submit_label": "提交审核",
            "back_url": reverse("portal:profile"),
            "back_label": "返回企业信息",
        },
    )


@portal_page
def change_withdraw(request, pk: int):
    change_request = portal_object(request, ChangeRequest.objects.all(), pk)
    back = reverse(PAGE_OF_KIND[change_request.kind])
    if request.method == "POST":
        try:
            changes.change_request_withdraw(actor=request.user, change_request=change_request)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "申请已撤回。")
        return redirect(back)
    return render(
        request,
        "registry/portal/change_withdraw.html",
        {
            "change": change_request,
            "diff": changes.change_request_diff(change_request),
            "back_url": back,
        },
    )


# --- Services and prices --------------------------------------------------------------------


class OfferingsForm(forms.Form):
    """One row per catalogue item: offered or not, the price and a note."""

    confirm_outside = forms.BooleanField(
        label="我已确认：超出指导价范围的价格属实，并已在说明中写明原因。", required=False
    )

    def __init__(self, *args, categories, offerings, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.offerings = offerings
        self.outside: list[str] = []
        for category in categories:
            offering = offerings.get(category.pk)
            self.fields[f"offer_{category.pk}"] = forms.BooleanField(
                label=f"提供“{category.name}”",
                required=False,
                initial=bool(offering and offering.is_active),
            )
            self.fields[f"price_{category.pk}"] = forms.DecimalField(
                label=f"“{category.name}”收费标准（{category.get_unit_display()}）",
                required=False,
                min_value=Decimal(0),
                max_digits=9,
                decimal_places=2,
                initial=offering.price if offering else None,
                error_messages={"min_value": "价格不能为负。", "invalid": "请填写数字。"},
            )
            self.fields[f"note_{category.pk}"] = forms.CharField(
                label=f"“{category.name}”说明",
                required=False,
                max_length=200,
                initial=offering.note if offering else "",
            )

    def rows(self):
        for category in self.categories:
            yield {
                "category": category,
                "offering": self.offerings.get(category.pk),
                "offer": self[f"offer_{category.pk}"],
                "price": self[f"price_{category.pk}"],
                "note": self[f"note_{category.pk}"],
            }

    def clean(self):
        data = super().clean()
        for category in self.categories:
            offered = data.get(f"offer_{category.pk}")
            price = data.get(f"price_{category.pk}")
            if offered and price is None and f"price_{category.pk}" not in self.errors:
                self.add_error(f"price_{category.pk}", "提供此项服务时请填写收费标准。")
            if (
                offered
                and price is not None
                and not (category.guide_price_min <= price <= category.guide_price_max)
            ):
                self.outside.append(
                    f"“{category.name}”{price}{category.get_unit_display()}"
                    f"（指导价{category.guide_price_min}–{category.guide_price_max}）"
                )
        if self.outside and not data.get("confirm_outside"):
            items = "；".join(self.outside)
            self.add_error(
                "confirm_outside", f"以下价格超出指导价范围：{items}。请核对，如属实请勾选确认。"
            )
        return data

    def proposals(self) -> list[changes.OfferingProposal]:
        data = self.cleaned_data
        return [
            changes.OfferingProposal(
                category=category,
                price=data.get(f"price_{category.pk}"),
                note=data.get(f"note_{category.pk}") or "",
                is_active=bool(data.get(f"offer_{category.pk}")),
            )
            for category in self.categories
        ]


def _offerings(request) -> dict:
    return {
        o.category_id: o
        for o in portal_scope(request, ServiceOffering.objects.select_related("category"))
    }


@portal_page
def offerings(request):
    rows = sorted(
        _offerings(request).values(), key=lambda o: (o.category.sort_order, o.category.name)
    )
    return render(
        request,
        "registry/portal/offerings.html",
        {"offerings": rows, "requests": change_requests(request, Kind.OFFERINGS)},
    )


@portal_page
def offerings_edit(request):
    current = _offerings(request)
    categories = list(
        ServiceCategory.objects.filter(Q(is_active=True) | Q(pk__in=list(current))).order_by(
            "sort_order", "name"
        )
    )
    form = OfferingsForm(request.POST or None, categories=categories, offerings=current)
    if request.method == "POST" and form.is_valid():
        try:
            changes.change_request_submit_offerings(
                actor=request.user, enterprise=request.enterprise, proposals=form.proposals()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "价格调整申请已提交，县商务局审核通过后生效。")
            return redirect("portal:offerings")
    return render(request, "registry/portal/offerings_form.html", {"form": form})


# --- Licences -------------------------------------------------------------------------------


class QualificationForm(forms.Form):
    kind = forms.ChoiceField(label="证照类型", choices=EnterpriseQualification.Kind.choices)
    name = forms.CharField(
        label="证照名称", max_length=100, required=False, help_text="“其他资质”请填写名称。"
    )
    number = forms.CharField(label="证件编号", max_length=60, required=False)
    issuer = forms.CharField(label="发证机构", max_length=100, required=False)
    valid_from = forms.DateField(label="有效期起", widget=DateInput())
    valid_to = forms.DateField(
        label="有效期止", required=False, widget=DateInput(), help_text="长期有效请留空。"
    )
    attachment = forms.FileField(
        label="证照扫描件或照片",
        validators=[validate_upload],
        help_text="JPG、PNG或PDF，不超过10MB。照片中的位置等信息会被自动去除。",
        error_messages={"required": "请上传证照扫描件或照片。"},
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == EnterpriseQualification.Kind.OTHER and not data.get("name"):
            self.add_error("name", "“其他资质”请填写证照名称。")
        return data


@portal_page
def qualifications(request):
    enterprise = Enterprise.objects.prefetch_related("qualifications").get(pk=request.enterprise.pk)
    return render(
        request,
        "registry/portal/qualifications.html",
        {
            "rows": qualification_rows(enterprise),
            "requests": change_requests(request, Kind.QUALIFICATION),
        },
    )


@portal_page
def qualification_add(request):
    form = QualificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in changes.QUALIFICATION_FIELDS}
        try:
            changes.change_request_submit_qualification(
                actor=request.user,
                enterprise=request.enterprise,
                data=data,
                scan=form.cleaned_data["attachment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "证照已提交，县商务局核验通过后记入档案。")
            return redirect("portal:qualifications")
    return render(
        request,
        "registry/portal/form_page.html",
        {
            "title": "上传资质证照",
            "intro": "新办或换发的营业执照、许可证、备案证明等，上传后由县商务局核验，"
            "核验通过后计入企业档案。",
            "form": form,
            "submit_label": "提交核验",
            "back_url": reverse("portal:qualifications"),
            "back_label": "返回资质证照",
        },
    )
