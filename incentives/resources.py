"""Excel export of redemptions (优惠核销台账), masked: ID numbers and mobiles never in full."""

from django.utils import timezone
from import_export import fields, resources

from core.spreadsheets import xlsx_from_dataset

from .models import Redemption


def _column(header: str, attribute: str | None = None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=header, readonly=True)


class RedemptionResource(resources.ModelResource):
    served_on = _column("服务日期", "served_on")
    resident_name = _column("居民姓名", "resident__name")
    resident_id = _column("身份证号", "resident__id_number_masked")
    resident_mobile = _column("手机号码")
    township = _column("居住乡镇", "resident__township__name")
    enterprise = _column("服务企业", "enterprise__name")
    worker = _column("服务人员")
    category = _column("服务项目", "category__name")
    order_amount = _column("订单金额（元）", "order_amount")
    discount_percent = _column("优惠比例（%）", "discount_percent")
    discount_amount = _column("优惠金额（元）", "discount_amount")
    paid_amount = _column("实付金额（元）", "paid_amount")
    measures = _column("使用的激励措施")
    groups = _column("特殊群体")
    status = _column("状态")
    sms = _column("短信确认")
    recorded_at = _column("登记时间")

    class Meta:
        model = Redemption
        fields = (
            "served_on",
            "resident_name",
            "resident_id",
            "resident_mobile",
            "township",
            "enterprise",
            "worker",
            "category",
            "order_amount",
            "discount_percent",
            "discount_amount",
            "paid_amount",
            "measures",
            "groups",
            "status",
            "sms",
            "recorded_at",
        )

    def dehydrate_resident_mobile(self, redemption) -> str:
        return redemption.resident.mobile_masked

    def dehydrate_worker(self, redemption) -> str:
        return redemption.worker.name if redemption.worker_id else ""

    def dehydrate_measures(self, redemption) -> str:
        return "、".join(item.measure.title for item in redemption.items.all())

    def dehydrate_groups(self, redemption) -> str:
        return "、".join(group.name for group in redemption.special_groups.all())

    def dehydrate_status(self, redemption) -> str:
        return redemption.get_status_display()

    def dehydrate_sms(self, redemption) -> str:
        return "是" if redemption.sms_confirmed else "否"

    def dehydrate_recorded_at(self, redemption) -> str:
        return timezone.localtime(redemption.recorded_at).strftime("%Y-%m-%d %H:%M")


def redemptions_export(queryset) -> bytes:
    rows = (
        queryset.select_related(
            "resident__township", "enterprise", "worker", "category"
        ).prefetch_related("items__measure", "special_groups")
    ).order_by("-served_on", "-pk")
    dataset = RedemptionResource().export(queryset=rows)
    dataset.title = "优惠核销台账"
    return xlsx_from_dataset(dataset)
