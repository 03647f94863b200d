-- The floor of `manage.py report skus`: SPEC.md's per-SKU figures as of a date, written
-- as directly as PostgreSQL allows, to measure the command against.
--
--   psql -v as_of=2025-06-30 -v time_zone=UTC -v default_window=365 -v hurdle_share=0.10 \
--        -f benchmarks/floors/skus.sql
--
-- (benchmarks/run.py runs it through psycopg, each psql variable a parameter, after the
-- settings the reports give their own statements: reports/figures/reading.py's TUNING,
-- JIT off and a larger work_mem; do the same in psql.)
-- One pass over the events before T grouped by article (with its state at T, read from
-- the ledger as in articles.sql), then grouped by SKU; a running sum over the usages of
-- each SKU's window for its peak on order; medians with percentile_cont.
-- Left out: km_median_lifetime_days. Kaplan-Meier's running product over the distinct
-- disposal times, each with its number at risk, is a loop that SQL writes only as a
-- recursive query or with exp(sum(ln())) in floating point, neither what a SQL writer
-- would call the floor; the command computes it in Python over the rows read here.
WITH a AS (
    SELECT a.id, a.sku_id, a.allocation, a.purchase_price AS price, a.status, a.condition,
           a.disposed_at,
           a.purchased_on::timestamp AT TIME ZONE :'time_zone' AS p,
           (:'as_of'::date + 1)::timestamp AT TIME ZONE :'time_zone' AS t,
           LEAST(COALESCE(s.selloff_window_days, :'default_window'), 36500)
               * interval '1 day' AS w
    FROM articles_article a JOIN skus_sku s ON s.id = a.sku_id
    WHERE a.purchased_on <= :'as_of'::date
),
g AS (
    SELECT e.article_id,
           COUNT(*) FILTER (WHERE usage) AS usage_count,
           SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(ended_at, t), t) - GREATEST(occurred_at, p)))
               FILTER (WHERE usage AND LEAST(COALESCE(ended_at, t), t) > GREATEST(occurred_at, p))
               AS usage_seconds,
           MAX(LEAST(COALESCE(ended_at, t), t)) FILTER (WHERE usage) AS last_use,
           COUNT(*) FILTER (WHERE usage AND (ended_at IS NULL OR ended_at > t)) > 0 AS open_at_t,
           SUM(revenue) FILTER (WHERE kind <> 'sale') AS revenue,
           SUM(cost) AS expenses,
           -- The first window [P, P + W): net (sales left out) and usage clipped to it.
           SUM(revenue - cost) FILTER (WHERE kind <> 'sale'
                                          AND occurred_at >= p AND occurred_at < p + w)
               AS first_net,
           SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(ended_at, t), t, p + w)
                                  - GREATEST(occurred_at, p)))
               FILTER (WHERE usage
                         AND LEAST(COALESCE(ended_at, t), t, p + w) > GREATEST(occurred_at, p))
               AS first_usage_seconds,
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
           MIN(occurred_at) FILTER (WHERE kind IN ('sale', 'retirement', 'loss')
                                       OR (kind = 'status_change'
                                           AND status IN ('sold', 'retired', 'lost')))
               AS first_out,
           MAX(occurred_at) FILTER (WHERE kind = 'status_change'
                                       AND status IN ('active', 'out_of_use')) AS last_back
    FROM (
        SELECT e.*, a.p, a.t, a.w,
               e.kind IN ('rental', 'subscription') AS usage,
               e.kind IN ('maintenance', 'repair', 'cleaning') AS service
        FROM articles_event e JOIN a ON a.id = e.article_id
        WHERE e.occurred_at < a.t
    ) e
    GROUP BY e.article_id
),
s AS (
    SELECT a.*, g.*,
           CASE WHEN COALESCE(g.status_set, a.status) IN ('sold', 'retired', 'lost')
                    THEN COALESCE(g.status_set, a.status)
                WHEN g.held_open_since IS NOT NULL
                     AND (g.status_set_at IS NULL OR g.held_last_start > g.status_set_at)
                    THEN 'out_of_use'
                WHEN COALESCE(g.status_set, a.status) = 'out_of_use'
                     AND g.held_open_since IS NULL AND g.held_ended_at > g.status_set_at
                    THEN 'active'
                ELSE COALESCE(g.status_set, a.status) END AS status_at_t,
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
           COALESCE(s.usage_seconds, 0) - COALESCE(CASE WHEN s.last_use > s.disposed_at_t THEN (
               SELECT SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(x.ended_at, s.t), s.t)
                                             - GREATEST(x.occurred_at, s.p, s.disposed_at_t)))
               FROM articles_event x
               WHERE x.article_id = s.id AND x.kind IN ('rental', 'subscription')
                 AND x.occurred_at < s.t
                 AND LEAST(COALESCE(x.ended_at, s.t), s.t)
                     > GREATEST(x.occurred_at, s.p, s.disposed_at_t)) END, 0) AS used,
           GREATEST(0, EXTRACT(EPOCH FROM LEAST(s.disposed_at_t, s.t) - s.p)) AS owned
    FROM s
),
-- The most articles on order at one instant of [T - W, T): +1 at a usage's start (or at
-- T - W), -1 at its end before T; ends before starts at the same instant.
points AS (
    SELECT a.sku_id, d.delta,
           CASE WHEN d.delta = 1 THEN GREATEST(e.occurred_at, a.t - a.w) ELSE e.ended_at END
               AS moment
    FROM articles_event e JOIN a ON a.id = e.article_id
         CROSS JOIN (VALUES (1), (-1)) d (delta)
    WHERE e.kind IN ('rental', 'subscription') AND e.occurred_at < a.t
      AND (e.ended_at IS NULL OR (e.ended_at > e.occurred_at AND e.ended_at > a.t - a.w))
      AND (d.delta = 1 OR e.ended_at < a.t)
),
peaks AS (
    SELECT sku_id, MAX(on_order) AS peak
    FROM (SELECT sku_id, SUM(delta) OVER (PARTITION BY sku_id ORDER BY moment, delta
                                          ROWS UNBOUNDED PRECEDING) AS on_order
          FROM points) r
    GROUP BY sku_id
),
-- The price of each SKU's most recently purchased article (the highest that day).
latest AS (
    SELECT DISTINCT ON (sku_id) sku_id, purchase_price AS price
    FROM articles_article WHERE purchased_on <= :'as_of'::date
    ORDER BY sku_id, purchased_on DESC, purchase_price DESC
),
per_sku AS (
    SELECT f.sku_id,
           COUNT(*) AS articles,
           COUNT(*) FILTER (WHERE status_at_t = 'active') AS active,
           COUNT(*) FILTER (WHERE status_at_t = 'out_of_use') AS out_of_use,
           COUNT(*) FILTER (WHERE status_at_t = 'active' AND open_at_t) AS on_order,
           COUNT(*) FILTER (WHERE status_at_t = 'lost') AS lost,
           COUNT(*) FILTER (WHERE status_at_t = 'sold') AS sold,
           COUNT(*) FILTER (WHERE status_at_t = 'retired') AS retired,
           COUNT(*) FILTER (WHERE status_at_t = 'active' AND allocation = 'rental')
               AS active_rental,
           COALESCE(SUM(revenue), 0) AS revenue,
           COALESCE(SUM(expenses), 0) AS expenses,
           SUM(price) AS purchase_total,
           AVG(used / owned) FILTER (WHERE owned > 0) AS mean_utilization,
           COUNT(disposed_at_t) AS disposed,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM disposed_at_t - p))
               FILTER (WHERE disposed_at_t IS NOT NULL) / 86400 AS median_lifetime_days,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY usage_count)
               FILTER (WHERE disposed_at_t IS NOT NULL) AS median_uses_at_disposal,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY COALESCE(first_net, 0) * 86400
                                                       / first_usage_seconds)
               FILTER (WHERE allocation = 'rental' AND owned >= EXTRACT(EPOCH FROM w)
                         AND first_usage_seconds > 0) AS challenger_net_per_day
    FROM f GROUP BY f.sku_id
)
SELECT s.code AS sku_code, s.name AS sku_name,
       COALESCE(k.articles, 0) AS articles, COALESCE(k.active, 0) AS active,
       COALESCE(k.out_of_use, 0) AS out_of_use, COALESCE(k.on_order, 0) AS on_order,
       COALESCE(k.lost, 0) AS lost, COALESCE(k.sold, 0) AS sold,
       COALESCE(k.retired, 0) AS retired,
       COALESCE(k.revenue, 0) AS revenue, COALESCE(k.expenses, 0) AS expenses,
       COALESCE(k.revenue, 0) - COALESCE(k.expenses, 0) AS net,
       COALESCE(k.purchase_total, 0) AS purchase_total,
       k.revenue / NULLIF(k.articles, 0) AS revenue_per_article,
       k.mean_utilization, COALESCE(k.disposed, 0) AS disposed,
       k.median_lifetime_days, k.median_uses_at_disposal,
       COALESCE(pk.peak, 0) AS peak_on_order,
       GREATEST(0, COALESCE(k.active_rental, 0) - COALESCE(pk.peak, 0) - 1) AS surplus,
       COALESCE(s.replacement_price, l.price) AS replacement_price,
       k.challenger_net_per_day,
       COALESCE(s.renewal_hurdle,
                ROUND(COALESCE(s.replacement_price, l.price) * :'hurdle_share', 2))
           AS renewal_hurdle
FROM skus_sku s
LEFT JOIN per_sku k ON k.sku_id = s.id
LEFT JOIN peaks pk ON pk.sku_id = s.id
LEFT JOIN latest l ON l.sku_id = s.id
ORDER BY s.code
