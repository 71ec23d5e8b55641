"""The special groups and measures the implementation plan (舟工信商字〔2025〕32号) names,
seeded by a data migration and editable by staff afterwards.

`create_default_catalogue` takes the model classes so that the migration can pass its
historical models; it creates what is missing and leaves what staff changed alone.
"""

from datetime import date
from decimal import Decimal

PLAN_START = date(2025, 1, 1)

SPECIAL_GROUPS = (
    {
        "code": "elderly-80",
        "name": "80岁以上老人",
        "description": "年满80周岁的居民，按身份证上的出生日期自动认定。",
        "extra_discount_percent": Decimal(10),
        "extra_benefit": "优先安排上门服务",
        "min_age": 80,
        "sort_order": 10,
    },
    {
        "code": "disabled",
        "name": "残疾人",
        "description": "持《中华人民共和国残疾人证》的居民，凭残疾人证认定。",
        "extra_discount_percent": Decimal(10),
        "extra_benefit": "优先安排上门服务",
        "sort_order": 20,
    },
    {
        "code": "dibao",
        "name": "低保户",
        "description": "享受城乡最低生活保障的家庭成员，凭低保证或民政部门证明认定。",
        "extra_discount_percent": Decimal(15),
        "sort_order": 30,
    },
    {
        "code": "tekun",
        "name": "特困人员",
        "description": "纳入特困人员救助供养的居民，凭民政部门证明认定。",
        "extra_discount_percent": Decimal(20),
        "extra_benefit": "免收上门费",
        "sort_order": 40,
    },
    {
        "code": "youfu",
        "name": "优抚对象",
        "description": "伤残军人、烈士遗属、退役军人等优抚对象，"
        "凭优待证或退役军人事务部门证明认定。",
        "extra_discount_percent": Decimal(10),
        "extra_benefit": "优先安排上门服务",
        "sort_order": 50,
    },
)

MEASURES = (
    {
        "code": "resident-discount",
        "title": "守信居民家政服务优惠",
        "description": "信用良好的居民，在信用等级AA级及以上、参加本活动的家政企业购买家政服务，"
        "按订单金额优惠10%（九折）。",
        "audience": "resident",
        "benefit_kind": "discount",
        "discount_percent": Decimal(10),
        "min_grade": "AA",
        "stackable": True,
        "stack_cap_percent": Decimal(25),
        "sort_order": 10,
    },
    {
        "code": "special-group-extra",
        "title": "特殊群体额外优惠",
        "description": "80岁以上老人、残疾人、低保户、特困人员、优抚对象，在守信居民优惠的基础上"
        "再享额外优惠（按所属群体，最高20%），与其他优惠合计不超过25%。",
        "audience": "resident",
        "benefit_kind": "discount",
        "discount_percent": None,
        "min_grade": "AA",
        "stackable": True,
        "stack_cap_percent": Decimal(25),
        "groups": ("elderly-80", "disabled", "dibao", "tekun", "youfu"),
        "sort_order": 20,
    },
    {
        "code": "resident-priority-booking",
        "title": "优先预约、优先派单",
        "description": "信用良好的居民预约家政服务时，参加本活动的企业"
        "优先安排时间、优先派出服务人员。",
        "audience": "resident",
        "benefit_kind": "priority_booking",
        "value_note": "预约优先安排，急需时优先派单",
        "min_grade": "A",
        "sort_order": 30,
    },
    {
        "code": "resident-free-consultation",
        "title": "免费家政咨询",
        "description": "信用良好的居民每年可在参加本活动的企业享受1次免费家政咨询"
        "（上门评估服务需求、讲解服务项目和收费标准）。",
        "audience": "resident",
        "benefit_kind": "free_consultation",
        "value_note": "每年1次免费上门咨询",
        "min_grade": "A",
        "limit_count": 1,
        "limit_period": "year",
        "sort_order": 40,
    },
    {
        "code": "enterprise-support-priority",
        "title": "扶持政策、评优评先、政策申报优先",
        "description": "信用等级AA级及以上的家政企业，"
        "在行业扶持资金、评优评先推荐和各类政策申报中优先考虑。",
        "audience": "enterprise",
        "benefit_kind": "support_priority",
        "value_note": "同等条件下优先",
        "min_grade": "AA",
        "sort_order": 10,
    },
    {
        "code": "enterprise-free-publicity",
        "title": "官方平台免费宣传",
        "description": "信用等级AAA级（诚信示范）的家政企业，"
        "在县政府网站、政务新媒体等官方平台免费宣传推介。",
        "audience": "enterprise",
        "benefit_kind": "free_publicity",
        "value_note": "官方平台免费宣传推介",
        "min_grade": "AAA",
        "sort_order": 20,
    },
    {
        "code": "enterprise-training-priority",
        "title": "技能培训名额优先",
        "description": "信用等级A级及以上的家政企业，在县里组织的家政技能培训中优先获得培训名额，"
        "等级越高越优先。",
        "audience": "enterprise",
        "benefit_kind": "training_place",
        "value_note": "培训名额优先分配",
        "min_grade": "A",
        "sort_order": 30,
    },
    {
        "code": "worker-award-priority",
        "title": "优秀从业人员评优推荐优先",
        "description": "信用等级AAA级的家政从业人员，在“最美家政服务员”等评选中优先推荐。",
        "audience": "worker",
        "benefit_kind": "support_priority",
        "value_note": "评优推荐优先",
        "min_grade": "AAA",
        "sort_order": 10,
    },
)


def create_default_catalogue(SpecialGroup, IncentiveMeasure) -> None:
    groups = {}
    for spec in SPECIAL_GROUPS:
        spec = dict(spec)
        code = spec.pop("code")
        groups[code], _ = SpecialGroup.objects.get_or_create(code=code, defaults=spec)
    for spec in MEASURES:
        spec = dict(spec)
        group_codes = spec.pop("groups", ())
        measure, created = IncentiveMeasure.objects.get_or_create(
            code=spec.pop("code"), defaults={**spec, "valid_from": PLAN_START}
        )
        if created and group_codes:
            measure.special_groups.set([groups[code] for code in group_codes])
