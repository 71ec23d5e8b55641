"""The row rules of the seven ledger kinds: what identifies a record, the rules across the
cells of a row, the references it must find in the registers and how it is written."""

from simple_history.utils import bulk_update_with_history

from core import personal_data

from ...completeness import WORKER_ITEMS
from ...models import (
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
    validity_for,
)
from ..subjects import worker_identity_apply
from .base import (
    BATCH_SIZE,
    LedgerRows,
    chunks,
    enterprise_ids_by_uscc,
    workers_by_hash,
)

Kind = LedgerImport.Kind


class EnterpriseRows(LedgerRows):
    kind = Kind.ENTERPRISES
    model = Enterprise
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
    duplicate_message = "与第{row}行的统一社会信用代码重复。"
    keep_when_blank = frozenset(
        {
            "kind",
            "registered_address",
            "business_address",
            "contact_person",
            "email",
            "established_on",
            "business_status",
            "business_scope",
        }
    )

    def key(self, record):
        return (record["uscc"],)

    def key_header(self):
        return self.header("uscc")

    def resolve(self):
        existing = enterprise_ids_by_uscc(record["uscc"] for record in self.records)
        for record in self.records:
            record["pk"] = existing.get(record["uscc"])

    def build(self, record):
        return Enterprise(
            name=record["name"],
            uscc=record["uscc"],
            kind=record["kind"] or Enterprise.Kind.COMPANY,
            legal_representative=record["legal_representative"],
            registered_address=record["registered_address"] or "",
            business_address=record["business_address"] or "",
            township_id=record["township"],
            phone=record["phone"],
            contact_person=record["contact_person"] or "",
            email=record["email"] or "",
            established_on=record["established_on"],
            business_status=record["business_status"] or Enterprise.BusinessStatus.OPERATING,
            business_scope=record["business_scope"] or "",
        )

    def after_batch(self, created, updated, outcome):
        outcome.enterprise_ids.update(record["pk"] for record in created + updated)


def new_worker_dossier(worker: Worker, *, employed: bool) -> None:
    """Pre-fill the derived columns of a brand-new worker with what the refresh will find.

    A worker created by the import has no documents yet and has never been confirmed, so
    only the row's own columns and the employment it gets decide its dossier items. The
    refresh that follows the import stays the source of truth and rewrites only the rows
    whose values differ: a right guess saves rewriting every new row a second time (about
    a third of the import's time at 100,000 rows); a wrong one costs time, never accuracy.
    """
    present = {
        "photo": bool(worker.photo),
        "phone": bool(worker.phone_hash),
        "employment": employed,
    }
    worker.missing_mask = sum(item.bit for item in WORKER_ITEMS if not present.get(item.key))
    worker.completeness = sum(map(bool, present.values())) * 100 // len(WORKER_ITEMS)
    worker.document_status = Validity.MISSING


