"""The choices of complaint cases: how a case came in, what it is about, where it stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    FALSE_ADVERTISING = "false_advertising", _("虚假宣传")
    OVERCHARGING = "overcharging", _("乱收费")
    SUBSTANDARD = "substandard", _("服务不达标")
    PROPERTY_LOSS = "property_loss", _("财物损失")
    PERSONAL_SAFETY = "personal_safety", _("人身安全")
    ATTITUDE = "attitude", _("服务态度")
    OTHER = "other", _("其他")


class ReportCategory(models.TextChoices):
    """What a 举报 is about: a violation seen without a personal loss. Kept apart from the
    complaint categories so the two never mix in statistics."""

    UNLICENSED = "unlicensed", _("无证经营")
    FALSE_ADVERTISING = "false_advertising", _("虚假宣传")
    FAKE_CARD = "fake_card", _("假冒服务证")
    OTHER = "other", _("其他违规")


class PriceFinding(models.TextChoices):
    """What the amount a resident was charged (per unit of the service item) is, set against
    the enterprise's published price and the county's guide range of that item."""

    ABOVE_BOTH = "above_both", _("高于企业公示价格，且不在指导价区间内")
    ABOVE_PUBLISHED = "above_published", _("高于企业公示价格")
    OUTSIDE_GUIDE = "outside_guide", _("不在指导价区间内")
    WITHIN = "within", _("未超出企业公示价格，且在指导价区间内")
    WITHIN_GUIDE_UNPUBLISHED = "within_guide", _("在指导价区间内（未查到企业公示的该项价格）")


class Channel(models.TextChoices):
    """How a case reached the bureau. Web cases are filed by residents themselves; the others
    are entered by staff through the same intake service."""

    WEB = "web", _("网上投诉")
    PHONE = "phone", _("电话")
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")
    HOTLINE_12345 = "12345", _("12345热线转来")
    HOTLINE_12315 = "12315", _("12315平台转来")


class CaseType(models.TextChoices):
    """投诉: a resident's own loss; 举报: a violation reported without a personal loss."""

    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，待受理")
    ACCEPTED = "accepted", _("已受理")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    MEDIATING = "mediating", _("调解中")
    MEDIATED = "mediated", _("调解成功")
    MEDIATION_FAILED = "mediation_failed", _("调解终止（未达成协议）")
    INVESTIGATING = "investigating", _("调查核实中")  # 举报 only: no mediation
    CLOSED = "closed", _("已办结")
    REFERRED = "referred", _("已转办")


class ReferralBody(models.TextChoices):
    """Where a case outside the bureau's remit is referred (转办)."""

    MARKET_REGULATION = "market_regulation", _("县市场监督管理局（12315）")
    HOTLINE_12345 = "12345", _("12345政务服务便民热线")
    POLICE = "police", _("公安机关")
    HUMAN_RESOURCES = "human_resources", _("县人力资源和社会保障局")
    OTHER = "other", _("其他单位")


class Stage(models.TextChoices):
    """The statutory period a case is in; each has its own limit in working days."""

    ACCEPTANCE = "acceptance", _("受理决定")
    MEDIATION = "mediation", _("调解")
    INVESTIGATION = "investigation", _("调查核实")  # 举报
    NOTIFICATION = "notification", _("告知办结")


class DeadlineState(models.TextChoices):
    ON_TIME = "on_time", "正常"
    DUE_SOON = "due_soon", "即将到期"
    OVERDUE = "overdue", "已超期"
    DONE = "done", "已办结"
