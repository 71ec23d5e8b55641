"""QR codes on what is printed: home-service cards, credit reports. Drawn by segno as
inline SVG (no image file, no CDN), for an absolute address built by core.links."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(url: str, *, svgclass: str) -> SafeString:
    """The QR code of `url` as an inline <svg> element with the CSS class `svgclass`."""
    qr = segno.make(url, error="m")
    # segno writes the SVG from our own URL: nothing user-supplied reaches the markup.
    return mark_safe(qr.svg_inline(border=2, omitsize=True, svgclass=svgclass))  # noqa: S308
