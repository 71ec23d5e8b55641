"""Pictures drawn on the server as PNG: what a phone keeps of a printable page.

WeChat's in-app browser (where most residents and workers open the site) cannot print a
page and does not download files, but a long press on an <img> offers "保存图片". So the
home-service card and the honour-roll posters are also drawn here, with Pillow, into PNGs
that their pages show as plain images. Drawing in the browser (a canvas turned into an
image by script) is not used: WeChat's long press does not save script-made blob images
reliably, and a picture drawn by the server is the same on every phone.

The fonts are the project's own files: WenQuanYi Micro Hei (core/fonts, Apache-2.0) for
Chinese, Latin and digits, and the Tibetan web-font subset (static/fonts, OFL) for Tibetan.
Pillow shapes each run with libraqm (HarfBuzz), so Tibetan stacks and vowel signs come out
as in the browser. A picture carries its texts in PNG text chunks (`png(texts)`), so what it
says can be read back without looking at pixels.
"""

import functools
import io
from pathlib import Path

import segno
from django.conf import settings
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError
from PIL.PngImagePlugin import PngInfo

CJK_FONT = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttf"
TIBETAN_FONT = Path(settings.BASE_DIR) / "static" / "fonts" / "zhouqu-tibetan.woff2"
TIBETAN = range(0x0F00, 0x1000)


@functools.cache
def font(size: int, tibetan: bool = False) -> ImageFont.FreeTypeFont:
    path = TIBETAN_FONT if tibetan else CJK_FONT
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def runs(text: str) -> list[tuple[str, bool]]:
    """`text` cut into runs of Tibetan and of everything else: (run, is_tibetan)."""
    pieces: list[tuple[str, bool]] = []
    for char in text:
        tibetan = ord(char) in TIBETAN
        if pieces and pieces[-1][1] == tibetan:
            pieces[-1] = (pieces[-1][0] + char, tibetan)
        else:
            pieces.append((char, tibetan))
    return pieces


def text_width(text: str, size: int) -> float:
    return sum(font(size, tibetan).getlength(run) for run, tibetan in runs(text))


def wrap(text: str, size: int, width: float) -> list[str]:
    """Lines of `text` no wider than `width`, broken between characters (Chinese has no
    spaces); Tibetan is broken after a tsheg or shad where it can be."""
    lines, line = [], ""
    for char in text:
        if line and text_width(line + char, size) > width:
            cut = max(line.rfind("་"), line.rfind("།"))
            if 0 < cut < len(line) - 1:
                lines.append(line[: cut + 1])
                line = line[cut + 1 :]
            else:
                lines.append(line)
                line = ""
        line += char
    if line:
        lines.append(line)
    return lines


def qr_image(url: str, size: int) -> Image.Image:
    """The QR code of `url` (as core.qr draws it: level M, a two-module border) in a square
    of at most `size` pixels, whole pixels per module."""
    code = segno.make(url, error="m")
    modules = code.symbol_size(border=2)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=max(1, size // modules), border=2)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def photo_image(data: bytes | None) -> Image.Image | None:
    if not data:
        return None
    try:
        return ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None


class Picture:
    """A white (or `background`) canvas that draws text in runs of the right font."""

    def __init__(self, width: int, height: int, background: str = "#ffffff"):
        self.image = Image.new("RGB", (width, height), background)
        self.draw = ImageDraw.Draw(self.image)
        self.width, self.height = width, height

    def line(self, x: float, top: float, text: str, size: int, *, fill="#1a1a1a", bold=False):
        """One line whose left edge is `x` and whose box starts at `top`; its height back."""
        ascent, descent = font(size).getmetrics()
        if any(tibetan for _run, tibetan in runs(text)):
            t_ascent, t_descent = font(size, True).getmetrics()
            ascent, descent = max(ascent, t_ascent), max(descent, t_descent)
        stroke = max(1, size // 40) if bold else 0
        for run, tibetan in runs(text):
            face = font(size, tibetan)
            self.draw.text(
                (x, top + ascent),
                run,
                font=face,
                fill=fill,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=fill,
            )
            x += face.getlength(run)
        return ascent + descent

    def text(
        self,
        x: float,
        top: float,
        text: str,
        size: int,
        *,
        width: float,
        align: str = "left",
        fill="#1a1a1a",
        bold=False,
        spacing: float = 1.25,
    ) -> float:
        """`text` wrapped to `width` from (`x`, `top`), aligned left or centred in `width`;
        the bottom of the last line back."""
        for line in wrap(text, size, width):
            left = x + (width - text_width(line, size)) / 2 if align == "center" else x
            height = self.line(left, top, line, size, fill=fill, bold=bold)
            top += max(height, size * spacing)
        return top

    def paste(self, picture: Image.Image, x: int, y: int, box: tuple[int, int]) -> None:
        """`picture` in a `box` at (x, y), centred, made smaller (aspect kept) when it does
        not fit; never larger, so a QR code keeps its whole-pixel modules."""
        fitted = picture
        if picture.width > box[0] or picture.height > box[1]:
            fitted = ImageOps.contain(picture, box)
        self.image.paste(
            fitted, (x + (box[0] - fitted.width) // 2, y + (box[1] - fitted.height) // 2)
        )

    def png(self, texts: dict[str, str]) -> bytes:
        info = PngInfo()
        for key, value in texts.items():
            info.add_itxt(key, value)
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG", pnginfo=info, compress_level=6)
        return buffer.getvalue()


def fitting_size(text: str, size: int, width: float, smallest: int) -> int:
    """The largest size from `size` down to `smallest` at which `text` fits on one line."""
    while size > smallest and text_width(text, size) > width:
        size -= 2
    return size
