"""The credit record workbook (信用记录导入): its column specification and its template.

One row is one record about one subject — an enterprise by 统一社会信用代码 or a worker by
身份证号 — named as in the register. The rules of a row are in `credit.services.imports`.
"""

from django.conf import settings
from django.utils import timezone

from core.spreadsheets.cells import CELL_READERS, CellError, as_text, decimal_reader
from core.spreadsheets.columns import Column
from core.spreadsheets.templates import TemplateSpec, template_workbook

from ..models import EventKind, Severity, SubjectType
from .events import DISCLOSURE_DAYS

ENTERPRISE = SubjectType.ENTERPRISE
WORKER = SubjectType.WORKER
SUBJECT_TYPES = ((ENTERPRISE, "企业"), (WORKER, "从业人员"))
# Other spellings staff use for the same two subject types.
SUBJECT_ALIASES = {"家政企业": ENTERPRISE, "个体经营者": ENTERPRISE, "个人": WORKER}

COLUMNS: tuple[Column, ...] = (
    Column(
        "subject_type",
        "主体类型",
        "choice",
        required=True,
        choices=SUBJECT_TYPES,
        help="企业或从业人员（个体经营者填“企业”）",
    ),
    Column(
        "uscc",
        "统一社会信用代码",
        "uscc",
        help="主体类型为企业时必填，须为已在档案中登记的企业；请将此列设为文本格式",
    ),
    Column(
        "id_number",
        "身份证号",
        "id_number",
        help="主体类型为从业人员时必填，须为已在档案中登记的从业人员；请将此列设为文本格式",
    ),
    Column(
        "subject_name",
        "主体名称",
        required=True,
        max_length=100,
        help="企业名称或从业人员姓名，须与档案中登记的一致",
    ),
    Column("kind", "记录类型", "choice", required=True, choices=tuple(EventKind.choices)),
    Column("severity", "严重程度", "choice", required=True, choices=tuple(Severity.choices)),
    Column(
        "occurred_on",
        "发生日期",
        "date",
        required=True,
        help="如2025-01-31或2025/1/31，不能晚于今天",
    ),
    Column("title", "事由", required=True, max_length=200, help="一句话说明，如“上门服务迟到”"),
    Column("description", "详细情况", max_length=5000),
    Column(
        "tag",
        "细分类别",
        max_length=30,
        help="如投诉类别“人身安全”、处罚原因“欺诈”；一票否决规则按此匹配",
    ),
    Column(
        "value",
        "数值",
        "decimal",
        help="服务评价必填，为1–5分；培训可填学时；最多两位小数",
    ),
    Column(
        "legal_basis",
        "处罚依据",
        max_length=500,
        help="行政处罚填写所依据的法律法规条款，将随处罚一并公示",
    ),
    Column("authority", "决定机关", max_length=100, help="行政处罚填写作出决定的机关"),
    Column(
        "disclosure_days",
        "公示期（天）",
        "integer",
        help="留空按最长期限。轻微0–90天，一般90–365天，严重365–1095天",
    ),
    Column(
        "source_ref",
        "来源编号",
        max_length=80,
        help="如处罚决定书文号、抽查批次号；同一来源编号重复导入不会重复记录。"
        "留空时按文件和行号生成",
    ),
)
HEADERS = {column.key: column.header for column in COLUMNS}
PREVIEW_HEADERS = (
    "主体类型",
    "统一社会信用代码/身份证号",
    "主体名称",
    "记录类型",
    "严重程度",
    "发生日期",
    "事由",
    "细分类别",
    "数值",
    "公示截止日期",
    "来源编号",
)
# CreditEvent fields whose model errors are reported under a column of the workbook.
FIELD_HEADERS = {
    "kind": HEADERS["kind"],
    "severity": HEADERS["severity"],
    "occurred_on": HEADERS["occurred_on"],
    "title": HEADERS["title"],
    "description": HEADERS["description"],
    "tag": HEADERS["tag"],
    "value": HEADERS["value"],
    "source_ref": HEADERS["source_ref"],
    "legal_basis": HEADERS["legal_basis"],
    "authority": HEADERS["authority"],
    "disclosure_until": HEADERS["disclosure_days"],
}


def _read_days(value, column: Column, context) -> int:
    if value.__class__ is int:
        days = value
    else:
        text = as_text(value)
        if not text.isdecimal():
            raise CellError(f"“{text}”不是天数，请填写整数，如90。")
        days = int(text)
    if days < 0:
        raise CellError("天数不能为负数。")
    return days


CREDIT_READERS = {
    **CELL_READERS,
    "decimal": decimal_reader(places=2, below=1_000_000, positive=False, example="4或4.5"),
    "integer": _read_days,
}


# --- Template --------------------------------------------------------------------------------


def credit_import_filename() -> str:
    return f"信用记录导入模板_{timezone.localdate():%Y%m%d}.xlsx"


def credit_import_template() -> bytes:
    """The import template: Chinese headers (required ones in red), text format for
    identifiers, drop-down lists for the choices, and a 填写说明 sheet."""
    tiers = "；".join(
        f"{Severity(severity).label}{low}–{high}天"
        for severity, (low, high) in DISCLOSURE_DAYS.items()
    )
    spec = TemplateSpec(
        title="信用记录",
        columns=COLUMNS,
        last_row=settings.LEDGER_IMPORT_SYNC_ROWS + 1,
        rules=(
            "1. 第一行为表头，请勿修改或删除；数据从第二行开始，每行一条信用记录。",
            "2. 企业按统一社会信用代码、从业人员按身份证号在档案中查找，主体名称须与档案一致；"
            "尚未登记的主体请先在档案中登记或导入台账。",
            "3. 日期可填写为Excel日期，或如2025-01-31、2025/1/31的文字。",
            "4. 统一社会信用代码、身份证号请设为“文本”格式，避免Excel把长数字改写。",
            f"5. 公示期按严重程度分档：{tiers}；留空按该档最长期限。",
            f"6. 单个文件不超过{settings.LEDGER_IMPORT_SYNC_ROWS}行；更多记录请拆分为多个文件。",
            "7. 上传后系统先逐行校验并预览；只要有一行有误，整个文件都不会导入。",
            "8. 来源编号相同（且记录类型、主体相同）的记录只记录一次，重复导入不会重复记录；"
            "已撤销的记录也不会因重新导入而恢复。",
            "9. 已录入的信用记录不能修改：如有错误，请在系统中撤销后重新录入。",
        ),
    )
    return template_workbook(spec)
