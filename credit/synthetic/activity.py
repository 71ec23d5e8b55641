"""Credit inputs and the activity around them: complaints, service reviews, residents and
their incentive redemptions. Proportions per 1,000 workers: 20 complaints, 300 reviews,
100 residents, 200 redemptions (each with one discount item)."""

from .personal import id_number_joins, keyed_hash_sql
from .registers import SYNTHETIC_ENTERPRISES, SYNTHETIC_WORKERS

COMPLAINTS_PER_WORKER = 0.02
REVIEWS_PER_WORKER = 0.3
RESIDENTS_PER_WORKER = 0.1
REDEMPTIONS_PER_WORKER = 0.2

# Two in five inputs concern an enterprise, three in five a worker; six in ten are reviews.
# One year's inputs: `offset` shifts the sequence, so that each year differs; the rated year
# has offset 0. Written oldest year first, as the records would have arrived.
EVENTS = f"""
INSERT INTO credit_creditevent (kind, severity, occurred_on, title, description, tag, value,
    source, source_ref, evidence, disclosure_until, status, status_reason, enterprise_id,
    worker_id, created_at)
SELECT
    k.kind,
    CASE WHEN i %% 13 = 0 THEN 'serious' WHEN i %% 4 = 0 THEN 'minor' ELSE 'general' END,
    %(events_year_start)s::date + (i %% 330),
    '合成记录', '',
    CASE WHEN k.kind = 'complaint' AND i %% 101 = 0 THEN '人身安全'
         WHEN k.kind = 'penalty' AND i %% 19 = 0 THEN '欺诈' ELSE '' END,
    CASE WHEN k.kind = 'review' THEN 1 + (i * 7 %% 5) ELSE NULL END,
    CASE WHEN k.kind = 'review' THEN 'review' ELSE 'import' END, '', '',
    %(events_year_start)s::date + (i %% 330) + 400,
    CASE WHEN i %% 50 = 0 THEN 'repaired' WHEN i %% 77 = 0 THEN 'revoked' ELSE 'active' END,
    '',
    CASE WHEN i %% 5 < 2 THEN e.low + (i %% e.n) END,
    CASE WHEN i %% 5 >= 2 THEN w.low + (i %% w.n) END,
    now()
FROM generate_series(1 + %(offset)s::int, %(inputs)s::int + %(offset)s::int) AS i
CROSS JOIN {SYNTHETIC_ENTERPRISES} e
CROSS JOIN {SYNTHETIC_WORKERS} w
JOIN (VALUES
    (0, 'review'), (1, 'review'), (2, 'review'), (3, 'review'), (4, 'review'), (5, 'review'),
    (6, 'review'), (7, 'review'), (8, 'review'), (9, 'review'), (10, 'review'), (11, 'review'),
    (12, 'complaint'), (13, 'complaint'), (14, 'complaint_late'), (15, 'penalty'),
    (16, 'spot_failed'), (17, 'spot_passed'), (18, 'award'), (19, 'dispute')
) AS k(slot, kind) ON k.slot = i %% 20
"""

PHONE = "1 + i %% %(phone_pool)s"
COMPLAINTS = f"""
INSERT INTO complaints_complaint (tracking_number, status, complainant_name, phone_encrypted,
    phone_hash, phone_masked, email, enterprise_text, service_date, category, description,
    desired_outcome, consent_at, received_at, acceptance_due, decided_at, closed_at,
    deadline_state, not_accepted_reason, agreement, outcome, substantiated,
    enterprise_response, satisfaction_comment, submission_token, content_digest, updated_at,
    enterprise_id, worker_id, township_id, price_finding, price_unit, case_type, channel,
    referral_note, referred_to, referred_to_other, report_category, reported_card,
    subject_address, language)
SELECT 'TS' || to_char(d.day, 'YYYYMMDD') || lpad(i::text, 6, '0'),
    s.status, '投诉人' || i, (%(phone_encrypted)s::text[])[{PHONE}],
    (%(phone_hash)s::text[])[{PHONE}], (%(phone_masked)s::text[])[{PHONE}], '', '',
    d.day::date - 2, c.category, '合成投诉内容' || i, '', d.day, d.day, d.day::date + 7,
    CASE WHEN s.status <> 'submitted' THEN d.day + interval '3 days' END,
    CASE WHEN s.status = 'closed' THEN d.day + interval '30 days' END,
    CASE WHEN s.status = 'closed' THEN 'done' ELSE 'on_time' END, '', '',
    CASE WHEN s.status = 'closed' THEN '已调解处理' ELSE '' END,
    CASE WHEN s.status = 'closed' THEN i %% 3 = 0 END, '', '',
    'synthetic-complaint-' || i, encode(sha256(convert_to('synthetic-complaint-' || i, 'UTF8')),
    'hex'), d.day, e.low + (i * 7 %% e.n),
    CASE WHEN i %% 2 = 0 THEN w.low + (i * 13 %% w.n) END,
    t.ids[1 + i %% cardinality(t.ids)], '', '', 'complaint',
    CASE WHEN i %% 3 = 0 THEN 'phone' ELSE 'web' END, '', '', '', '', '', '', 'zh-hans'
FROM generate_series(1, %(complaints)s::int) AS i
CROSS JOIN LATERAL (SELECT %(year_start)s::timestamptz + (i %% 330) * interval '1 day'
                    + interval '10 hours' AS day) AS d
CROSS JOIN LATERAL (SELECT (ARRAY['closed', 'closed', 'closed', 'closed', 'closed', 'closed',
    'closed', 'accepted', 'mediating', 'submitted'])[1 + i %% 10] AS status) AS s
CROSS JOIN LATERAL (SELECT (ARRAY['substandard', 'overcharging', 'attitude', 'property_loss',
    'false_advertising', 'personal_safety', 'other'])[1 + i %% 7] AS category) AS c
CROSS JOIN {SYNTHETIC_ENTERPRISES} e
CROSS JOIN {SYNTHETIC_WORKERS} w
CROSS JOIN (SELECT array_agg(id ORDER BY sort_order, id) AS ids FROM registry_township) AS t
"""

