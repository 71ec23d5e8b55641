"""The enterprise portal on a 360-pixel phone: every page without arguments, and the pages of
a worker, a card and a complaint, read without sideways scrolling, without names broken one
character per line, with the menu folded away and destructive buttons set apart."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from complaints.services import complaint_accept
from credit.models import CreditReport
from credit.services.reports import credit_report_issue
from registry.models import Township
from registry.services.cards import card_issue
from tests.factories.complaints import ComplaintFactory
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from tests.portal_fixtures import portal_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTH = 360
DESTRUCTIVE = ["作废", "撤回", "删除", "离职登记", "退出参与"]
# Pages that are no screen of their own: sign-in flow, downloads, printing at card size.
NOT_SCREENS = {
    "login",
    "logout",
    "password_set",
    "card_photo",
    "card_print",
    "card_sheet",
    "incentives_redemption_export",
}

# Text elements that a squeezed layout breaks into one character per line: an element whose
# text has several characters yet whose box is about one character wide and many lines tall.
BROKEN_TEXT = """
() => [...document.querySelectorAll('#main *')].filter(e => {
  const text = [...e.childNodes]
    .filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
  if ([...text].length < 2 || !e.getClientRects().length) return false;
  const hidden = e.closest('thead, .visually-hidden');  // read by screen readers only
  if (hidden && hidden.getBoundingClientRect().width <= 2) return false;
  const style = getComputedStyle(e), size = parseFloat(style.fontSize);
  const box = e.getBoundingClientRect();
  return box.width < size * 1.8 && box.height > size * 2.6;
}).map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 20))
"""

# Destructive buttons and links closer than 16 px to another button or link.
CROWDED = """
([words]) => {
  const controls = [...document.querySelectorAll('#main a, #main button')]
    .filter(e => e.getClientRects().length);
  const gap = (a, b) =>
    Math.max(b.left - a.right, a.left - b.right, b.top - a.bottom, a.top - b.bottom);
  const found = [];
  for (const d of controls) {
    if (!words.includes(d.textContent.trim())) continue;
    const r = d.getBoundingClientRect();
    for (const o of controls) {
      if (o === d || o.contains(d) || d.contains(o)) continue;
      if (gap(r, o.getBoundingClientRect()) < 16)
        found.push(d.textContent.trim() + ' / ' + o.textContent.trim());
    }
  }
  return found;
}
"""


def portal_screens() -> list[str]:
    """Every portal URL name (namespace `portal`)."""
    resolver = get_resolver(settings.ROOT_URLCONF)

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "portal" and p.name:
                yield p.name, bool(p.pattern.converters)

    return sorted(set(walk(resolver.url_patterns)))


@pytest.fixture
def enterprise_on_a_phone(phone_page, live_server):
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    employments = [
        EmploymentFactory(
            enterprise=enterprise,
            worker=WorkerFactory(name=name, township=township),
            position="育婴员",
        )
        for name in ("卓玛草", "阿卜杜热合曼·买买提", "王桂兰")
    ]
    cards = [card_issue(actor=None, warnings_confirmed=True, employment=e) for e in employments[:2]]
    user = portal_user(enterprise)
    officer = type(user.account.user).objects.create_user("tousu-e2e", is_staff=True)
    complaint = complaint_accept(
        actor=officer, complaint=ComplaintFactory(enterprise=enterprise, township=township)
    )
    report = credit_report_issue(
        actor=user.user, enterprise=enterprise, channel=CreditReport.Channel.PORTAL
    )
    session = user.client.cookies[settings.SESSION_COOKIE_NAME].value
    phone_page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    args = {
        "worker": employments[0].pk,
        "worker_end": employments[0].pk,
        "worker_health": employments[0].pk,
        "worker_training": employments[0].pk,
        "card_reissue": cards[0].pk,
        "card_revoke": cards[0].pk,
        "complaints_detail": complaint.pk,
        "credit_report": report.pk,
    }
    return phone_page, args


def test_every_portal_page_reads_on_a_phone(enterprise_on_a_phone, live_server):
    page, args = enterprise_on_a_phone
    checked, problems = [], []
    for name, has_args in portal_screens():
        if name in NOT_SCREENS or (has_args and name not in args):
            continue
        url = reverse(f"portal:{name}", args=[args[name]] if has_args else [])
        response = page.goto(live_server.url + url)
        if response.status != 200:
            continue
        checked.append(name)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append((url, "width", width))
        if broken := page.evaluate(BROKEN_TEXT):
            problems.append((url, "one character per line", broken))
        if crowded := page.evaluate(CROWDED, [DESTRUCTIVE]):
            problems.append((url, "destructive button crowded", crowded))
        # The menu is folded: the page's own heading is on the first screen.
        heading = page.locator("#main h1").first.bounding_box()
        if not heading or heading["y"] > 740 * 0.5:
            problems.append((url, "heading below the first half screen", heading))
    assert problems == []
    assert {"home", "cards", "workers", "worker", "complaints_detail"} <= set(checked)
    assert len(checked) >= 15


def test_the_menu_opens_without_javascript_and_reaches_every_page(
    enterprise_on_a_phone, live_server
):
    page, _args = enterprise_on_a_phone
    page.goto(live_server.url + reverse("portal:home"))
    menu = page.locator("details.portal-menu")
    assert menu.is_visible()
    assert not page.get_by_role("link", name="服务证", exact=True).first.is_visible()
    menu.locator("summary").click()
    link = menu.get_by_role("link", name="服务证", exact=True)
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/portal/cards/")
    # Each card is a block: the name on one line, 作废 apart from 补发 and 打印.
    name = page.get_by_text("阿卜杜热合曼·买买提").first.bounding_box()
    assert name["height"] < 60
    assert page.evaluate(CROWDED, [DESTRUCTIVE]) == []
    assert page.console_errors == [] and page.outside_requests == []
