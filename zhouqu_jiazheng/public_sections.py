"""The public sections linked from the home page and the public navigation.

A section is listed only once its URL exists, so the home page never links to a page that
has not been built yet.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class PublicSection:
    url_name: str
    title: str
    summary: str


PUBLIC_SECTIONS: tuple[PublicSection, ...] = (
    PublicSection(
        "credit:lookup", "信用查询", "按企业名称或统一社会信用代码查询家政企业的信用等级。"
    ),
    PublicSection("credit:honor_roll", "诚信红榜", "AAA级诚信示范企业和优秀从业人员。"),
    PublicSection("credit:standard", "评价标准", "家政行业信用评价标准与评分规则。"),
    PublicSection("incentives:catalogue", "守信激励", "信用良好的居民和企业可以享受的优惠与便利。"),
    PublicSection("complaints:new", "我要投诉", "对家政服务不满意，可以在线投诉。"),
    PublicSection("complaints:track", "投诉查询", "凭受理编号和手机号查询投诉办理进度。"),
    PublicSection("reviews:new", "服务评价", "为已完成的家政服务打分评价。"),
    PublicSection("news:list", "政策与案例", "政策解读、典型案例和通知公告。"),
    PublicSection("portal:login", "企业登录", "家政企业维护本企业档案。"),
)


def available_sections() -> list[dict[str, str]]:
    sections = []
    for section in PUBLIC_SECTIONS:
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        sections.append({"url": url, "title": section.title, "summary": section.summary})
    return sections
