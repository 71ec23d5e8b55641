"""The enterprise portal's framework: who is a portal user, what they may see, and the
extension points the apps register their portal pages and home cards into.

Every portal view, whichever app owns it, is wrapped in `portal_view`: it requires a logged
in portal user of an enterprise, keeps the session alive for PORTAL_SESSION_IDLE_SECONDS of
inactivity only, and puts the enterprise on `request.enterprise`. Objects are fetched with
`portal_object`, which filters by that enterprise *before* looking up the id, so another
enterprise's id answers 404 exactly like an id that does not exist.

The portal home and its navigation are composed from `PORTAL_CARDS` and `PORTAL_PAGES`
(core.plugins registries): each app registers its own cards and pages from its
AppConfig.ready(), so the `portal` app never imports the apps and the apps never import
`portal`. The portal account is reached through the user's `portal_account` reverse
accessor, so this module needs no model.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from .plugins import Registry

LOGIN_URL = "portal:login"
# PortalAccount.Role.OWNER: the account that manages the enterprise's other accounts.
OWNER_ROLE = "owner"


def portal_account_for(user):
    """The user's portal account (portal.models.PortalAccount), or None for anonymous,
    inactive and staff users and users without one."""
    if not (user.is_authenticated and user.is_active) or user.is_staff:
        return None
    try:
        return user.portal_account
    except ObjectDoesNotExist:
        return None


def portal_view(view: Callable | None = None, *, owner_only: bool = False):
    """Decorator of every portal view (see the module docstring). `owner_only` keeps a page
    (accounts of the enterprise's staff) to the enterprise's owner account."""

    def decorate(function):
        @wraps(function)
        def wrapper(request, *args, **kwargs):
            account = portal_account_for(request.user)
            if account is None:
                if request.user.is_authenticated:
                    raise PermissionDenied("此页面仅供企业平台账号使用。")
                return redirect_to_login(
                    request.get_full_path(), reverse(LOGIN_URL), REDIRECT_FIELD_NAME
                )
            if owner_only and account.role != OWNER_ROLE:
                raise PermissionDenied("仅企业负责人账号可以使用此功能。")
            # Sliding idle expiry: each portal request renews the 30 minutes.
            request.session.set_expiry(settings.PORTAL_SESSION_IDLE_SECONDS)
            request.portal_account = account
            request.enterprise = account.enterprise
            return function(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def portal_scope(request, queryset: QuerySet, via: str = "enterprise") -> QuerySet:
    """`queryset` narrowed to the request's enterprise (`via` is the lookup path to it)."""
    return queryset.filter(**{via: request.enterprise})


def portal_object(request, queryset: QuerySet, pk, via: str = "enterprise"):
    """One object of the request's enterprise, or 404 — never someone else's."""
    try:
        return portal_scope(request, queryset, via).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Composition: dashboard cards and pages registered by the apps -------------------------


@dataclass(frozen=True)
class PortalCard:
    """A card of the portal home (`/portal/`): a template and its context function."""

    key: str
    title: str
    template: str
    context: Callable  # (enterprise, request) -> dict
    order: int = 100


@dataclass(frozen=True)
class PortalPage:
    """An entry of the portal navigation."""

    key: str
    title: str
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class RenderedCard:
    key: str
    title: str
    html: str


PORTAL_CARDS: Registry[PortalCard] = Registry("portal cards")
PORTAL_PAGES: Registry[PortalPage] = Registry("portal pages")


def portal_cards(request, enterprise) -> list[RenderedCard]:
    rendered = []
    for card in PORTAL_CARDS:
        context = card.context(enterprise, request)
        html = render_to_string(card.template, context, request=request)
        rendered.append(RenderedCard(card.key, card.title, html))
    return rendered


def portal_pages() -> list[dict[str, str]]:
    pages = []
    for page in PORTAL_PAGES:
        try:
            pages.append({"key": page.key, "title": page.title, "url": reverse(page.url_name)})
        except NoReverseMatch:
            continue
    return pages
