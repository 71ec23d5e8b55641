"""Tibetan is drawn with the site's own web font, stacks and vowel signs shaped, in Debian's
chromium, and the Tibetan pages look as their committed references at 360 px.

References live in tests/e2e/reference/. After a deliberate change (a translation landing,
a style change) regenerate them with one command and commit the new files:

    UPDATE_REFERENCE=1 .venv/bin/python -m pytest -p no:randomly tests/e2e/test_tibetan_rendering.py

A page's reference holds its screenshot and the text it showed (tibetan-pages.json): when the
text changed the test says so and asks for the references to be regenerated; when the text is
the same, the screenshot must match within a small tolerance.
"""

import datetime
import hashlib
import io
import json
import os
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from PIL import Image, ImageChops

from registry.models import Township
from registry.services.cards import card_issue
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    EnterpriseFactory,
    HealthCertificateFactory,
    WorkerFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFERENCE = Path(__file__).parent / "reference"
UPDATE = os.environ.get("UPDATE_REFERENCE") == "1"
FONT_URL = "/static/fonts/zhouqu-tibetan.woff2"
FAMILY = "Zhouqu Tibetan"
# Stacked consonants (བསྒྲུབས, ཀྲུང, རྒྱ, ཕྱུགས), vowel signs above and below (སྒྲོལ, མཚོ) and
# the long vowel with nasal sign (ཧཱུྃ).
SAMPLE = "བསྒྲུབས། སྒྲོལ་མ། ཀྲུང་གོ། རྒྱ་མཚོ། ཕྱུགས་ ཧཱུྃ།"
# A pixel differs when one channel moved by more than this; a picture matches when at most
# this share of its pixels differ (anti-aliasing, a moved caret of a date).
CHANNEL_DELTA = 48
SAMPLE_TOLERANCE = 0.005
PAGE_TOLERANCE = 0.01
# The pages' dates come from the server's clock: fixed, so the text does not change daily.
FIXED_NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


def diff_ratio(png: bytes, reference: Path) -> float:
    got = Image.open(io.BytesIO(png)).convert("RGB")
    want = Image.open(reference).convert("RGB")
    if got.size != want.size:
        return 1.0
    delta = (
        ImageChops.difference(got, want)
        .convert("L")
        .point(lambda v: 255 if v > CHANNEL_DELTA else 0)
    )
    return delta.histogram()[255] / (got.width * got.height)


def compare(png: bytes, name: str, tolerance: float) -> None:
    reference = REFERENCE / name
    if UPDATE:
        REFERENCE.mkdir(exist_ok=True)
        reference.write_bytes(png)
        return
    assert reference.exists(), f"no reference {reference}: run with UPDATE_REFERENCE=1"
    ratio = diff_ratio(png, reference)
    if ratio > tolerance:
        (REFERENCE / f"{name}.actual.png").write_bytes(png)  # for a look; not committed
    assert ratio <= tolerance, f"{name}: {ratio:.2%} of pixels differ (allowed {tolerance:.2%})"


def tibetan_context(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "bo", "domain": host, "path": "/"}]
    )
    return context


def font_requests(page) -> list:
    requests = []
    page.on("response", lambda r: requests.append(r) if r.url.endswith(FONT_URL) else None)
    return requests


MEASURE = """([family, sample]) => {
  document.body.innerHTML =
    '<p id="sample" style="display:inline-block;margin:0;padding:8px 12px;background:#fff;' +
    'color:#000;font-size:32px;line-height:1.9;white-space:nowrap"></p>' +
    '<p><span id="stack" style="font-size:32px">སྒྲུ</span> ' +
    '<span id="base" style="font-size:32px">ས</span></p>';
  document.getElementById("sample").textContent = sample;
  return document.fonts.load('32px "' + family + '"', sample).then(() => document.fonts.ready)
    .then(() => {
      const face = [...document.fonts].find(f => f.family.replace(/"/g, "") === family);
      const el = document.getElementById("sample");
      const width = el.getBoundingClientRect().width;
      const stack = document.getElementById("stack").getBoundingClientRect();
      const base = document.getElementById("base").getBoundingClientRect();
      const used = document.fonts.check('32px "' + family + '"', sample);
      el.style.fontFamily = "sans-serif";
      const fallback = el.getBoundingClientRect().width;
      el.style.fontFamily = "";
      return {status: face && face.status, used, width, fallback,
              stackWidth: stack.width, stackHeight: stack.height,
              baseWidth: base.width, baseHeight: base.height};
    });
}"""


