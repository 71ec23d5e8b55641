"""Registry's public pages other than /verify/: the published service standards and the
enterprise profiles."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from . import selectors, selectors_profile
from .profile import profile_sections


@require_safe
def service_standards(request):
    """服务标准与指导价: each standard service item's process, commitments and guide price
    range, so a resident can check what a service should include and what it should cost."""
    return render(
        request,
        "registry/service_standards.html",
        {"categories": selectors.published_service_standards()},
    )


@require_safe
def enterprise_profile(request, pk: int):
    """The public profile of an operating enterprise (官方平台免费宣传推介): who it is, how to
    reach it, its licences, services and prices, and what the other apps add (grades,
    honours, credit pledge, incentives). Other enterprises answer 404."""
    enterprise = get_object_or_404(selectors_profile.public_enterprises(), pk=pk)
    licences = selectors_profile.licence_status(enterprise)
    return render(
        request,
        "registry/enterprise_profile.html",
        {
            "enterprise": enterprise,
            "licences": licences,
            "sections": profile_sections(enterprise, request),
        },
    )
