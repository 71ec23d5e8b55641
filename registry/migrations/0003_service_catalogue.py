from decimal import Decimal

from django.db import migrations

CATALOGUE = [
    (
        "daily-cleaning", "日常保洁", "hour", "30", "50",
        "1. 上门前电话确认时间和服务内容；2. 到达后出示居家上门服务证；3. 按先上后下、先里后外的顺序清洁客厅、卧室、厨房、卫生间；4. 垃圾分类清运；5. 与客户共同验收并签字确认。",
        "准时上门、持证服务；使用客户认可的清洁剂；损坏物品照价赔偿；不满意24小时内免费返工。",
    ),
    (
        "deep-cleaning", "深度保洁", "sqm", "5", "10",
        "1. 上门勘察并书面报价；2. 签订服务协议；3. 对厨房油污、卫生间水垢、门窗玻璃等进行深度清洁；4. 清理施工垃圾；5. 验收签字。",
        "先报价后服务，不临时加价；高处作业做好安全防护；验收合格后付款。",
    ),
    (
        "appliance-cleaning", "家电清洗", "unit", "80", "150",
        "1. 断电并检查设备状况；2. 拆卸可拆部件；3. 使用专用清洗剂清洗消毒；4. 装回并通电试机；5. 向客户说明清洗情况。",
        "拆装规范，不更换客户部件；清洗后设备运转正常；因操作造成损坏负责维修或赔偿。",
    ),
    (
        "maternity", "母婴护理（月嫂）", "month", "6000", "12000",
        "1. 签订母婴护理服务合同；2. 产妇护理：饮食、伤口和乳房护理；3. 新生儿护理：喂养、洗浴、抚触、脐带护理；4. 每日记录护理日志；5. 服务期满进行满意度回访。",
        "持有效健康证和母婴护理员证书上岗；24小时在岗不擅离；发现异常及时告知并建议就医。",
    ),
    (
        "infant-care", "育婴", "month", "4000", "7000",
        "1. 了解婴幼儿作息和饮食习惯；2. 生活照料：喂养、睡眠、清洁；3. 早期教育和游戏陪伴；4. 记录成长情况并与家长沟通。",
        "持育婴员证书上岗；不体罚、不呵斥婴幼儿；严格执行家长的喂养和用药要求。",
    ),
    (
        "elder-care", "养老护理", "month", "3500", "6000",
        "1. 评估老人身体状况和照护需求；2. 生活照料：起居、饮食、个人卫生；3. 协助服药和康复活动；4. 陪伴聊天，关注情绪；5. 定期向家属反馈。",
        "持养老护理员证书上岗；尊重老人、耐心细致；遇紧急情况立即联系家属并拨打急救电话。",
    ),
    (
        "patient-care", "病患陪护", "day", "150", "260",
        "1. 了解病情和医嘱；2. 协助进食、翻身、清洁和如厕；3. 观察病情变化并及时报告医护人员；4. 做好陪护记录。",
        "遵守医院管理规定；严格按医嘱协助护理，不擅自用药；保护患者隐私。",
    ),
    (
        "home-cooking", "家庭烹饪", "hour", "35", "60",
        "1. 确认菜单和口味禁忌；2. 食材清洗和加工；3. 烹饪出品；4. 清洁厨房和餐具。",
        "持有效健康证上岗；生熟分开，注意食品安全；尊重客户民族饮食习惯。",
    ),
    (
        "moving", "搬家服务", "order", "200", "800",
        "1. 上门或电话评估物品数量并报价；2. 签订搬运协议；3. 包装、搬运、运输；4. 到达后按客户要求摆放；5. 清点验收。",
        "明码标价，不中途加价；贵重易碎物品专门包装；物品损坏按约定赔偿。",
    ),
]


def create_catalogue(apps, schema_editor):
    ServiceCategory = apps.get_model("registry", "ServiceCategory")
    for order, (code, name, unit, low, high, process, commitment) in enumerate(CATALOGUE, 1):
        ServiceCategory.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": unit,
                "guide_price_min": Decimal(low),
                "guide_price_max": Decimal(high),
                "standard_process": process,
                "commitment": commitment,
                "sort_order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_townships")]

    operations = [migrations.RunPython(create_catalogue, migrations.RunPython.noop)]