def card_token() -> str:
    township, _ = Township.objects.get_or_create(name="城关镇", defaults={"kind": "town"})
    enterprise = EnterpriseFactory(name="舟曲县格桑花家政服务有限公司", township=township)
    worker = WorkerFactory(name="卓玛草", township=township)
    employment = EmploymentFactory(worker=worker, enterprise=enterprise, position="育婴员")
    HealthCertificateFactory(worker=worker, valid_to=datetime.date(2027, 3, 31))
    BackgroundCheckFactory(worker=worker)
    return card_issue(actor=None, warnings_confirmed=True, employment=employment).token


def visible_text(page) -> str:
    return " ".join(page.locator("body").inner_text().split())


def check_the_sample(page, live_server) -> None:
    fonts = font_requests(page)
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "bo"
    found = page.evaluate(MEASURE, [FAMILY, SAMPLE])

    # The face came from this site (no CDN), as WOFF2, and is the one the text is drawn with.
    assert found["status"] == "loaded"
    assert found["used"] is True
    assert [r.status for r in fonts] == [200]
    assert fonts[0].headers["content-type"] == "font/woff2"
    # Drawn differently from the browser's fallback (here: no Tibetan font, empty boxes).
    assert abs(found["width"] - found["fallback"]) > 0.1 * found["fallback"]
    # A stack (ས + subjoined ག + subjoined ར + vowel sign u) is one column: about as wide as
    # its base letter, not four letters side by side, and taller than the letter alone.
    assert found["stackWidth"] < 1.5 * found["baseWidth"]
    compare(page.locator("#sample").screenshot(), "tibetan-sample.png", SAMPLE_TOLERANCE)


def check_the_pages(page, live_server, token: str) -> list[str]:
    """Screenshots of the Tibetan pages against their references; the pages whose text
    changed since the references were made."""
    pages_file = REFERENCE / "tibetan-pages.json"
    recorded = {} if UPDATE else json.loads(pages_file.read_text(encoding="utf-8"))
    shots = {
        "tibetan-home-360.png": "/",
        "tibetan-complaint-form-360.png": "/complaints/new/",
        "tibetan-verify-360.png": f"/verify/{token}/",
    }
    texts, changed = {}, []
    for name, url in shots.items():
        page.goto(live_server.url + url)
        page.evaluate("document.fonts.ready.then(() => true)")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
        text = visible_text(page).replace(token, "<token>")
        texts[name] = hashlib.sha256(text.encode()).hexdigest()
        png = page.screenshot()
        if not UPDATE and recorded.get(name) != texts[name]:
            changed.append(url)
            continue
        compare(png, name, PAGE_TOLERANCE)
    if UPDATE:
        pages_file.write_text(json.dumps(texts, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return changed


def test_tibetan_is_drawn_with_the_sites_font_and_the_pages_match_their_references(
    browser, live_server, phone_page
):
    # A Chinese page has no Tibetan text in a Tibetan-styled element: no font download.
    chinese_fonts = font_requests(phone_page)
    phone_page.goto(live_server.url + "/")
    phone_page.evaluate("document.fonts.ready.then(() => true)")
    assert phone_page.locator("html").get_attribute("lang") == "zh-Hans"
    assert chinese_fonts == []

    context = tibetan_context(browser, live_server)
    page = context.new_page()
    outside = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else outside.append(r.url),
    )
    check_the_sample(page, live_server)
    with time_machine.travel(FIXED_NOW, tick=True):
        assert timezone.localdate() == datetime.date(2026, 6, 15)
        cache.clear()  # the home page's cached panels were drawn at the real date above
        changed = check_the_pages(page, live_server, card_token())
    context.close()
    assert outside == []
    assert not changed, (
        f"the text of {', '.join(changed)} changed since the references were made (a translation "
        "landed?): look at the pages, then regenerate with UPDATE_REFERENCE=1 and commit them"
    )
