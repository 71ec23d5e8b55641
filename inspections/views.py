"""The public page of the inspection rounds (一公开): per round, how many enterprises of each
grade were drawn, and each finished inspection whose credit record is still on disclosure."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import selectors


@require_safe
def inspection_list(request):
    today = timezone.localdate()
    return render(
        request,
        "inspections/list.html",
        {"rounds": selectors.public_rounds(today), "today": today},
    )
