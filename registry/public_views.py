"""Registry's public pages other than /verify/: the published service standards."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import selectors


@require_safe
def service_standards(request):
    """服务标准与指导价: each standard service item's process, commitments and guide price
    range, so a resident can check what a service should include and what it should cost."""
    return render(
        request,
        "registry/service_standards.html",
        {"categories": selectors.published_service_standards()},
    )
