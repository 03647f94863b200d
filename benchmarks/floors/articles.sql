-- The floor of `manage.py report articles`: SPEC.md's per-article figures as of a date,
-- written as directly as PostgreSQL allows, to measure the command against.
--
--   psql -v as_of=2025-06-30 -v time_zone=UTC -v default_rate=0.20 \
--        -f benchmarks/floors/articles.sql
--
-- (benchmarks/run.py runs it through psycopg, each psql variable a parameter, after the
-- settings the reports give their own statements: reports/figures/reading.py's TUNING,
-- JIT off and a larger work_mem; do the same in psql.)
-- T is the instant at which as_of + 1 begins in the zone, P the instant the purchase day
-- begins.
-- One pass over the events before T, each with its running net (for paid_back_on),
-- grouped by article; the state at T (status, condition, moment of disposal) comes from
-- the latest of the events that set it, as SPEC.md "Figures" reads the ledger.
WITH a AS (
    SELECT a.id, a.number, a.sku_id, a.purchase_price AS price, a.status, a.condition,
           a.disposed_at, st.name AS store, s.code AS sku_code,
           COALESCE(s.depreciation_rate, :'default_rate') AS rate,
           a.purchased_on::timestamp AT TIME ZONE :'time_zone' AS p,
           (:'as_of'::date + 1)::timestamp AT TIME ZONE :'time_zone' AS t
    FROM articles_article a
    JOIN skus_sku s ON s.id = a.sku_id
    JOIN articles_store st ON st.id = a.store_id
    WHERE a.purchased_on <= :'as_of'::date
),
e AS (
    SELECT e.*, a.p, a.t, a.price,
           e.kind IN ('rental', 'subscription') AS usage,
           e.kind IN ('maintenance', 'repair', 'cleaning') AS service,
           SUM(CASE WHEN e.kind = 'sale' THEN 0 ELSE e.revenue END - e.cost)
               OVER (PARTITION BY e.article_id ORDER BY e.occurred_at, e.id) AS running
    FROM articles_event e JOIN a ON a.id = e.article_id
    WHERE e.occurred_at < a.t
),
g AS (
    SELECT e.article_id,
           COUNT(*) FILTER (WHERE usage) AS usage_count,
           SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(ended_at, t), t) - GREATEST(occurred_at, p)))
               FILTER (WHERE usage AND LEAST(COALESCE(ended_at, t), t) > GREATEST(occurred_at, p))
               AS usage_seconds,
           MAX(LEAST(COALESCE(ended_at, t), t)) FILTER (WHERE usage) AS last_use,
           COALESCE(SUM(revenue) FILTER (WHERE kind <> 'sale'), 0) AS revenue,
           COALESCE(SUM(cost), 0) AS expenses,
           COALESCE(SUM(revenue) FILTER (WHERE kind = 'sale'), 0) AS sale_proceeds,
           COALESCE(SUM(revenue) FILTER (WHERE kind <> 'sale'
                                          AND occurred_at >= t - interval '365 days'), 0)
               AS revenue_year,
           MIN(occurred_at) FILTER (WHERE price > 0 AND running >= price) AS paid_back_at,
           -- The state at T: a grade takes effect when given, a usage's or downtime's at
           -- its end; the latest status set by an acquisition, status change or disposal;
           -- downtimes that took the article out of use hold it there while open.
           (ARRAY_AGG(condition ORDER BY CASE WHEN usage OR (service AND downtime)
                                              THEN ended_at ELSE occurred_at END DESC, id DESC)
               FILTER (WHERE (usage OR service OR kind IN ('inspection', 'acquisition'))
                         AND condition <> ''
                         AND CASE WHEN usage OR (service AND downtime)
                                  THEN ended_at ELSE occurred_at END <= t))[1] AS condition_set,
           (ARRAY_AGG(CASE kind WHEN 'acquisition' THEN COALESCE(NULLIF(status, ''), 'active')
                                WHEN 'status_change' THEN status WHEN 'sale' THEN 'sold'
                                WHEN 'retirement' THEN 'retired' WHEN 'loss' THEN 'lost' END
                      ORDER BY occurred_at DESC, id DESC)
               FILTER (WHERE kind IN ('acquisition', 'status_change', 'sale', 'retirement',
                                      'loss')))[1] AS status_set,
           MAX(occurred_at) FILTER (WHERE kind IN ('acquisition', 'status_change', 'sale',
                                                   'retirement', 'loss')) AS status_set_at,
           MAX(occurred_at) FILTER (WHERE service AND status = 'out_of_use'
                                      AND (ended_at IS NULL OR ended_at > t)) AS held_open_since,
           MAX(occurred_at) FILTER (WHERE service AND status = 'out_of_use') AS held_last_start,
           MAX(ended_at) FILTER (WHERE service AND status = 'out_of_use' AND ended_at <= t)
               AS held_ended_at,
           -- Disposed at T since the first disposal after the last return to the fleet.
           MIN(occurred_at) FILTER (WHERE kind IN ('sale', 'retirement', 'loss')
                                       OR (kind = 'status_change'
                                           AND status IN ('sold', 'retired', 'lost')))
               AS first_out,
           MAX(occurred_at) FILTER (WHERE kind = 'status_change'
                                       AND status IN ('active', 'out_of_use')) AS last_back
    FROM e
    GROUP BY e.article_id
),
s AS (
    SELECT a.*, g.*,
           COALESCE(g.condition_set, a.condition) AS condition_at_t,
           CASE WHEN COALESCE(g.status_set, a.status) IN ('sold', 'retired', 'lost') THEN
               CASE WHEN g.first_out IS NULL THEN a.disposed_at
                    WHEN g.last_back IS NULL OR g.first_out > g.last_back THEN g.first_out
                    ELSE (SELECT MIN(x.occurred_at) FROM articles_event x
                          WHERE x.article_id = a.id AND x.occurred_at > g.last_back
                            AND x.occurred_at < a.t
                            AND (x.kind IN ('sale', 'retirement', 'loss')
                                 OR (x.kind = 'status_change'
                                     AND x.status IN ('sold', 'retired', 'lost'))))
               END
           END AS disposed_at_t
    FROM a LEFT JOIN g ON g.article_id = a.id
),
f AS (
    SELECT s.*,
           -- Usage after E (none in a ledger kept by the services) is taken back.
           COALESCE(s.usage_seconds, 0) - COALESCE(CASE WHEN s.last_use > s.disposed_at_t THEN (
               SELECT SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(x.ended_at, s.t), s.t)
                                             - GREATEST(x.occurred_at, s.p, s.disposed_at_t)))
               FROM articles_event x
               WHERE x.article_id = s.id AND x.kind IN ('rental', 'subscription')
                 AND x.occurred_at < s.t
                 AND LEAST(COALESCE(x.ended_at, s.t), s.t)
                     > GREATEST(x.occurred_at, s.p, s.disposed_at_t)) END, 0) AS used,
           GREATEST(0, EXTRACT(EPOCH FROM LEAST(s.disposed_at_t, s.t) - s.p)) AS owned,
           COALESCE(s.revenue, 0) - COALESCE(s.expenses, 0) AS net
    FROM s
)
SELECT number, sku_code, store, status, condition,
       COALESCE(usage_count, 0) AS usage_count,
       used / 86400 AS usage_days,
       owned / 86400 AS owned_days,
       CASE WHEN owned > 0 THEN used / owned ELSE 0 END AS utilization,
       COALESCE(revenue, 0) AS revenue, COALESCE(expenses, 0) AS expenses, net,
       net / NULLIF(price, 0) AS payback_ratio,
       CASE WHEN price > 0 THEN (paid_back_at AT TIME ZONE :'time_zone')::date END
           AS paid_back_on,
       COALESCE(sale_proceeds, 0) AS sale_proceeds,
       net + COALESCE(sale_proceeds, 0) - price AS lifetime_profit,
       COALESCE(revenue_year, 0) / NULLIF(price, 0) AS dollar_utilization,
       CASE WHEN disposed_at_t IS NOT NULL THEN 0
            ELSE ROUND(price * POWER(1 - rate, EXTRACT(EPOCH FROM t - p) / (365 * 86400))
                       * CASE condition_at_t WHEN 'new' THEN 1.00 WHEN 'like_new' THEN 0.85
                              WHEN 'good' THEN 0.70 WHEN 'fair' THEN 0.50 ELSE 0.25 END, 2)
       END AS estimated_value
FROM f
ORDER BY number COLLATE "C"
