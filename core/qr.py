"""QR codes on printed pages (home-service cards, posters, agreements, credit reports):
drawn by segno as inline SVG, so they print sharp at any size and nothing is fetched from
elsewhere; each points to an absolute address built by core.links."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, svgclass: str | None = None, scale: int = 1, **colours) -> SafeString:
    """The QR code of `url` (an address the site built) as inline SVG markup."""
    code = segno.make(url, error="m")
    options = {"svgclass": svgclass} if svgclass else {}
    # segno writes the SVG from our own URL: nothing user-supplied reaches the markup.
    return mark_safe(  # noqa: S308
        code.svg_inline(border=2, omitsize=True, scale=scale, **options, **colours)
    )
