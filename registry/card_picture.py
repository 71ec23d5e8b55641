"""The home-service card (居家上门服务证) as a PNG, for a worker's phone: the same face as
the printed card (registry/portal/card_face.html) at credit-card proportions, 85.6×54 mm
at 300 dpi. Drawn by core.pictures; see there why on the server."""

from core.pictures import Picture, fitting_size, photo_image, qr_image, text_width

WIDTH, HEIGHT = 1012, 638
BRAND = "#a61b1b"
HEAD = 118
PHOTO_BOX = (40, 158, 210, 280)  # x, y, width, height
QR_SIZE = 210
QR_AT = (WIDTH - 40 - QR_SIZE, 158)
FACTS_X = 280
FACTS_WIDTH = QR_AT[0] - 24 - FACTS_X


def card_png(
    *,
    worker_name: str,
    enterprise_name: str,
    number: str,
    issued: str,
    verify_url: str,
    photo: bytes | None,
) -> bytes:
    picture = Picture(WIDTH, HEIGHT)
    draw = picture.draw
    draw.rectangle((0, 0, WIDTH, HEAD), fill=BRAND)
    picture.line(40, 26, "居家上门服务证", 54, fill="#ffffff", bold=True)
    programme = "舟曲县“信易+家政”"
    picture.line(WIDTH - 40 - text_width(programme, 30), 44, programme, 30, fill="#ffffff")

    x, y, w, h = PHOTO_BOX
    image = photo_image(photo)
    draw.rectangle((x, y, x + w, y + h), fill="#eeeeee", outline="#c9c2b4", width=2)
    if image is not None:
        picture.paste(image, x + 2, y + 2, (w - 4, h - 4))
    else:
        picture.text(x, y + h / 2 - 20, "照片", 32, width=w, align="center", fill="#6b6b6b")

    top = 160.0
    name_size = fitting_size(worker_name, 54, FACTS_WIDTH - 90, 30)
    for label, value, size in (
        ("姓名", worker_name, name_size),
        ("单位", enterprise_name, 30),
        ("证号", number, 30),
        ("发证", issued, 30),
    ):
        picture.line(FACTS_X, top + max(0, size - 30) * 0.6, label, 26, fill="#4a4a4a")
        top = picture.text(FACTS_X + 80, top, value, size, width=FACTS_WIDTH - 80, bold=size > 30)
        top += 14

    qr = qr_image(verify_url, QR_SIZE)
    picture.paste(qr, QR_AT[0], QR_AT[1], (QR_SIZE, QR_SIZE))
    picture.text(QR_AT[0], QR_AT[1] + QR_SIZE + 8, "扫码核验", 30, width=QR_SIZE, align="center")
    draw.rectangle((0, HEIGHT - 14, WIDTH, HEIGHT), fill=BRAND)
    return picture.png(
        {
            "Title": "居家上门服务证",
            "Name": worker_name,
            "Enterprise": enterprise_name,
            "Number": number,
            "Issued": issued,
            "URL": verify_url,
        }
    )
