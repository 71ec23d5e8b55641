"""An honour-roll poster (宣传海报) as a PNG, for phones: the same content as the A4 page
(posters/sheet.html), A4 proportions at 150 dpi. Drawn by core.pictures; see there why on
the server. A poster is public, so its picture is cached (keyed by everything it shows)."""

import hashlib

from core.cache import cached
from core.pictures import Picture, fitting_size, photo_image, qr_image, text_width
from credit.selectors_honour import honoured_worker_photo
from registry.verification import photo_thumbnail

from .posters import Poster

WIDTH, HEIGHT = 1240, 1754
BRAND, BRAND_DARK, GOLD = "#a61b1b", "#7d1212", "#d4a017"
MARGIN = 110  # inside the frame
QR_SIZE = 420
PICTURE_CACHE_SECONDS = 3600
PICTURE_VERSION = 1  # raise when the drawing changes, so cached pictures are not served
PROGRAMME = "舟曲县“信易+家政”"
FOOT = ("舟曲县工业和信息化和商务局", "守信者处处受益 · 失信者处处受限")


def _captions(poster: Poster) -> tuple[str, str]:
    if poster.kind == "enterprise":
        return "微信或手机相机扫码", "查询该企业信用信息"
    return "微信或手机相机扫码", "查看诚信红榜"


def poster_picture(poster: Poster) -> bytes:
    """The poster's PNG, with the worker's photo where the honour roll shows it."""
    photo = None
    if poster.kind == "worker" and poster.photo_url:
        worker = honoured_worker_photo(poster.year, poster.subject_id)
        photo = photo_thumbnail(worker.photo) if worker else None
    return poster_png(poster, photo)


def poster_png(poster: Poster, photo: bytes | None) -> bytes:
    """The poster's picture; `photo` is a consenting worker's photo (JPEG) or None."""
    key = "|".join(
        str(value)
        for value in (
            PICTURE_VERSION,
            poster.kind,
            poster.year,
            poster.title,
            poster.name,
            poster.detail,
            poster.profile_url,
            poster.grade_label,
            poster.target_url,
            hashlib.sha256(photo or b"").hexdigest(),
        )
    )
    digest = hashlib.sha256(key.encode()).hexdigest()
    return cached(f"poster-png:{digest}", PICTURE_CACHE_SECONDS, lambda: _draw(poster, photo))


def _draw(poster: Poster, photo: bytes | None) -> bytes:
    picture = Picture(WIDTH, HEIGHT)
    draw = picture.draw
    draw.rectangle((0, 0, WIDTH - 1, HEIGHT - 1), outline=BRAND, width=36)
    draw.rectangle((60, 60, WIDTH - 61, HEIGHT - 61), outline=GOLD, width=8)
    inner = WIDTH - 2 * MARGIN

    top = picture.text(MARGIN, 120, PROGRAMME, 48, width=inner, align="center", fill=BRAND_DARK)
    roll = f"{poster.year}年度诚信红榜"
    top = picture.text(
        MARGIN, top + 10, roll, 104, width=inner, align="center", fill=BRAND, bold=True
    )

    title_size = 56
    title_width = text_width(poster.title, title_size) + 120
    left = (WIDTH - title_width) / 2
    draw.rounded_rectangle(
        (left, top + 40, left + title_width, top + 40 + title_size * 1.7), radius=48, fill=BRAND
    )
    picture.line(
        left + 60, top + 40 + title_size * 0.22, poster.title, title_size, fill="#ffffff", bold=True
    )
    top += 40 + title_size * 1.7 + 40

    image = photo_image(photo)
    if image is not None:
        picture.paste(image, (WIDTH - 240) // 2, int(top), (240, 320))
        top += 340

    name_size = fitting_size(poster.name, 96, inner, 56)
    top = picture.text(MARGIN, top, poster.name, name_size, width=inner, align="center", bold=True)
    if poster.detail:
        detail = ("所在企业：" if poster.kind == "worker" else "") + poster.detail
        top = picture.text(MARGIN, top + 10, detail, 42, width=inner, align="center", fill="#333")
    if poster.profile_url:
        profile = f"企业信息：{poster.profile_url}"
        top = picture.text(MARGIN, top + 6, profile, 30, width=inner, align="center", fill="#333")

    top += 30
    for column, (label, value, colour) in enumerate(
        (("信用等级", poster.grade_label, BRAND), ("评价年度", f"{poster.year}年度", "#1a1a1a"))
    ):
        x = MARGIN + column * inner / 2
        picture.text(x, top, label, 34, width=inner / 2, align="center", fill="#555")
        picture.text(
            x, top + 50, value, 48, width=inner / 2, align="center", fill=colour, bold=True
        )
    top += 140

    qr_top = max(int(top) + 20, HEIGHT - 110 - 150 - 110 - QR_SIZE)
    picture.paste(
        qr_image(poster.target_url, QR_SIZE), (WIDTH - QR_SIZE) // 2, qr_top, (QR_SIZE, QR_SIZE)
    )
    caption_top = qr_top + QR_SIZE + 10
    for caption in _captions(poster):
        caption_top = picture.text(
            MARGIN, caption_top, caption, 36, width=inner, align="center", fill="#333"
        )
    foot_top = HEIGHT - 110 - 120
    for line in FOOT:
        foot_top = picture.text(
            MARGIN, foot_top, line, 36, width=inner, align="center", fill="#444"
        )
    return picture.png(
        {
            "Title": f"{roll} · {poster.title}",
            "Name": poster.name,
            "Detail": poster.detail,
            "Grade": poster.grade_label,
            "URL": poster.target_url,
        }
    )
