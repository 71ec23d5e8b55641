"""Export resources of the ledger (台账), through django-import-export's public API.

Each ledger kind has one `ModelResource` whose columns are named after the kind's import
columns (`registry.services.ledger.columns`) plus derived ones, masked where the data is
personal (ID numbers always, worker phones always). The import itself does not go through
these resources: the spreadsheet kit reads and checks the workbook and the ledger's row
rules write it (`registry.services.ledger`).
"""

from django.db.models import OuterRef, Subquery
from import_export import fields, resources, widgets

from .models import (
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
from .services.ledger.columns import LEDGER_COLUMNS

Kind = LedgerImport.Kind


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


class LedgerResource(resources.ModelResource):
    """Base of the ledger export resources."""

    ledger_kind: str = ""

    def export_queryset(self):
        """The queryset an export walks, with what it needs joined in (no query per row)."""
        return self._meta.model.objects.order_by("pk")

    def dehydrate_validity(self, record) -> str:
        return Validity(record.validity).label


class EnterpriseResource(LedgerResource):
    ledger_kind = Kind.ENTERPRISES

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

    class Meta:
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

    class Meta:
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

    enterprise_name = _extra("企业名称", "enterprise__name")
    enterprise_uscc = _field(Kind.QUALIFICATIONS, "enterprise_uscc", "enterprise__uscc")
    kind = _field(Kind.QUALIFICATIONS, "kind", "get_kind_display")
    name = _field(Kind.QUALIFICATIONS, "name")
    number = _field(Kind.QUALIFICATIONS, "number")
    issuer = _field(Kind.QUALIFICATIONS, "issuer")
    valid_from = _field(Kind.QUALIFICATIONS, "valid_from")
    valid_to = _field(Kind.QUALIFICATIONS, "valid_to")
    validity = _extra("有效状态")

    class Meta:
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

    number = _field(Kind.HEALTH_CERTIFICATES, "number")
    issuer = _field(Kind.HEALTH_CERTIFICATES, "issuer")
    valid_from = _field(Kind.HEALTH_CERTIFICATES, "valid_from")
    valid_to = _field(Kind.HEALTH_CERTIFICATES, "valid_to")
    validity = _extra("有效状态")

    class Meta:
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

    course = _field(Kind.TRAININGS, "course")
    provider = _field(Kind.TRAININGS, "provider")
    hours = _field(Kind.TRAININGS, "hours")
    completed_on = _field(Kind.TRAININGS, "completed_on")

    class Meta:
        model = TrainingRecord
        fields = ("worker_name", "worker_id_number", "course", "provider", "hours", "completed_on")


class BackgroundCheckResource(_WorkerRecordResource):
    ledger_kind = Kind.BACKGROUND_CHECKS

    result = _field(Kind.BACKGROUND_CHECKS, "result", "get_result_display")
    checked_on = _field(Kind.BACKGROUND_CHECKS, "checked_on")
    checked_by = _field(Kind.BACKGROUND_CHECKS, "checked_by")
    certificate_number = _field(Kind.BACKGROUND_CHECKS, "certificate_number")
    note = _field(Kind.BACKGROUND_CHECKS, "note")

    class Meta:
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

    occupation = _field(Kind.SKILLS, "occupation", "get_occupation_display")
    level = _field(Kind.SKILLS, "level", "get_level_display")
    number = _field(Kind.SKILLS, "number")
    issuer = _field(Kind.SKILLS, "issuer")
    issued_on = _field(Kind.SKILLS, "issued_on")

    class Meta:
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
