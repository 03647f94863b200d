-- The floor of `manage.py report selloff`: SPEC.md's sell-off candidates as of a date,
-- written as directly as PostgreSQL allows, to measure the command against.
--
--   psql -v as_of=2025-06-30 -v time_zone=UTC -v default_rate=0.20 -v default_window=365 \
--        -v hurdle_share=0.10 -f benchmarks/floors/selloff.sql
--
-- (benchmarks/run.py runs it through psycopg, each psql variable a parameter, after the
-- settings the reports give their own statements: reports/figures/reading.py's TUNING,
-- JIT off and a larger work_mem; do the same in psql.)
-- One pass over the events before T grouped by article (its state at T read from the
-- ledger as in articles.sql), the SKU's peak on order, challenger and replacement price
-- as in skus.sql, then the considered articles, their margins and reasons (each value
-- computed once: POWER over numerics is the dearest step).
WITH a AS (
    SELECT a.id, a.number, a.sku_id, a.allocation, a.purchase_price AS price, a.status,
           a.condition, a.disposed_at, st.name AS store,
           COALESCE(s.depreciation_rate, :'default_rate') AS rate,
           a.purchased_on::timestamp AT TIME ZONE :'time_zone' AS p,
           (:'as_of'::date + 1)::timestamp AT TIME ZONE :'time_zone' AS t,
           LEAST(COALESCE(s.selloff_window_days, :'default_window'), 36500)
               * interval '1 day' AS w
    FROM articles_article a
    JOIN skus_sku s ON s.id = a.sku_id
    JOIN articles_store st ON st.id = a.store_id
    WHERE a.purchased_on <= :'as_of'::date
),
g AS (
    SELECT e.article_id,
           SUM(revenue) FILTER (WHERE kind <> 'sale') AS revenue,
           SUM(cost) AS expenses,
           -- [T - W, T): net (sales left out), usage, and whether it was out at all.
           SUM(revenue - cost) FILTER (WHERE kind <> 'sale' AND occurred_at >= t - w)
               AS trailing_net,
           SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(ended_at, t), t)
                                  - GREATEST(occurred_at, p, t - w)))
               FILTER (WHERE usage
                         AND LEAST(COALESCE(ended_at, t), t) > GREATEST(occurred_at, p, t - w))
               AS window_usage_seconds,
           COUNT(*) FILTER (WHERE usage AND (ended_at IS NULL OR (ended_at > occurred_at
                                                                 AND ended_at > t - w))) > 0
               AS busy_in_window,
           -- The first window [P, P + W): net (sales left out) and usage clipped to it.
           SUM(revenue - cost) FILTER (WHERE kind <> 'sale'
                                          AND occurred_at >= p AND occurred_at < p + w)
               AS first_net,
           SUM(EXTRACT(EPOCH FROM LEAST(COALESCE(ended_at, t), t, p + w)
                                  - GREATEST(occurred_at, p)))
               FILTER (WHERE usage
                         AND LEAST(COALESCE(ended_at, t), t, p + w) > GREATEST(occurred_at, p))
               AS first_usage_seconds,
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
           COALESCE(g.condition_set, a.condition) AS condition_at_t,
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
           GREATEST(0, EXTRACT(EPOCH FROM LEAST(s.disposed_at_t, s.t) - s.p)) AS owned,
           EXTRACT(EPOCH FROM s.t - s.p) AS age
    FROM s
),
-- The most articles on order at one instant of [T - W, T) (as in skus.sql).
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
latest AS (
    SELECT DISTINCT ON (sku_id) sku_id, purchase_price AS price
    FROM articles_article WHERE purchased_on <= :'as_of'::date
    ORDER BY sku_id, purchased_on DESC, purchase_price DESC
),
per_sku AS (
    SELECT f.sku_id,
           COUNT(*) FILTER (WHERE status_at_t = 'active' AND allocation = 'rental')
               AS active_rental,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY COALESCE(first_net, 0) * 86400
                                                       / first_usage_seconds)
               FILTER (WHERE allocation = 'rental' AND owned >= EXTRACT(EPOCH FROM w)
                         AND first_usage_seconds > 0) AS challenger_net_per_day
    FROM f GROUP BY f.sku_id
),
sku AS (
    SELECT s.id, s.code, s.expected_lifetime_days,
           -- (1 - r) ^ (W / 365): what a new article keeps of its value over a window.
           POWER(1 - COALESCE(s.depreciation_rate, :'default_rate'),
                 LEAST(COALESCE(s.selloff_window_days, :'default_window'), 36500) / 365.0)
               AS kept_share,
           GREATEST(0, COALESCE(k.active_rental, 0) - COALESCE(pk.peak, 0) - 1) AS surplus,
           k.challenger_net_per_day,
           COALESCE(s.replacement_price, l.price) AS replacement_price,
           COALESCE(s.renewal_hurdle,
                    ROUND(COALESCE(s.replacement_price, l.price) * :'hurdle_share', 2))
               AS renewal_hurdle
    FROM skus_sku s
    LEFT JOIN per_sku k ON k.sku_id = s.id
    LEFT JOIN peaks pk ON pk.sku_id = s.id
    LEFT JOIN latest l ON l.sku_id = s.id
),
considered AS MATERIALIZED (
    SELECT f.*, sku.code AS sku_code, sku.surplus, sku.renewal_hurdle,
           sku.expected_lifetime_days,
           COALESCE(f.trailing_net, 0) AS trailing_sum,
           COALESCE(f.window_usage_seconds, 0) / 86400 AS window_usage_days,
           ROUND(f.price * POWER(1 - f.rate, f.age / (365 * 86400)) * v.factor, 2) AS value_now,
           ROUND(f.price * POWER(1 - f.rate, (f.age + EXTRACT(EPOCH FROM f.w)) / (365 * 86400))
                 * v.factor, 2) AS value_later,
           ROUND(sku.challenger_net_per_day::numeric * COALESCE(f.window_usage_seconds, 0) / 86400
                 - sku.replacement_price * (1 - sku.kept_share), 2)
               AS challenger_margin
    FROM f JOIN sku ON sku.id = f.sku_id
         CROSS JOIN LATERAL (SELECT CASE f.condition_at_t WHEN 'new' THEN 1.00
                                         WHEN 'like_new' THEN 0.85 WHEN 'good' THEN 0.70
                                         WHEN 'fair' THEN 0.50 ELSE 0.25 END AS factor) v
    WHERE f.status_at_t IN ('active', 'out_of_use') AND f.allocation = 'rental'
      AND f.owned >= EXTRACT(EPOCH FROM f.w)
),
margins AS (
    SELECT c.*, c.value_now - c.value_later AS value_loss,
           c.trailing_sum - (c.value_now - c.value_later) AS keep_margin,
           c.challenger_margin - (c.trailing_sum - (c.value_now - c.value_later))
               AS renewal_gain,
           ROW_NUMBER() OVER (PARTITION BY c.sku_id
                              ORDER BY c.trailing_sum - (c.value_now - c.value_later),
                                       c.number COLLATE "C")
               AS weakness
    FROM considered c
),
reasons AS (
    SELECT m.*,
           m.keep_margin < 0 AS earns_less_than_value_loss,
           m.surplus > 0 AND m.weakness <= m.surplus AS surplus_sku,
           m.surplus = 0 AND m.renewal_gain > m.renewal_hurdle AS new_one_earns_more
    FROM margins m
)
SELECT number, sku_code, store,
       CONCAT_WS(';',
                 CASE WHEN earns_less_than_value_loss THEN 'earns_less_than_value_loss' END,
                 CASE WHEN surplus_sku THEN 'surplus_sku' END,
                 CASE WHEN new_one_earns_more THEN 'new_one_earns_more' END,
                 CASE WHEN NOT COALESCE(busy_in_window, false) THEN 'idle' END,
                 CASE WHEN condition_at_t = 'poor' THEN 'poor_condition' END,
                 CASE WHEN age >= expected_lifetime_days * 86400
                      THEN 'past_expected_lifetime' END,
                 CASE WHEN price > 0
                           AND COALESCE(revenue, 0) - COALESCE(expenses, 0) >= price
                      THEN 'paid_back' END) AS reasons,
       trailing_sum AS trailing_net, value_loss, keep_margin, window_usage_days,
       challenger_margin, renewal_gain, value_now AS estimated_value
FROM reasons
WHERE earns_less_than_value_loss OR surplus_sku OR COALESCE(new_one_earns_more, false)
ORDER BY keep_margin, number COLLATE "C"
