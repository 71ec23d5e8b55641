"""The public 公示 page (`/credit/publicity/`) and opinions from the public (社会监督).

The page lists the ratings under publicity this year, or a year's final list; what it shows
of whom is decided in `credit.selectors_publicity`. Anyone may send an opinion on a rating
under publicity: first the mobile number (an SMS code is sent), then their name, the code,
the facts and optional evidence. Sending codes and submitting are limited per client
address, counted in the database while the cache is down (codes cost SMS and can be
guessed).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from core.files import validate_upload
from core.form_errors import ResidentFormMixin, add_service_errors
from core.validators import clean_mobile
from registry.code_forms import CODE_NOT_SENT, CodeForm, MobileForm, code_sent_message
from registry.models import Township
from registry.ratelimits import RateLimit, WhenCacheDown, limit_hit
from registry.services.codes import code_delivery_failed

from . import selectors_publicity
from .models import SubjectType
from .services import opinions

PAGE_SIZE = 20
RECEIPT_SESSION_KEY = "credit_publicity_opinion"
SEND_LIMIT = RateLimit(
    group="credit:opinion-send", rate="10/h", when_cache_down=WhenCacheDown.DATABASE
)
SUBMIT_LIMIT = RateLimit(
    group="credit:opinion-submit", rate="30/h", when_cache_down=WhenCacheDown.DATABASE
)


class PublicityFilterForm(ResidentFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(
        label=_("对象"),
        choices=[(SubjectType.ENTERPRISE, _("家政企业")), (SubjectType.WORKER, _("从业人员"))],
        required=False,
    )
    q = forms.CharField(
        label=_("企业名称"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    township = forms.ModelChoiceField(
        label=_("所在乡镇"),
        queryset=Township.objects.all(),
        required=False,
        empty_label=_("全部乡镇"),
    )
    grade = forms.ChoiceField(
        label=_("信用等级"),
        choices=[("", _("全部等级")), *selectors_publicity.GRADE_CHOICES],
        required=False,
    )

    def __init__(self, *args, years: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—")] + [(y, f"{y}年度") for y in years]


def _enterprise_page_path(enterprise_id: int) -> str | None:
    """The public enterprise profile (/enterprises/<id>/) when the site has one."""
    path = f"/enterprises/{enterprise_id}/"
    try:
        resolve(path)
    except Resolver404:
        return None
    return path


def _chosen_year(form, period, years) -> tuple[int | None, bool]:
    """The year shown and whether it is a final list: the year asked for, else the year
    under publicity, else the latest final year."""
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None
    if period is not None and year in (None, period.year):
        return period.year, False
    if year in years:
        return year, True
    return (years[0], True) if years else (None, True)


@require_safe
def publicity(request):
    today = timezone.localdate()
    period = selectors_publicity.publicity_period(today)
    years = selectors_publicity.final_years()
    choices = sorted({*years, *([period.year] if period else [])}, reverse=True)
    form = PublicityFilterForm(request.GET or None, years=choices)
    year, final = _chosen_year(form, period, years)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind = data.get("kind") or SubjectType.ENTERPRISE
    page = rows = None
    if year is not None:
        township = data.get("township")
        ratings = selectors_publicity.publicity_ratings(
            year=year,
            final=final,
            today=today,
            subject_type=kind,
            township_id=township.pk if township else None,
            grade=data.get("grade") or "",
            query=data.get("q") or "",
        )
        page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [
            (row, _enterprise_page_path(row.enterprise_id) if row.enterprise_id else None)
            for row in selectors_publicity.publicity_rows(page.object_list)
        ]
    return render(
        request,
        "credit/publicity.html",
        {
            "form": form,
            "period": period,
            "year": year,
            "final": final,
            "years": choices,
            "kind": kind,
            "page_obj": page,
            "rows": rows or [],
            "decision_days": settings.CREDIT_OBJECTION_DECISION_DAYS,
            "searched": bool(data.get("q") or data.get("township") or data.get("grade")),
        },
    )


class OpinionForm(ResidentFormMixin, forms.Form):
    name = forms.CharField(label=_("您的姓名"), max_length=50)
    mobile = forms.CharField(max_length=20, widget=forms.HiddenInput)
    code = CodeForm.base_fields["code"]
    facts = forms.CharField(
        label=_("反映的事实"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明您了解的情况：时间、地点、经过，以及您认为评价结果哪里不符合实际。"),
    )
    evidence = forms.FileField(
        label=_("证明材料（可不传）"),
        required=False,
        validators=[validate_upload],
        help_text=_("可上传照片或PDF文件（JPG、PNG、PDF，不超过10MB）。"),
    )

    def clean(self):
        data = super().clean()
        for name, message in opinions.opinion_problems(
            name=data.get("name", ""), facts=data.get("facts", "")
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        return data


def _send_code(request, rating):
    """Step 1: returns (mobile form, opinion form or None, message)."""
    mobile_form = MobileForm(request.POST)
    if limit_hit(request, SEND_LIMIT):
        mobile_form.add_error(None, "获取验证码的次数过多，请1小时后再试。")
    elif mobile_form.is_valid():
        try:
            mobile = clean_mobile(mobile_form.cleaned_data["mobile"])
            record = opinions.publicity_opinion_code_send(rating=rating, mobile=mobile)
        except ValidationError as error:
            mobile_form.add_error("mobile", error.messages[0])
        else:
            if code_delivery_failed(record):
                return mobile_form, None, CODE_NOT_SENT
            opinion_form = OpinionForm(initial={"mobile": mobile})
            return mobile_form, opinion_form, code_sent_message(mobile)
    return mobile_form, None, ""


@require_http_methods(["GET", "POST"])
def opinion(request, rating_id: int):
    today = timezone.localdate()
    rating = selectors_publicity.publicity_rating(rating_id)
    if rating is None:
        raise Http404
    visible = selectors_publicity.publicity_visible(rating, today)
    problem = opinions.opinion_window_problem(rating, today)
    context = {
        "rating": rating,
        "subject": selectors_publicity.publicity_subject(rating) if visible else None,
        "closed": problem is not None,
    }
    if problem is not None:
        return render(request, "credit/publicity_opinion.html", context)
    mobile_form, opinion_form, message = MobileForm(), None, ""
    action = request.POST.get("action")
    if request.method == "POST" and action == "send":
        mobile_form, opinion_form, message = _send_code(request, rating)
    elif request.method == "POST" and action == "submit":
        opinion_form = OpinionForm(request.POST, request.FILES)
        if limit_hit(request, SUBMIT_LIMIT):
            opinion_form.add_error(None, "提交次数过多，请1小时后再试。")
        elif opinion_form.is_valid():
            data = opinion_form.cleaned_data
            try:
                created = opinions.publicity_opinion_submit(
                    rating=rating,
                    name=data["name"],
                    mobile=data["mobile"],
                    code=data["code"],
                    facts=data["facts"],
                    evidence=data.get("evidence"),
                )
            except ValidationError as error:
                add_service_errors(opinion_form, error)
            else:
                request.session[RECEIPT_SESSION_KEY] = {
                    "reference": created.reference,
                    "due_on": created.due_on.isoformat(),
                    "subject": context["subject"].name,
                    "year": rating.year,
                }
                return redirect("credit:publicity_opinion_received")
    return render(
        request,
        "credit/publicity_opinion.html",
        {**context, "mobile_form": mobile_form, "opinion_form": opinion_form, "message": message},
    )


@require_safe
def opinion_received(request):
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if not receipt:
        return redirect("credit:publicity")
    return render(request, "credit/publicity_opinion_received.html", {"receipt": receipt})
