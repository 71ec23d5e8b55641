"""A province-scale synthetic data set for benchmarks (PostgreSQL only).

Written with INSERT … SELECT generate_series, so 2,000,000 credit inputs take seconds, not
hours. The rows are deterministic functions of their ids (no randomness), so two runs of the
same size produce the same data and the same ratings.
"""

import importlib

from django.apps import apps as django_apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from registry.models import Township

ENTERPRISES_SQL = """
INSERT INTO registry_enterprise (name, kind, uscc, legal_representative, registered_address,
    business_address, township_id, phone, contact_person, email, business_status,
    business_scope, document_status, completeness, missing_mask, last_confirmed_at, is_stale,
    established_on, created_at, updated_at)
SELECT '合成企业' || i, 'company', 'S' || lpad(i::text, 17, '0'), '法人' || i, '',
    '地址' || i, t.ids[1 + i %% cardinality(t.ids)], '13909410000', '', '',
    CASE WHEN i %% 20 = 0 THEN 'suspended' ELSE 'operating' END, '', 'valid',
    (50 + i %% 51), 0, now() - (i %% 500) * interval '1 day', false,
    date '2015-01-01' + (i %% 3000), now(), now()
FROM generate_series(1, %(enterprises)s::int) AS i,
    (SELECT array_agg(id ORDER BY sort_order, id) AS ids FROM registry_township) AS t
"""

QUALIFICATIONS_SQL = """
INSERT INTO registry_enterprisequalification (enterprise_id, kind, name, number, issuer,
    valid_from, valid_to, validity, verified, created_at, scan)
SELECT e.id, k.kind, '', '', '', date '2020-01-01',
    CASE WHEN e.id %% 10 = 0 THEN %(year_start)s::date - 30
         WHEN e.id %% 10 = 1 THEN NULL
         ELSE %(year_start)s::date + 400 + (e.id %% 300)::int END,
    'valid', true, now(), ''
FROM registry_enterprise e
CROSS JOIN (VALUES ('licence'), ('filing')) AS k(kind)
WHERE e.name LIKE '合成企业%%' AND (k.kind = 'licence' OR e.id %% 3 = 0)
"""

WORKERS_SQL = """
INSERT INTO registry_worker (name, gender, ethnicity, id_number_encrypted, id_number_hash,
    id_number_masked, id_last4, birth_date, phone_encrypted, phone_hash, phone_masked, township_id,
    address, education, photo,
    document_status, completeness, missing_mask, last_confirmed_at, is_stale, created_at,
    updated_at)
SELECT '合成人员' || i, CASE WHEN i %% 2 = 0 THEN 'F' ELSE 'M' END, '汉族', 'synthetic',
    'synthetic-' || i, '623023********' || lpad((i %% 10000)::text, 4, '0'),
    lpad((i %% 10000)::text, 4, '0'), date '1970-01-01' + (i %% 12000), '', '', '', NULL,
    '', '', '', 'valid', (40 + i %% 61), 0, now() - (i %% 700) * interval '1 day', false,
    now(), now()
FROM generate_series(1, %(workers)s::int) AS i
"""

WORKER_RECORDS_SQL = [
    # Current employment for 9 in 10 workers, spread over the enterprises.
    """
    INSERT INTO registry_employment (worker_id, enterprise_id, position, started_on, end_reason)
    SELECT w.id, e.low + (w.id %% e.n), '', date '2023-01-01', ''
    FROM registry_worker w,
         (SELECT min(id) AS low, count(*) AS n FROM registry_enterprise
          WHERE name LIKE '合成企业%%') e
    WHERE w.name LIKE '合成人员%%' AND w.id %% 10 <> 0
    """,
    """
    INSERT INTO registry_healthcertificate (worker_id, number, issuer, valid_from, valid_to,
        validity, verified, created_at, scan)
    SELECT id, '', '', date '2024-06-01',
        %(year_start)s::date + (id %% 500)::int - 60, 'valid', true, now(), ''
    FROM registry_worker WHERE name LIKE '合成人员%%' AND id %% 7 <> 0
    """,
    """
    INSERT INTO registry_backgroundcheck (worker_id, result, checked_on, checked_by,
        certificate_number, note, created_at, scan)
    SELECT id, CASE WHEN id %% 97 = 0 THEN 'failed' ELSE 'passed' END,
        %(year_start)s::date + (id %% 200)::int, '派出所', '', '', now(), ''
    FROM registry_worker WHERE name LIKE '合成人员%%' AND id %% 5 <> 0
    """,
    """
    INSERT INTO registry_trainingrecord (worker_id, course, provider, hours, completed_on,
        verified, created_at, certificate)
    SELECT id, '培训', '中心', 8 + (id %% 5) * 8, %(year_start)s::date + (id %% 300)::int, true,
        now(), ''
    FROM registry_worker WHERE name LIKE '合成人员%%' AND id %% 5 < 3
    """,
    """
    INSERT INTO registry_skillcertificate (worker_id, occupation, level, number, issuer,
        issued_on, verified, created_at, scan)
    SELECT id, 'housekeeper', '4', '', '', date '2022-01-01', true, now(), ''
    FROM registry_worker WHERE name LIKE '合成人员%%' AND id %% 3 = 0
    """,
]

