"""The ledger (台账) workbooks: one column specification per kind.

The Chinese headers of each workbook, which columns are required, how a cell is read (see
`core.spreadsheets.cells` and the township reader in `.kinds`) and the help the template
shows. The export resources (`registry.resources`) name their columns after these.
"""

from core.spreadsheets.columns import Column, choices_of

from ...models import (
    ETHNICITY_CHOICES,
    BackgroundCheck,
    Enterprise,
    EnterpriseQualification,
    LedgerImport,
    SkillCertificate,
    Worker,
)

Kind = LedgerImport.Kind

_WORKER_REF = (
    Column("worker_name", "姓名", max_length=50, help="可不填；填写时须与档案中的姓名一致"),
    Column(
        "worker_id_number",
        "身份证号",
        "id_number",
        required=True,
        help="18位，须为已登记的从业人员；请将此列设为文本格式",
    ),
)

LEDGER_COLUMNS: dict[str, tuple[Column, ...]] = {
    Kind.ENTERPRISES: (
        Column("name", "企业名称", required=True, max_length=100, help="与营业执照一致"),
        Column(
            "uscc",
            "统一社会信用代码",
            "uscc",
            required=True,
            help="18位；已登记的企业按此代码更新，不会重复建档",
        ),
        Column(
            "kind",
            "主体类型",
            "choice",
            choices=choices_of(Enterprise.Kind.choices),
            help="留空为“家政企业”",
        ),
        Column("legal_representative", "法定代表人/经营者", required=True, max_length=50),
        Column("registered_address", "注册地址", max_length=200),
        Column("business_address", "经营地址", max_length=200),
        Column("township", "所在乡镇", "township", required=True, help="舟曲县乡镇全称，如城关镇"),
        Column("phone", "联系电话", "phone", required=True, help="11位手机号或0941-1234567"),
        Column("contact_person", "联系人", max_length=50),
        Column("email", "电子邮箱", "email", help="证照到期提醒发送到此邮箱"),
        Column("established_on", "成立日期", "date", help="如2025-01-31或2025/1/31"),
        Column(
            "business_status",
            "经营状态",
            "choice",
            choices=choices_of(Enterprise.BusinessStatus.choices),
            help="留空为“在业”",
        ),
        Column("business_scope", "经营范围", max_length=2000),
    ),
    Kind.WORKERS: (
        Column("name", "姓名", required=True, max_length=50),
        Column(
            "id_number",
            "身份证号",
            "id_number",
            required=True,
            help="18位；性别、出生日期由身份证号自动生成；已登记的人员按此更新，不会重复建档；"
            "请将此列设为文本格式",
        ),
        Column(
            "ethnicity",
            "民族",
            "choice",
            choices=choices_of(ETHNICITY_CHOICES),
            help="留空为“汉族”",
        ),
        Column("phone", "手机号码", "mobile", help="11位手机号"),
        Column("township", "居住乡镇", "township", help="舟曲县乡镇全称，如城关镇"),
        Column("address", "现住址", max_length=200),
        Column("education", "文化程度", "choice", choices=choices_of(Worker.Education.choices)),
        Column(
            "employer_uscc",
            "现工作单位统一社会信用代码",
            "uscc",
            help="须为已登记的企业；填写后登记为该企业在职人员",
        ),
        Column("position", "岗位", max_length=50),
        Column("started_on", "入职日期", "date", help="留空为导入当天"),
    ),
    Kind.QUALIFICATIONS: (
        Column(
            "enterprise_uscc",
            "企业统一社会信用代码",
            "uscc",
            required=True,
            help="须为已登记的企业",
        ),
        Column(
            "kind",
            "证照类型",
            "choice",
            required=True,
            choices=choices_of(EnterpriseQualification.Kind.choices),
            help="同一企业、同一类型、同一有效期起的证照再次导入时更新",
        ),
        Column("name", "证照名称", max_length=100),
        Column("number", "证件编号", max_length=60),
        Column("issuer", "发证机构", max_length=100),
        Column("valid_from", "有效期起", "date", required=True),
        Column("valid_to", "有效期止", "date", help="长期有效请留空；须晚于有效期起"),
    ),
    Kind.HEALTH_CERTIFICATES: (
        *_WORKER_REF,
        Column("number", "证件编号", max_length=60),
        Column("issuer", "发证机构", max_length=100),
        Column(
            "valid_from",
            "有效期起",
            "date",
            required=True,
            help="同一人、同一有效期起的健康证再次导入时更新",
        ),
        Column("valid_to", "有效期止", "date", help="须晚于有效期起"),
    ),
    Kind.TRAININGS: (
        *_WORKER_REF,
        Column("course", "培训课程", required=True, max_length=100),
        Column("provider", "培训机构", required=True, max_length=100),
        Column("hours", "学时", "decimal", required=True, help="大于0，最多一位小数"),
        Column(
            "completed_on",
            "结业日期",
            "date",
            required=True,
            help="同一人、同一课程、同一结业日期的记录再次导入时更新",
        ),
    ),
    Kind.BACKGROUND_CHECKS: (
        *_WORKER_REF,
        Column(
            "result",
            "核查结果",
            "choice",
            required=True,
            choices=choices_of(BackgroundCheck.Result.choices),
        ),
        Column(
            "checked_on",
            "核查日期",
            "date",
            required=True,
            help="同一人、同一核查日期的记录再次导入时更新",
        ),
        Column("checked_by", "核查单位/经办人", required=True, max_length=100),
        Column("certificate_number", "证明编号", max_length=60),
        Column("note", "备注", max_length=2000),
    ),
    Kind.SKILLS: (
        *_WORKER_REF,
        Column(
            "occupation",
            "职业（工种）",
            "choice",
            required=True,
            choices=choices_of(SkillCertificate.Occupation.choices),
            help="同一人、同一职业、同一等级的证书再次导入时更新",
        ),
        Column(
            "level",
            "等级",
            "choice",
            required=True,
            choices=choices_of(SkillCertificate.Level.choices),
        ),
        Column("number", "证书编号", max_length=60),
        Column("issuer", "发证机构", max_length=100),
        Column("issued_on", "发证日期", "date", required=True),
    ),
}