class WorkerRows(LedgerRows):
    kind = Kind.WORKERS
    model = Worker
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
    duplicate_message = "与第{row}行的身份证号重复。"
    keep_when_blank = frozenset({"ethnicity", "phone", "township", "address", "education"})

    def check(self, record):
        valid = True
        if record["employer_uscc"] is None:
            for key in ("position", "started_on"):
                if record[key] is not None:
                    self.add_error(
                        record["row"],
                        self.header(key),
                        "填写岗位或入职日期时，须同时填写现工作单位统一社会信用代码。",
                    )
                    valid = False
        elif record["started_on"] and record["started_on"] > self.today:
            self.add_error(record["row"], self.header("started_on"), "入职日期不能晚于今天。")
            valid = False
        record["hash"] = personal_data.lookup_hash(record["id_number"].number)
        return valid

    def key(self, record):
        return (record["hash"],)

    def key_header(self):
        return self.header("id_number")

    def resolve(self):
        workers = workers_by_hash(record["hash"] for record in self.records)
        employers = enterprise_ids_by_uscc(
            record["employer_uscc"] for record in self.records if record["employer_uscc"]
        )
        invalid = set()
        for record in self.records:
            found = workers.get(record["hash"])
            record["pk"] = found[0] if found else None
            record["employer"] = None
            if record["employer_uscc"]:
                record["employer"] = employers.get(record["employer_uscc"])
                if record["employer"] is None:
                    self.add_error(
                        record["row"],
                        self.header("employer_uscc"),
                        f"统一社会信用代码为{record['employer_uscc']}的企业尚未登记，"
                        "请先导入企业台账或在系统中登记该企业。",
                    )
                    invalid.add(record["row"])
        self.drop_invalid(invalid)
        # Open employments of the workers already registered: only what is missing is added.
        self.open_jobs: dict[tuple[int, int], tuple[int, str]] = {}
        known = sorted({record["pk"] for record in self.records if record["pk"]})
        for chunk in chunks(known):
            jobs = Employment.objects.current().filter(worker_id__in=chunk)
            for pk, worker_id, enterprise_id, position in jobs.values_list(
                "pk", "worker_id", "enterprise_id", "position"
            ):
                self.open_jobs[(worker_id, enterprise_id)] = (pk, position)

    def build(self, record):
        worker = Worker(
            name=record["name"],
            ethnicity=record["ethnicity"] or "汉族",
            township_id=record["township"],
            address=record["address"] or "",
            education=record["education"] or "",
        )
        personal_data.phone_apply(worker, "phone", record["phone"] or "")
        new_worker_dossier(worker, employed=record["employer"] is not None)
        return worker_identity_apply(worker, record["id_number"])

    def apply(self, instance, record):
        super().apply(instance, record)
        # The mobile number is stored protected; a blank cell keeps the stored one.
        if record["phone"] is not None:
            personal_data.phone_apply(instance, "phone", record["phone"])

    def after_batch(self, created, updated, outcome):
        new_jobs, moved = [], {}
        for record in created + updated:
            outcome.worker_ids.add(record["pk"])
            employer = record["employer"]
            if employer is None:
                continue
            outcome.enterprise_ids.add(employer)
            job = self.open_jobs.get((record["pk"], employer))
            if job is None:
                new_jobs.append(
                    Employment(
                        worker_id=record["pk"],
                        enterprise_id=employer,
                        position=record["position"] or "",
                        started_on=record["started_on"] or self.today,
                    )
                )
            elif record["position"] and record["position"] != job[1]:
                moved[job[0]] = record["position"]
        Employment.objects.bulk_create(new_jobs, batch_size=BATCH_SIZE)
        if moved:
            jobs = list(Employment.objects.filter(pk__in=list(moved)))
            for job in jobs:
                job.position = moved[job.pk]
            bulk_update_with_history(
                jobs,
                Employment,
                ["position"],
                batch_size=BATCH_SIZE,
                default_user=self.actor,
                default_change_reason=self.reason,
            )


class DocumentRules:
    """Validity periods: 有效期止 after 有效期起; the stored validity follows 有效期止."""

    def check(self, record):
        valid = super().check(record)
        if record["valid_to"] is not None and record["valid_to"] <= record["valid_from"]:
            self.add_error(record["row"], self.header("valid_to"), "有效期止必须晚于有效期起。")
            return False
        return valid

    def apply(self, instance, record):
        previous = instance.valid_to
        super().apply(instance, record)
        if instance.valid_to != previous:
            # A renewed document is announced again before its new expiry date.
            instance.expiry_notified_at = None
        instance.validity = validity_for(instance.valid_to, self.today)


class QualificationRows(DocumentRules, LedgerRows):
    kind = Kind.QUALIFICATIONS
    model = EnterpriseQualification
    update_fields = ("name", "number", "issuer", "valid_to", "validity", "expiry_notified_at")
    duplicate_message = "与第{row}行重复（同一企业、同一证照类型、同一有效期起）。"
    keep_when_blank = frozenset({"name", "number", "issuer"})

    def key(self, record):
        return (record["enterprise_uscc"], record["kind"], record["valid_from"])

    def key_header(self):
        return self.header("valid_from")

    def resolve(self):
        enterprises = enterprise_ids_by_uscc(record["enterprise_uscc"] for record in self.records)
        invalid = set()
        for record in self.records:
            record["enterprise"] = enterprises.get(record["enterprise_uscc"])
            if record["enterprise"] is None:
                self.add_error(
                    record["row"],
                    self.header("enterprise_uscc"),
                    f"统一社会信用代码为{record['enterprise_uscc']}的企业尚未登记，请先导入企业台账。",
                )
                invalid.add(record["row"])
        self.drop_invalid(invalid)
        existing = {}
        for chunk in chunks(sorted({record["enterprise"] for record in self.records})):
            rows = EnterpriseQualification.objects.filter(enterprise_id__in=chunk).order_by("pk")
            for enterprise_id, kind, valid_from, pk in rows.values_list(
                "enterprise_id", "kind", "valid_from", "pk"
            ):
                existing[(enterprise_id, kind, valid_from)] = pk
        for record in self.records:
            record["pk"] = existing.get(
                (record["enterprise"], record["kind"], record["valid_from"])
            )

    def build(self, record):
        return EnterpriseQualification(
            enterprise_id=record["enterprise"],
            kind=record["kind"],
            name=record["name"] or "",
            number=record["number"] or "",
            issuer=record["issuer"] or "",
            valid_from=record["valid_from"],
            valid_to=record["valid_to"],
            validity=validity_for(record["valid_to"], self.today),
        )

    def after_batch(self, created, updated, outcome):
        outcome.enterprise_ids.update(record["enterprise"] for record in created + updated)