# Two in five inputs concern an enterprise, three in five a worker; six in ten are reviews.
EVENTS_SQL = """
INSERT INTO credit_creditevent (kind, severity, occurred_on, title, description, tag, value,
    source, source_ref, evidence, disclosure_until, status, status_reason, enterprise_id,
    worker_id, created_at)
SELECT
    k.kind,
    CASE WHEN i %% 13 = 0 THEN 'serious' WHEN i %% 4 = 0 THEN 'minor' ELSE 'general' END,
    %(year_start)s::date + (i %% 330),
    '合成记录', '',
    CASE WHEN k.kind = 'complaint' AND i %% 101 = 0 THEN '人身安全'
         WHEN k.kind = 'penalty' AND i %% 19 = 0 THEN '欺诈' ELSE '' END,
    CASE WHEN k.kind = 'review' THEN 1 + (i * 7 %% 5) ELSE NULL END,
    CASE WHEN k.kind = 'review' THEN 'review' ELSE 'import' END, '', '',
    %(year_start)s::date + (i %% 330) + 400,
    CASE WHEN i %% 50 = 0 THEN 'repaired' WHEN i %% 77 = 0 THEN 'revoked' ELSE 'active' END,
    '',
    CASE WHEN i %% 5 < 2 THEN e.low + (i %% e.n) END,
    CASE WHEN i %% 5 >= 2 THEN w.low + (i %% w.n) END,
    now()
FROM generate_series(1, %(inputs)s::int) AS i
CROSS JOIN (SELECT min(id) AS low, count(*) AS n FROM registry_enterprise
            WHERE name LIKE '合成企业%%') e
CROSS JOIN (SELECT min(id) AS low, count(*) AS n FROM registry_worker
            WHERE name LIKE '合成人员%%') w
JOIN (VALUES
    (0, 'review'), (1, 'review'), (2, 'review'), (3, 'review'), (4, 'review'), (5, 'review'),
    (6, 'review'), (7, 'review'), (8, 'review'), (9, 'review'), (10, 'review'), (11, 'review'),
    (12, 'complaint'), (13, 'complaint'), (14, 'complaint_late'), (15, 'penalty'),
    (16, 'spot_failed'), (17, 'spot_passed'), (18, 'award'), (19, 'dispute')
) AS k(slot, kind) ON k.slot = i %% 20
"""

KEY_LIST_SQL = """
INSERT INTO credit_keylistentry (reason, basis, starts_on, ends_on, status, removal_reason,
    created_at, enterprise_id, worker_id)
SELECT '严重失信', '合成数据', %(year_start)s::date, %(year_start)s::date + 1000, 'active', '',
    now(), NULL, id
FROM registry_worker WHERE name LIKE '合成人员%%' AND id %% 500 = 0
"""


GENERATED_TABLES = (
    "registry_enterprise",
    "registry_enterprisequalification",
    "registry_worker",
    "registry_employment",
    "registry_healthcertificate",
    "registry_backgroundcheck",
    "registry_trainingrecord",
    "registry_skillcertificate",
    "credit_creditevent",
    "credit_keylistentry",
)


def ensure_townships() -> None:
    """The enterprises are spread over the county's townships, which a data migration seeds.
    A database whose tables were emptied since (a flushed test database) gets them back
    through that migration's own function, so no row is written with a NULL township."""
    if not Township.objects.exists():
        migration = importlib.import_module("registry.migrations.0002_townships")
        migration.create_townships(django_apps, None)


def generate(*, enterprises: int, workers: int, inputs: int, year: int) -> None:
    ensure_townships()
    params = {
        "enterprises": enterprises,
        "workers": workers,
        "inputs": inputs,
        "year_start": f"{year}-01-01",
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(ENTERPRISES_SQL, params)
        cursor.execute(QUALIFICATIONS_SQL, params)
        cursor.execute(WORKERS_SQL, params)
        for sql in WORKER_RECORDS_SQL:
            cursor.execute(sql, params)
        cursor.execute(EVENTS_SQL, params)
        cursor.execute(KEY_LIST_SQL, params)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # in a test's transaction: VACUUM cannot run there
            cursor.execute("ANALYZE")
            return
        # Settle the new rows as autovacuum would (hint bits, visibility map, statistics),
        # so that autovacuum does not start on them in the middle of a measurement and the
        # first statement to read them does not pay for it.
        for table in GENERATED_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")


class Command(BaseCommand):
    help = "生成省级规模的合成数据（仅用于性能测试，需PostgreSQL）。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=20_000)
        parser.add_argument("--workers", type=int, default=200_000)
        parser.add_argument("--inputs", type=int, default=2_000_000)
        parser.add_argument("--year", type=int, default=2025)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("合成数据只能生成到PostgreSQL数据库。")
        generate(
            enterprises=options["enterprises"],
            workers=options["workers"],
            inputs=options["inputs"],
            year=options["year"],
        )
        self.stdout.write(self.style.SUCCESS("合成数据已生成。"))
