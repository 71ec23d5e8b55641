"""The default clauses of the general agreement template (通用服务约定范本), seeded by a data
migration as version 1; staff publish new versions, per service item too, in the admin.

Headings are the clauses the bureau requires; the text may use the placeholders the print
page fills in: none — every agreement-specific figure (items, prices, dates, address) is
printed in its own table above the clauses, so the clauses stay the same for everyone.
"""

from django.utils.translation import gettext_lazy as _

# The law the public pages quote: translated there (the clauses themselves are data).
LAW = _(
    "《家庭服务业管理暂行办法》（商务部令2012年第11号）第十三条规定，"
    "家庭服务机构应当与消费者签订书面家庭服务合同。"
)

HEADINGS = (
    "服务内容和标准",
    "服务时间和地点",
    "服务费用",
    "服务承诺",
    "双方的权利和义务",
    "变更与解除",
    "违约责任",
    "保险",
    "争议解决",
)

DEFAULT_TITLE = "家政服务标准化服务约定（通用范本）"

DEFAULT_CLAUSES = [
    {
        "heading": "服务内容和标准",
        "text": "乙方（家政企业）按本约定所列服务项目，依照舟曲县公布的标准服务流程提供服务；"
        "服务质量不低于该项目公布的服务标准。",
    },
    {
        "heading": "服务时间和地点",
        "text": "服务在本约定所列日期内、在所列服务地址进行；具体上门时间由双方提前商定，"
        "乙方服务人员应准时到达，因故不能按时到达的应提前告知甲方（客户）。",
    },
    {
        "heading": "服务费用",
        "text": "服务费用按乙方在“信易+家政”平台公示的收费标准计算，列于本约定的项目表中；"
        "高于公示价格的，已在项目表中写明理由。乙方不得在本约定之外另行收取费用。",
    },
    {
        "heading": "服务承诺",
        "text": "乙方派出的服务人员持有效的居家上门服务证，经过岗前培训，持有效健康证明；"
        "服务中爱护甲方财物，保护甲方个人信息，不向他人泄露。",
    },
    {
        "heading": "双方的权利和义务",
        "text": "甲方应如实告知服务需求和家中注意事项，提供必要的服务条件，按约定支付费用，"
        "尊重服务人员的人格和劳动；乙方应按约定提供服务，对服务人员进行管理和监督，"
        "接受甲方的监督和评价。",
    },
    {
        "heading": "变更与解除",
        "text": "任何一方需要变更或取消服务的，应至少提前24小时告知对方；"
        "服务开始前取消的，乙方应全额退还已收费用；服务中途解除的，按已完成的服务结算。",
    },
    {
        "heading": "违约责任",
        "text": "乙方服务不符合约定标准的，应免费重新服务或相应减收费用；"
        "因乙方服务人员过错造成甲方人身或财产损失的，由乙方依法承担赔偿责任。",
    },
    {
        "heading": "保险",
        "text": "乙方为服务人员投保了家政服务相关保险的，应在“其他约定”中写明保险名称；"
        "发生保险责任范围内的损失，乙方应协助甲方办理理赔。",
    },
    {
        "heading": "争议解决",
        "text": "发生争议的，双方先协商解决；协商不成的，甲方可向舟曲县工业和信息化商务局"
        "在线投诉（“信易+家政”平台“我要投诉”，网址 /complaints/new/，可填写本约定编号），"
        "也可拨打12315投诉举报，或依法向人民法院起诉。",
    },
]
