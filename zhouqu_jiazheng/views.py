from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles.selectors import latest_articles
from programme.selectors import year_plan
from reporting import publicity

from .health import health_report


@require_safe
def home(request):
    return render(
        request,
        "public/home.html",
        {
            "articles": latest_articles(),
            "programme": publicity.programme_panel_cached(),
            "plan": year_plan(timezone.localdate()),
        },
    )


@never_cache
@require_safe
def healthz(request):
    report, healthy = health_report()
    return JsonResponse(
        {"status": "ok" if healthy else "error", **report},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def favicon(request):
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)