REVIEWS = f"""
INSERT INTO complaints_servicereview (service_date, quality, punctuality, attitude, comment,
    reviewer_name, phone_hash, phone_masked, status, hidden_reason, created_at, enterprise_id,
    worker_id, proof_kind, proof_ref, verified)
SELECT %(year_start)s::date + (i %% 330), 1 + (i * 7 %% 5), 1 + (i * 3 %% 5),
    1 + (i * 11 %% 5), CASE WHEN i %% 4 = 0 THEN '服务认真' ELSE '' END, '评价人' || i,
    (%(phone_hash)s::text[])[{PHONE}], (%(phone_masked)s::text[])[{PHONE}],
    CASE WHEN i %% 50 = 0 THEN 'hidden' ELSE 'published' END,
    CASE WHEN i %% 50 = 0 THEN '与服务无关' ELSE '' END,
    %(year_start)s::timestamptz + (i %% 330) * interval '1 day' + interval '12 hours',
    e.low + (i %% e.n), CASE WHEN i %% 3 <> 0 THEN w.low + (i * 17 %% w.n) END, '', '',
    i %% 4 <> 0
FROM generate_series(1, %(reviews)s::int) AS i
CROSS JOIN {SYNTHETIC_ENTERPRISES} e
CROSS JOIN {SYNTHETIC_WORKERS} w
"""

RESIDENT_BIRTH = "(date '1950-01-01' + (i %% 20000))"
# Unique ID numbers, and (mobile, last four of the ID number) pairs, up to 1,000,000.
RESIDENT_SEQUENCE = "((i / 1000) %% 1000)"
RESIDENTS = f"""
INSERT INTO incentives_resident (name, gender, id_number_encrypted, id_number_hash,
    id_number_masked, id_last4, birth_date, address, credit_status, credit_note, source,
    created_at, township_id, mobile_encrypted, mobile_hash, mobile_masked)
SELECT '合成居民' || i, CASE WHEN {RESIDENT_SEQUENCE} %% 2 = 1 THEN 'M' ELSE 'F' END,
    %(id_placeholder)s, {keyed_hash_sql("n.number")},
    left(n.number, 6) || '********' || right(n.number, 4), right(n.number, 4),
    {RESIDENT_BIRTH}, '', 'good', '', 'staff', now(), t.ids[1 + i %% cardinality(t.ids)],
    (%(phone_encrypted)s::text[])[{PHONE}], (%(phone_hash)s::text[])[{PHONE}],
    (%(phone_masked)s::text[])[{PHONE}]
FROM generate_series(1, %(residents)s::int) AS i
{id_number_joins(RESIDENT_BIRTH, RESIDENT_SEQUENCE)}
CROSS JOIN (SELECT array_agg(id ORDER BY sort_order, id) AS ids FROM registry_township) AS t
"""

# Each redemption has one item: the first discount measure of the catalogue, 10 % off.
REDEMPTIONS = f"""
WITH r AS (
  INSERT INTO incentives_redemption (served_on, order_amount, discount_percent,
      discount_amount, paid_amount, explanation, status, sms_confirmed, recorded_at,
      cancelled_at, cancel_reason, category_id, enterprise_id, worker_id, resident_id)
  SELECT %(year_start)s::date + (i %% 330), a.amount, 10, a.amount / 10,
      a.amount - a.amount / 10, '[]'::jsonb,
      CASE WHEN i %% 40 = 0 THEN 'cancelled' ELSE 'recorded' END, i %% 2 = 0,
      %(year_start)s::timestamptz + (i %% 330) * interval '1 day' + interval '15 hours',
      CASE WHEN i %% 40 = 0 THEN %(year_start)s::timestamptz + (i %% 330 + 1)
          * interval '1 day' END,
      CASE WHEN i %% 40 = 0 THEN '录入错误' ELSE '' END,
      c.ids[1 + i %% cardinality(c.ids)], e.low + (i * 3 %% e.n),
      CASE WHEN i %% 4 <> 0 THEN w.low + (i * 29 %% w.n) END, res.low + (i %% res.n)
  FROM generate_series(1, %(redemptions)s::int) AS i
  CROSS JOIN LATERAL (SELECT (100 + i %% 400)::numeric(10, 2) AS amount) AS a
  CROSS JOIN {SYNTHETIC_ENTERPRISES} e
  CROSS JOIN {SYNTHETIC_WORKERS} w
  CROSS JOIN (SELECT min(id) AS low, count(*) AS n FROM incentives_resident
              WHERE name LIKE '合成居民%%') res
  CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM registry_servicecategory) c
  RETURNING id, discount_amount
)
INSERT INTO incentives_redemptionitem (redemption_id, measure_id, discount_percent,
    discount_amount)
SELECT r.id, m.id, 10, r.discount_amount
FROM r, (SELECT id FROM incentives_incentivemeasure ORDER BY benefit_kind = 'discount' DESC,
         id LIMIT 1) m
"""
