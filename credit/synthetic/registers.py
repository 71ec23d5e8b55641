"""The registers: enterprises with their documents, workers with their records and cards."""

from .personal import id_number_joins, keyed_hash_sql

ENTERPRISES = """
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

# Two to four documents an enterprise (three on average): every one has its business licence
# and its filing, two in three an HR-service licence, one in three a food licence.
QUALIFICATIONS = """
INSERT INTO registry_enterprisequalification (enterprise_id, kind, name, number, issuer,
    valid_from, valid_to, validity, verified, created_at, scan)
SELECT e.id, k.kind, '', '', '', date '2020-01-01',
    CASE WHEN e.id %% 10 = 0 THEN %(year_start)s::date - 30
         WHEN e.id %% 10 = 1 THEN NULL
         ELSE %(year_start)s::date + 400 + (e.id %% 300)::int END,
    'valid', true, now(), ''
FROM registry_enterprise e
CROSS JOIN (VALUES ('licence', 0), ('filing', 0), ('hr_service', 2), ('food', 3))
    AS k(kind, rule)
WHERE e.name LIKE '合成企业%%'
  AND (k.rule = 0 OR (k.rule = 2 AND e.id %% 3 <> 2) OR (k.rule = 3 AND e.id %% 3 = 0))
"""

BIRTH = "(date '1970-01-01' + (i %% 12000))"
SEQUENCE = "((i / 12000) %% 1000)"
WORKERS = f"""
INSERT INTO registry_worker (name, gender, ethnicity, id_number_encrypted, id_number_hash,
    id_number_masked, id_last4, birth_date, phone_encrypted, phone_hash, phone_masked,
    township_id, address, education, photo,
    document_status, completeness, missing_mask, last_confirmed_at, is_stale, created_at,
    updated_at)
SELECT '合成人员' || i, CASE WHEN {SEQUENCE} %% 2 = 1 THEN 'M' ELSE 'F' END, '汉族',
    %(id_placeholder)s, {keyed_hash_sql("n.number")},
    left(n.number, 6) || '********' || right(n.number, 4), right(n.number, 4), {BIRTH},
    '', '', '', NULL, '', '', '', 'valid', (40 + i %% 61), 0,
    now() - (i %% 700) * interval '1 day', false, now(), now()
FROM generate_series(1, %(workers)s::int) AS i
{id_number_joins(BIRTH, SEQUENCE)}
"""

SYNTHETIC_ENTERPRISES = (
    "(SELECT min(id) AS low, count(*) AS n FROM registry_enterprise WHERE name LIKE '合成企业%%')"
)
SYNTHETIC_WORKERS = (
    "(SELECT min(id) AS low, count(*) AS n FROM registry_worker WHERE name LIKE '合成人员%%')"
)

WORKER_RECORDS = [
    # Current employment for 9 in 10 workers, spread over the enterprises.
    f"""
    INSERT INTO registry_employment (worker_id, enterprise_id, position, started_on, end_reason)
    SELECT w.id, e.low + (w.id %% e.n), '', date '2023-01-01', ''
    FROM registry_worker w, {SYNTHETIC_ENTERPRISES} e
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

# One valid home-service card per current employment. The token (random in production) is a
# keyed hash of the employment, so it cannot be derived without the hash key either.
CARDS = f"""
INSERT INTO registry_workercard (worker_id, employment_id, number, token, issued_at,
    revoked_reason)
SELECT e.worker_id, e.id, 'HS' || lpad(e.id::text, 14, '0'),
    {keyed_hash_sql("'synthetic-card:' || e.id")}, now(), ''
FROM registry_employment e
JOIN registry_worker w ON w.id = e.worker_id
WHERE w.name LIKE '合成人员%%' AND e.ended_on IS NULL
"""

KEY_LIST = """
INSERT INTO credit_keylistentry (reason, basis, starts_on, ends_on, status, removal_reason,
    created_at, enterprise_id, worker_id)
SELECT '严重失信', '合成数据', %(year_start)s::date, %(year_start)s::date + 1000, 'active', '',
    now(), NULL, id
FROM registry_worker WHERE name LIKE '合成人员%%' AND id %% 500 = 0
"""
