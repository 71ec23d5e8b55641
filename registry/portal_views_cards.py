"""Portal pages of the home-service cards (居家上门服务证): the list of current workers with
their card, issuing, reissuing and revoking, and printing one card (credit-card size) or an
A4 sheet of cards.

Cards are reached only through the enterprise's own employments (`portal_object`), so
another enterprise's card or employment id answers 404 and changes nothing. The QR code is
drawn by core.qr as inline SVG and points to the absolute /verify/<token>/ address.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.links import absolute_url
from core.portal import portal_object, portal_scope, portal_view
from core.qr import qr_svg

from .card_picture import card_png
from .models import Employment, WorkerCard
from .services import cards as card_services
from .verification import photo_thumbnail

CARDS_PER_SHEET = 10
REVOKE_REASONS = ["证件遗失", "证件损坏", "信息有误", "停止上门服务", "其他"]
REISSUE_REASONS = ["证件遗失", "证件损坏", "更换照片", "信息变更", "其他"]


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(label="原因", widget=forms.RadioSelect)
    detail = forms.CharField(label="补充说明（选填）", max_length=100, required=False)

    def __init__(self, *args, reasons: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(r, r) for r in reasons]

    @property
    def reason_text(self) -> str:
        reason, detail = self.cleaned_data["reason"], self.cleaned_data["detail"].strip()
        return f"{reason}：{detail}" if detail else reason


def _current_employments(request):
    return portal_scope(request, Employment.objects.current())


def _valid_cards(request):
    """The enterprise's valid cards of current employments, with what a card shows."""
    return portal_scope(
        request,
        WorkerCard.objects.valid(),
        via="employment__enterprise",
    ).select_related("worker", "employment__enterprise")


def _card_face(request, card: WorkerCard) -> dict:
    url = absolute_url(request, reverse("verify", kwargs={"token": card.token}))
    return {
        "card": card,
        "worker": card.worker,
        "enterprise": card.employment.enterprise,
        "verify_url": url,
        "qr_svg": qr_svg(url, svgclass="card-qr-svg"),
        "photo_url": (
            reverse("portal:card_photo", kwargs={"pk": card.pk}) if card.worker.photo else None
        ),
    }


def _service_error(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@never_cache
@require_safe
@portal_view
def cards(request):
    employments = (
        _current_employments(request)
        .select_related("worker")
        .prefetch_related(
            Prefetch(
                "cards",
                queryset=WorkerCard.objects.valid(),
                to_attr="valid_cards",
            )
        )
        .order_by("worker__name", "pk")
    )
    rows = [{"employment": e, "card": next(iter(e.valid_cards), None)} for e in employments]
    return render(
        request,
        "registry/portal/cards.html",
        {"rows": rows, "with_cards": sum(1 for row in rows if row["card"])},
    )


@never_cache
@require_POST
@portal_view
def card_issue(request, pk: int):
    """Issue at once when the card would scan clean; otherwise show what the resident would
    see and issue only when the enterprise confirms (`confirm` in the POST)."""
    employment = portal_object(request, _current_employments(request).select_related("worker"), pk)
    try:
        card = card_services.card_issue(
            actor=request.user,
            employment=employment,
            warnings_confirmed=request.POST.get("confirm") == "1",
        )
    except card_services.CardWarnings as exc:
        return render(
            request,
            "registry/portal/card_issue_confirm.html",
            {"employment": employment, "warnings": exc.messages},
        )
    except ValidationError as exc:
        _service_error(request, exc)
    else:
        messages.success(request, f"已为{employment.worker.name}发放服务证，证号{card.number}。")
    return redirect("portal:cards")


def _reason_page(request, pk: int, *, action: str):
    card = portal_object(request, _valid_cards(request), pk, via="employment__enterprise")
    reasons = REVOKE_REASONS if action == "revoke" else REISSUE_REASONS
    form = ReasonForm(request.POST or None, reasons=reasons)
    if request.method == "POST" and form.is_valid():
        try:
            if action == "revoke":
                card_services.card_revoke(actor=request.user, card=card, reason=form.reason_text)
                messages.success(request, f"服务证{card.number}已作废，扫码将显示“已作废”。")
            else:
                new = card_services.card_reissue(
                    actor=request.user, card=card, reason=form.reason_text
                )
                messages.success(
                    request,
                    f"已补发服务证{new.number}，原证{card.number}已作废。请打印新证并收回旧证。",
                )
        except ValidationError as exc:
            _service_error(request, exc)
        return redirect("portal:cards")
    return render(
        request,
        "registry/portal/card_confirm.html",
        {"card": card, "form": form, "action": action},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def card_revoke(request, pk: int):
    return _reason_page(request, pk, action="revoke")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@portal_view
def card_reissue(request, pk: int):
    return _reason_page(request, pk, action="reissue")


@never_cache
@require_safe
@portal_view
def card_print(request, pk: int):
    card = portal_object(request, _valid_cards(request), pk, via="employment__enterprise")
    return render(request, "registry/portal/card_print.html", {"face": _card_face(request, card)})


@never_cache
@require_safe
@portal_view
def card_picture(request, pk: int):
    """The card as a PNG (same access as its print page): shown on the print page for a
    long press to save it, WeChat's in-app browser being unable to print or download."""
    card = portal_object(request, _valid_cards(request), pk, via="employment__enterprise")
    data = card_png(
        worker_name=card.worker.name,
        enterprise_name=card.employment.enterprise.name,
        number=card.number,
        issued=date_filter(card.issued_at, "Y-m-d"),
        verify_url=absolute_url(request, reverse("verify", kwargs={"token": card.token})),
        photo=photo_thumbnail(card.worker.photo) if card.worker.photo else None,
    )
    response = HttpResponse(data, content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=f"服务证{card.number}.png"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_safe
@portal_view
def card_sheet(request):
    """An A4 sheet of cards, CARDS_PER_SHEET a page: every valid card, or those chosen with
    ?card=<id>&card=<id> (any id not of this enterprise answers 404)."""
    cards_qs = _valid_cards(request).order_by("worker__name", "pk")
    chosen = request.GET.getlist("card")
    if chosen:
        if not all(value.isdecimal() for value in chosen):
            raise Http404
        ids = {int(value) for value in chosen}
        cards_qs = cards_qs.filter(pk__in=ids)
        if len(cards_qs) != len(ids):
            raise Http404
    faces = [_card_face(request, card) for card in cards_qs]
    pages = [faces[i : i + CARDS_PER_SHEET] for i in range(0, len(faces), CARDS_PER_SHEET)]
    return render(request, "registry/portal/card_sheet.html", {"pages": pages, "count": len(faces)})


@never_cache
@require_safe
@portal_view
def card_photo(request, pk: int):
    card = portal_object(request, _valid_cards(request), pk, via="employment__enterprise")
    data = photo_thumbnail(card.worker.photo) if card.worker.photo else None
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    return response
