from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from articles.selectors import latest_articles
from core import page_cache
from core.metrics.access import metrics_allowed
from core.metrics.exposition import metrics_exposition
from core.public_sections import available_sections
from programme.selectors import year_plan
from reporting import publicity

from .health import health_report

# The home page's body changes with articles and the plan (bumped on change), with the
# programme's figures (themselves cached for reporting.publicity.PROGRAMME_CACHE_SECONDS) and
# with scheduled articles coming due: rendered at most once a minute per language.
HOME_BODY_SECONDS = 60


@require_safe
def home(request):
    today = timezone.localdate()

    def render_body() -> str:
        context = {
            "articles": latest_articles(),
            "programme": publicity.programme_panel_cached(),
            "plan": year_plan(today),
            "public_sections": available_sections,
        }
        return render_to_string("public/partials/home_body.html", context)

    body = page_cache.fragment(
        "home",
        depends_on=[page_cache.HOME],
        vary=[today],
        seconds=HOME_BODY_SECONDS,
        render=render_body,
    )
    return render(request, "public/home.html", {"body": body})


@never_cache
@require_safe
def healthz(request):
    report, healthy = health_report()
    return JsonResponse(
        {"status": "ok" if healthy else "error", **report},
        status=200 if healthy else 503,
        json_dumps_params={"ensure_ascii": False},
    )


@never_cache
@require_safe
def metrics(request):
    """Prometheus's scrape: only for the configured addresses or token, else a 404."""
    if not metrics_allowed(request):
        raise Http404
    body, content_type = metrics_exposition()
    return HttpResponse(body, content_type=content_type)


@require_safe
def bench_baseline(request):
    """The benchmarks' baseline: the public pages' layout, through the same middleware, with
    no query. Routed only when BENCH_BASELINE_VIEW is on (never in production)."""
    return render(request, "public/base.html")


@require_safe
def favicon(request):
    # Resolved per request: the hashed name exists only after collectstatic.
    return redirect(static("img/favicon.svg"), permanent=True)


TEXT_SIZE_COOKIE = "text_size"


@require_POST
def text_size(request):
    """The 大字版 switch: a plain form (no script needed) that remembers the reader's choice
    in a cookie for a year and sends them back to the page they were reading."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if request.POST.get("size") == "large":
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            "large",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(TEXT_SIZE_COOKIE, samesite="Lax")
    return response
