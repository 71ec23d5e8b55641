"""Import/export resources of the ledger (台账) and the Chinese column maps.

Each ledger kind has one `Column` map (the Chinese headers of the workbook, which columns
are required and how a cell is read) and one django-import-export `ModelResource` that
uses it for three things:

- the downloadable template: the import columns, exported from an empty queryset;
- the export of the register: the same columns plus derived ones, masked where the data
  is personal (ID numbers always, worker phones always);
- the write path of the import: `registry.services.ledger` validates every row itself,
  prepares the model instances with cached look-ups, and hands them to the resource's
  bulk path (`use_bulk`, `batch_size`, `skip_diff`, `force_init_instance`), whose
  `bulk_update` also writes one simple-history row per updated record.

The rules of each cell (required, formats, references) live in the import service; this
module only says what the columns are.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from import_export import fields, resources, widgets
from simple_history.utils import bulk_update_with_history

from .models import (
    ETHNICITY_CHOICES,
    BackgroundCheck,
    Employment,
    Enterprise,
    EnterpriseQualification,
    HealthCertificate,
    LedgerImport,
    SkillCertificate,
    TrainingRecord,
    Validity,
    Worker,
)

BATCH_SIZE = 1000

Kind = LedgerImport.Kind


@dataclass(frozen=True)
class Column:
    """One column of a ledger workbook.

    `type` tells the import service how to read the cell: text, date, choice, decimal,
    email, uscc, phone (mobile or 0941 landline), mobile, id_number or township.
    """

    key: str
    header: str
    type: str = "text"
    required: bool = False
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


def _choices(pairs) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in pairs)


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
            choices=_choices(Enterprise.Kind.choices),
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
            choices=_choices(Enterprise.BusinessStatus.choices),
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
            choices=_choices(ETHNICITY_CHOICES),
            help="留空为“汉族”",
        ),
        Column("phone", "手机号码", "mobile", help="11位手机号"),
        Column("township", "居住乡镇", "township", help="舟曲县乡镇全称，如城关镇"),
        Column("address", "现住址", max_length=200),
        Column("education", "文化程度", "choice", choices=_choices(Worker.Education.choices)),
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
            choices=_choices(EnterpriseQualification.Kind.choices),
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
            choices=_choices(BackgroundCheck.Result.choices),
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
            choices=_choices(SkillCertificate.Occupation.choices),
            help="同一人、同一职业、同一等级的证书再次导入时更新",
        ),
        Column(
            "level",
            "等级",
            "choice",
            required=True,
            choices=_choices(SkillCertificate.Level.choices),
        ),
        Column("number", "证书编号", max_length=60),
        Column("issuer", "发证机构", max_length=100),
        Column("issued_on", "发证日期", "date", required=True),
    ),
}


def _header(kind: str, key: str) -> str:
    return next(column.header for column in LEDGER_COLUMNS[kind] if column.key == key)


class _Native(widgets.Widget):
    """Hands values to the workbook as they are, so dates and numbers stay typed."""

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


def _field(kind: str, key: str, attribute: str | None = None) -> fields.Field:
    return fields.Field(
        attribute=attribute or key, column_name=_header(kind, key), widget=_Native()
    )


def _extra(header: str, attribute: str | None = None) -> fields.Field:
    """An export-only column."""
    return fields.Field(attribute=attribute, column_name=header, widget=_Native(), readonly=True)


class _BulkMeta:
    """Bulk writes, no per-row diff or instance look-up, no full_clean: the import service
    has validated every row and resolved every reference before the first write."""

    use_bulk = True
    batch_size = BATCH_SIZE
    skip_diff = True
    force_init_instance = True
    clean_model_instances = False


class LedgerResource(resources.ModelResource):
    """Base of the ledger resources: the bulk write path and the column map of a kind."""

    ledger_kind: str = ""
    # Model fields a re-import may change; identity and derived columns are kept.
    update_fields: tuple[str, ...] = ()

    def __init__(self, *, actor=None, change_reason: str = "", **kwargs):
        super().__init__(**kwargs)
        self.actor = actor
        self.change_reason = change_reason

    @classmethod
    def columns(cls) -> tuple[Column, ...]:
        return LEDGER_COLUMNS[cls.ledger_kind]

    @classmethod
    def template_fields(cls) -> list[str]:
        """The import columns, named as the resource fields that carry them."""
        return [column.key for column in cls.columns()]

    def get_bulk_update_fields(self):
        return list(self.update_fields)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """Bulk update that also writes one history row per record: who, when, which import."""
        if self.update_instances and (using_transactions or not dry_run):
            try:
                bulk_update_with_history(
                    self.update_instances,
                    self._meta.model,
                    self.get_bulk_update_fields(),
                    batch_size=batch_size or self._meta.batch_size,
                    default_user=self.actor,
                    default_change_reason=self.change_reason,
                )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def export_queryset(self):
        """The queryset an export walks, with what it needs joined in (no query per row)."""
        return self._meta.model.objects.order_by("pk")

    def dehydrate_validity(self, record) -> str:
        return Validity(record.validity).label


class EnterpriseResource(LedgerResource):
    ledger_kind = Kind.ENTERPRISES
    update_fields = (
        "name",
        "kind",
        "legal_representative",
        "registered_address",
        "business_address",
        "township",
        "phone",
        "contact_person",
        "email",
        "established_on",
        "business_status",
        "business_scope",
        "updated_at",
    )

    name = _field(Kind.ENTERPRISES, "name")
    uscc = _field(Kind.ENTERPRISES, "uscc")
    kind = _field(Kind.ENTERPRISES, "kind", "get_kind_display")
    legal_representative = _field(Kind.ENTERPRISES, "legal_representative")
    registered_address = _field(Kind.ENTERPRISES, "registered_address")
    business_address = _field(Kind.ENTERPRISES, "business_address")
    township = _field(Kind.ENTERPRISES, "township", "township__name")
    phone = _field(Kind.ENTERPRISES, "phone")
    contact_person = _field(Kind.ENTERPRISES, "contact_person")
    email = _field(Kind.ENTERPRISES, "email")
    established_on = _field(Kind.ENTERPRISES, "established_on")
    business_status = _field(Kind.ENTERPRISES, "business_status", "get_business_status_display")
    business_scope = _field(Kind.ENTERPRISES, "business_scope")
    document_status = _extra("证件状态", "get_document_status_display")
    completeness = _extra("档案完整度（%）", "completeness")

    class Meta(_BulkMeta):
        model = Enterprise
        fields = (
            "name",
            "uscc",
            "kind",
            "legal_representative",
            "registered_address",
            "business_address",
            "township",
            "phone",
            "contact_person",
            "email",
            "established_on",
            "business_status",
            "business_scope",
            "document_status",
            "completeness",
        )

    def export_queryset(self):
        return Enterprise.objects.select_related("township").order_by("pk")


class WorkerResource(LedgerResource):
    """Workers: the ID number and the phone leave the system only masked."""

    ledger_kind = Kind.WORKERS
    update_fields = (
        "name",
        "ethnicity",
        "phone_encrypted",
        "phone_hash",
        "phone_masked",
        "township",
        "address",
        "education",
        "updated_at",
    )

    name = _field(Kind.WORKERS, "name")
    gender = _extra("性别", "get_gender_display")
    id_number = _field(Kind.WORKERS, "id_number", "id_number_masked")
    birth_date = _extra("出生日期", "birth_date")
    ethnicity = _field(Kind.WORKERS, "ethnicity")
    phone = _field(Kind.WORKERS, "phone", "phone_masked")
    township = _field(Kind.WORKERS, "township", "township__name")
    address = _field(Kind.WORKERS, "address")
    education = _field(Kind.WORKERS, "education", "get_education_display")
    employer_name = _extra("现工作单位", "employer_name")
    employer_uscc = _field(Kind.WORKERS, "employer_uscc")
    position = _field(Kind.WORKERS, "position", "employer_position")
    started_on = _field(Kind.WORKERS, "started_on", "employer_started_on")
    document_status = _extra("证件状态", "get_document_status_display")
    completeness = _extra("档案完整度（%）", "completeness")

    class Meta(_BulkMeta):
        model = Worker
        fields = (
            "name",
            "gender",
            "id_number",
            "birth_date",
            "ethnicity",
            "phone",
            "township",
            "address",
            "education",
            "employer_name",
            "employer_uscc",
            "position",
            "started_on",
            "document_status",
            "completeness",
        )

    def export_queryset(self):
        # The current employer (the latest open employment) in the same query.
        current = (
            Employment.objects.current()
            .filter(worker=OuterRef("pk"))
            .order_by("-started_on", "-pk")
        )
        return (
            Worker.objects.select_related("township")
            .annotate(
                employer_name=Subquery(current.values("enterprise__name")[:1]),
                employer_uscc=Subquery(current.values("enterprise__uscc")[:1]),
                employer_position=Subquery(current.values("position")[:1]),
                employer_started_on=Subquery(current.values("started_on")[:1]),
            )
            .order_by("pk")
        )


class QualificationResource(LedgerResource):
    ledger_kind = Kind.QUALIFICATIONS
    update_fields = ("name", "number", "issuer", "valid_to", "validity", "expiry_notified_at")

    enterprise_name = _extra("企业名称", "enterprise__name")
    enterprise_uscc = _field(Kind.QUALIFICATIONS, "enterprise_uscc", "enterprise__uscc")
    kind = _field(Kind.QUALIFICATIONS, "kind", "get_kind_display")
    name = _field(Kind.QUALIFICATIONS, "name")
    number = _field(Kind.QUALIFICATIONS, "number")
    issuer = _field(Kind.QUALIFICATIONS, "issuer")
    valid_from = _field(Kind.QUALIFICATIONS, "valid_from")
    valid_to = _field(Kind.QUALIFICATIONS, "valid_to")
    validity = _extra("有效状态")

    class Meta(_BulkMeta):
        model = EnterpriseQualification
        fields = (
            "enterprise_name",
            "enterprise_uscc",
            "kind",
            "name",
            "number",
            "issuer",
            "valid_from",
            "valid_to",
            "validity",
        )

    def export_queryset(self):
        return EnterpriseQualification.objects.select_related("enterprise").order_by("pk")


class _WorkerRecordResource(LedgerResource):
    """Records of a worker, exported with the masked ID number of their owner."""

    worker_name = fields.Field(attribute="worker__name", column_name="姓名", widget=_Native())
    worker_id_number = fields.Field(
        attribute="worker__id_number_masked", column_name="身份证号", widget=_Native()
    )

    def export_queryset(self):
        return self._meta.model.objects.select_related("worker").order_by("pk")


class HealthCertificateResource(_WorkerRecordResource):
    ledger_kind = Kind.HEALTH_CERTIFICATES
    update_fields = ("number", "issuer", "valid_to", "validity", "expiry_notified_at")

    number = _field(Kind.HEALTH_CERTIFICATES, "number")
    issuer = _field(Kind.HEALTH_CERTIFICATES, "issuer")
    valid_from = _field(Kind.HEALTH_CERTIFICATES, "valid_from")
    valid_to = _field(Kind.HEALTH_CERTIFICATES, "valid_to")
    validity = _extra("有效状态")

    class Meta(_BulkMeta):
        model = HealthCertificate
        fields = (
            "worker_name",
            "worker_id_number",
            "number",
            "issuer",
            "valid_from",
            "valid_to",
            "validity",
        )


class TrainingResource(_WorkerRecordResource):
    ledger_kind = Kind.TRAININGS
    update_fields = ("provider", "hours")

    course = _field(Kind.TRAININGS, "course")
    provider = _field(Kind.TRAININGS, "provider")
    hours = _field(Kind.TRAININGS, "hours")
    completed_on = _field(Kind.TRAININGS, "completed_on")

    class Meta(_BulkMeta):
        model = TrainingRecord
        fields = ("worker_name", "worker_id_number", "course", "provider", "hours", "completed_on")


class BackgroundCheckResource(_WorkerRecordResource):
    ledger_kind = Kind.BACKGROUND_CHECKS
    update_fields = ("result", "checked_by", "certificate_number", "note")

    result = _field(Kind.BACKGROUND_CHECKS, "result", "get_result_display")
    checked_on = _field(Kind.BACKGROUND_CHECKS, "checked_on")
    checked_by = _field(Kind.BACKGROUND_CHECKS, "checked_by")
    certificate_number = _field(Kind.BACKGROUND_CHECKS, "certificate_number")
    note = _field(Kind.BACKGROUND_CHECKS, "note")

    class Meta(_BulkMeta):
        model = BackgroundCheck
        fields = (
            "worker_name",
            "worker_id_number",
            "result",
            "checked_on",
            "checked_by",
            "certificate_number",
            "note",
        )


class SkillCertificateResource(_WorkerRecordResource):
    ledger_kind = Kind.SKILLS
    update_fields = ("number", "issuer", "issued_on")

    occupation = _field(Kind.SKILLS, "occupation", "get_occupation_display")
    level = _field(Kind.SKILLS, "level", "get_level_display")
    number = _field(Kind.SKILLS, "number")
    issuer = _field(Kind.SKILLS, "issuer")
    issued_on = _field(Kind.SKILLS, "issued_on")

    class Meta(_BulkMeta):
        model = SkillCertificate
        fields = (
            "worker_name",
            "worker_id_number",
            "occupation",
            "level",
            "number",
            "issuer",
            "issued_on",
        )


RESOURCES: dict[str, type[LedgerResource]] = {
    resource.ledger_kind: resource
    for resource in (
        EnterpriseResource,
        WorkerResource,
        QualificationResource,
        HealthCertificateResource,
        TrainingResource,
        BackgroundCheckResource,
        SkillCertificateResource,
    )
}
