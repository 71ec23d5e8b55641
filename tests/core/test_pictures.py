"""The server's drawing kit for PNG pictures: Tibetan runs take the Tibetan font (shaped, so a
stack is one column), everything else the Chinese font; long text wraps, Tibetan after a
tsheg."""

import io

from PIL import Image

from core.pictures import Picture, font, runs, text_width, wrap


def test_text_is_cut_into_tibetan_and_other_runs():
    assert runs("卓玛 སྒྲོལ་མ། 2025") == [("卓玛 ", False), ("སྒྲོལ་མ།", True), (" 2025", False)]
    assert runs("") == []


def test_a_tibetan_stack_is_shaped_into_one_column():
    size = 40
    tibetan = font(size, tibetan=True)
    assert tibetan.getname()[0] == "Zhouqu Tibetan"
    # ས with subjoined ག and ར and the vowel sign u: about as wide as ས alone.
    assert tibetan.getlength("སྒྲུ") < 1.5 * tibetan.getlength("ས")
    assert text_width("卓玛སྒྲུ", size) == font(size).getlength("卓玛") + tibetan.getlength("སྒྲུ")


def test_long_text_wraps_within_the_width_and_tibetan_breaks_after_a_tsheg():
    lines = wrap("舟曲县格桑花家政服务有限公司城关镇分公司", 30, 200)
    assert len(lines) > 1 and "".join(lines) == "舟曲县格桑花家政服务有限公司城关镇分公司"
    assert all(text_width(line, 30) <= 200 for line in lines)
    tibetan = "བཀྲ་ཤིས་སྒྲོལ་མ་ཚེ་རིང་དབང་མོ།"
    lines = wrap(tibetan, 40, 220)
    assert len(lines) > 1 and "".join(lines) == tibetan
    assert all(line.endswith(("་", "།")) for line in lines)


def test_a_picture_carries_its_texts_in_the_png():
    picture = Picture(200, 100)
    bottom = picture.text(10, 10, "长按图片保存 སྒྲོལ་མ", 20, width=180)
    assert bottom > 30
    image = Image.open(io.BytesIO(picture.png({"Name": "སྒྲོལ་མ", "Title": "服务证"})))
    assert image.format == "PNG" and image.text == {"Name": "སྒྲོལ་མ", "Title": "服务证"}
    # Something was drawn.
    assert image.convert("L").getextrema()[0] < 100
