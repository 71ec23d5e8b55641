"""The registers (台账): enterprises, workers, their employment, documents and prices.

Constraints that protect the ledger live in the database; the workflows that write it live
in `registry.services`. Derived columns (document validity, dossier completeness, stale
flags) are recomputed set-based by `registry.services.refresh` and after every write.
"""

from .codes import VerificationCode
from .operations import (
    ChangeRequest,
    DocumentNotice,
    LedgerImport,
    PersonalDataAccess,
    RateLimitCounter,
    WorkerCard,
    WorkerCardQuerySet,
)
from .records import (
    BackgroundCheck,
    Document,
    EnterpriseQualification,
    HealthCertificate,
    ServiceCategory,
    ServiceOffering,
    SkillCertificate,
    TrainingRecord,
)
from .subjects import (
    CURRENT_EMPLOYMENT_SQL,
    ETHNICITIES,
    ETHNICITY_CHOICES,
    DossierFields,
    Employment,
    EmploymentQuerySet,
    Enterprise,
    EnterpriseQuerySet,
    Township,
    Validity,
    Worker,
    WorkerQuerySet,
    current_employment,
    validity_for,
)

__all__ = [
    "CURRENT_EMPLOYMENT_SQL",
    "EmploymentQuerySet",
    "WorkerCardQuerySet",
    "current_employment",
    "BackgroundCheck",
    "ChangeRequest",
    "Document",
    "DocumentNotice",
    "DossierFields",
    "ETHNICITIES",
    "ETHNICITY_CHOICES",
    "Employment",
    "Enterprise",
    "EnterpriseQualification",
    "EnterpriseQuerySet",
    "HealthCertificate",
    "LedgerImport",
    "PersonalDataAccess",
    "RateLimitCounter",
    "ServiceCategory",
    "ServiceOffering",
    "SkillCertificate",
    "Township",
    "TrainingRecord",
    "Validity",
    "VerificationCode",
    "Worker",
    "WorkerCard",
    "WorkerQuerySet",
    "validity_for",
]