class WorkerRecordRows(LedgerRows):
    """Records that belong to a worker, who is named by ID number (and optionally name)."""

    natural: tuple[str, ...] = ()  # the fields that, with the worker, identify a record

    def check(self, record):
        record["hash"] = personal_data.lookup_hash(record["worker_id_number"].number)
        return True

    def key(self, record):
        return (record["hash"], *(record[name] for name in self.natural))

    def key_header(self):
        return self.header(self.natural[-1])

    def resolve(self):
        workers = workers_by_hash(record["hash"] for record in self.records)
        invalid = set()
        for record in self.records:
            found = workers.get(record["hash"])
            record["worker"] = found[0] if found else None
            if found is None:
                self.add_error(
                    record["row"],
                    self.header("worker_id_number"),
                    f"身份证号为{record['worker_id_number'].masked}的从业人员尚未登记，"
                    "请先导入从业人员台账。",
                )
                invalid.add(record["row"])
            elif record["worker_name"] and record["worker_name"] != found[1]:
                self.add_error(
                    record["row"],
                    self.header("worker_name"),
                    f"与身份证号对应的从业人员姓名“{found[1]}”不一致，请核对。",
                )
                invalid.add(record["row"])
        self.drop_invalid(invalid)
        existing = {}
        for chunk in chunks(sorted({record["worker"] for record in self.records})):
            rows = self.model.objects.filter(worker_id__in=chunk).order_by("pk")
            for values in rows.values_list("worker_id", *self.natural, "pk"):
                existing[values[:-1]] = values[-1]
        for record in self.records:
            key = (record["worker"], *(record[name] for name in self.natural))
            record["pk"] = existing.get(key)

    def build(self, record):
        values = {
            column.key: record[column.key]
            for column in self.columns
            if column.key not in ("worker_id_number", "worker_name")
        }
        for column in self.columns:
            if column.type == "text" and values.get(column.key) is None and column.key in values:
                values[column.key] = ""
        return self.model(worker_id=record["worker"], **values)

    def after_batch(self, created, updated, outcome):
        outcome.worker_ids.update(record["worker"] for record in created + updated)


class HealthRows(DocumentRules, WorkerRecordRows):
    kind = Kind.HEALTH_CERTIFICATES
    model = HealthCertificate
    update_fields = ("number", "issuer", "valid_to", "validity", "expiry_notified_at")
    natural = ("valid_from",)
    duplicate_message = "与第{row}行重复（同一人、同一有效期起的健康证）。"
    keep_when_blank = frozenset({"number", "issuer"})

    def build(self, record):
        certificate = super().build(record)
        certificate.validity = validity_for(certificate.valid_to, self.today)
        return certificate


class TrainingRows(WorkerRecordRows):
    kind = Kind.TRAININGS
    model = TrainingRecord
    update_fields = ("provider", "hours")
    natural = ("course", "completed_on")
    duplicate_message = "与第{row}行重复（同一人、同一课程、同一结业日期）。"


class BackgroundRows(WorkerRecordRows):
    kind = Kind.BACKGROUND_CHECKS
    model = BackgroundCheck
    update_fields = ("result", "checked_by", "certificate_number", "note")
    natural = ("checked_on",)
    duplicate_message = "与第{row}行重复（同一人、同一核查日期）。"
    keep_when_blank = frozenset({"certificate_number", "note"})


class SkillRows(WorkerRecordRows):
    kind = Kind.SKILLS
    model = SkillCertificate
    update_fields = ("number", "issuer", "issued_on")
    natural = ("occupation", "level")
    duplicate_message = "与第{row}行重复（同一人、同一职业、同一等级的证书）。"
    keep_when_blank = frozenset({"number", "issuer"})


LEDGERS: dict[str, type[LedgerRows]] = {
    ledger.kind: ledger
    for ledger in (
        EnterpriseRows,
        WorkerRows,
        QualificationRows,
        HealthRows,
        TrainingRows,
        BackgroundRows,
        SkillRows,
    )
}
