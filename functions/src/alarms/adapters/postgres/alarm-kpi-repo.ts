// The alarm-system KPIs (ADR 0049) computed where the journal is: 10-minute buckets by site with
// GROUPING SETS, runs of raises with window functions, each alarm's last state before the end of the
// range, and the time to acknowledge as percentiles. The same SQL runs on PGlite and PostgreSQL.
import { type SQL, sql } from 'drizzle-orm';
import type { ConfigDb } from '../../../platform/database/database.ts';
import type { AlarmKpiInput, AlarmKpiRepositories, JournalAlarmRef } from '../../kpi-ports.ts';

interface RefRow {
  alarm_id: string;
  rule_id: string;
  site_id: string;
  alarm_key: string;
  rule_name: string | null;
  level_name: string | null;
}

const toRef = (row: RefRow): JournalAlarmRef => ({
  alarmId: row.alarm_id,
  ruleId: row.rule_id,
  siteId: row.site_id,
  key: row.alarm_key,
  ruleName: row.rule_name ?? '',
  levelName: row.level_name,
});

// The rule's name and, for a limit stack, the level's own name (the rules' settings document).
const namesOf = (alias: string) => sql`
  r.settings->>'name' AS rule_name,
  (SELECT l->>'name' FROM jsonb_array_elements(coalesce(r.settings->'levels', '[]'::jsonb)) AS l
    WHERE l->>'level' = ${sql.raw(alias)}.alarm_key LIMIT 1) AS level_name`;

const rows = async <T>(tx: ConfigDb, query: SQL) =>
  ((await tx.execute(query)) as unknown as { rows: T[] }).rows;

export function alarmKpiRepositories(tx: ConfigDb, tenantId: string): AlarmKpiRepositories {
  return {
    alarmKpis: {
      async compute(input: AlarmKpiInput) {
        const from = input.from.toISOString();
        const to = input.to.toISOString();
        const inScope = (column: SQL): SQL => {
          if (input.siteIds === null) return sql`true`;
          if (input.siteIds.length === 0) return sql`false`;
          return sql`${column} IN (${sql.join(
            input.siteIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`;
        };
        const raisedInRange = sql`e.tenant_id = ${tenantId} AND e.kind = 'raised'
          AND e.at >= ${from}::timestamptz AND e.at < ${to}::timestamptz AND ${inScope(sql`e.site_id`)}`;

        const sites = await rows<{ siteId: string; name: string }>(
          tx,
          sql`SELECT id AS "siteId", name FROM sites WHERE tenant_id = ${tenantId} AND ${inScope(sql`id`)} ORDER BY name, id`,
        );

        // Each site's raises per 10-minute interval, and the scope's (site_id null) by GROUPING SETS.
        const rates = await rows<{
          site_id: string | null;
          raises: number | string;
          peak: number;
          peak_interval: number;
          floods: number | string;
        }>(
          tx,
          sql`WITH raised AS (
            SELECT e.site_id,
                   floor(extract(epoch FROM (e.at - ${from}::timestamptz)) * 1000 / ${input.intervalMs})::int AS bucket
            FROM alarm_events e WHERE ${raisedInRange}
          ), buckets AS (
            SELECT site_id, bucket, count(*)::int AS n, grouping(site_id) AS whole
            FROM raised GROUP BY GROUPING SETS ((site_id, bucket), (bucket))
          )
          SELECT DISTINCT ON (whole, site_id) CASE WHEN whole = 1 THEN NULL ELSE site_id END AS site_id,
                 n AS peak, bucket AS peak_interval,
                 sum(n) OVER w AS raises, count(*) FILTER (WHERE n > ${input.floodRaises}) OVER w AS floods
          FROM buckets WINDOW w AS (PARTITION BY whole, site_id)
          ORDER BY whole, site_id, n DESC, bucket`,
        );

        const top = await rows<RefRow & { raises: number }>(
          tx,
          sql`SELECT e.alarm_id, e.rule_id, e.site_id, e.alarm_key, count(*)::int AS raises, ${namesOf('e')}
          FROM alarm_events e LEFT JOIN alarm_rules r ON r.tenant_id = e.tenant_id AND r.id = e.rule_id
          WHERE ${raisedInRange}
          GROUP BY e.alarm_id, e.rule_id, e.site_id, e.alarm_key, r.settings
          ORDER BY raises DESC, e.alarm_id LIMIT ${input.top}`,
        );

        // A run starts at a raise more than the chatter window after the alarm's raise before it.
        const chattering = await rows<RefRow & { episodes: number; raises: number }>(
          tx,
          sql`WITH raises AS (
            SELECT e.alarm_id, e.rule_id, e.site_id, e.alarm_key, e.at, e.id,
                   CASE WHEN e.at - lag(e.at) OVER (PARTITION BY e.alarm_id ORDER BY e.at, e.id)
                        <= make_interval(secs => ${input.chatterWindowMs / 1000}) THEN 0 ELSE 1 END AS starts
            FROM alarm_events e WHERE ${raisedInRange}
          ), runs AS (
            SELECT *, sum(starts) OVER (PARTITION BY alarm_id ORDER BY at, id ROWS UNBOUNDED PRECEDING) AS run
            FROM raises
          ), episodes AS (
            SELECT alarm_id, rule_id, site_id, alarm_key, run, count(*) AS n FROM runs
            GROUP BY alarm_id, rule_id, site_id, alarm_key, run HAVING count(*) >= ${input.chatterRaises}
          )
          SELECT c.alarm_id, c.rule_id, c.site_id, c.alarm_key, count(*)::int AS episodes, sum(c.n)::int AS raises,
                 ${namesOf('c')}
          FROM episodes c LEFT JOIN alarm_rules r ON r.tenant_id = ${tenantId} AND r.id = c.rule_id
          GROUP BY c.alarm_id, c.rule_id, c.site_id, c.alarm_key, r.settings
          ORDER BY episodes DESC, raises DESC, c.alarm_id LIMIT ${input.listLimit}`,
        );

        // Still active at `to` (its last transition before it left it active) and raised a day before.
        const stale = await rows<RefRow & { raised_at: string | Date }>(
          tx,
          sql`WITH last AS (
            SELECT DISTINCT ON (e.alarm_id) e.alarm_id, e.rule_id, e.site_id, e.alarm_key, e.to_state
            FROM alarm_events e
            WHERE e.tenant_id = ${tenantId} AND e.at < ${to}::timestamptz AND ${inScope(sql`e.site_id`)}
            ORDER BY e.alarm_id, e.at DESC, e.created_at DESC
          ), raised AS (
            SELECT e.alarm_id, max(e.at) AS raised_at FROM alarm_events e
            WHERE e.tenant_id = ${tenantId} AND e.kind = 'raised' AND e.at < ${to}::timestamptz
              AND ${inScope(sql`e.site_id`)}
            GROUP BY e.alarm_id
          )
          SELECT s.alarm_id, s.rule_id, s.site_id, s.alarm_key, raised.raised_at, ${namesOf('s')}
          FROM last s JOIN raised ON raised.alarm_id = s.alarm_id
          LEFT JOIN alarm_rules r ON r.tenant_id = ${tenantId} AND r.id = s.rule_id
          WHERE s.to_state IN ('active-unacked', 'active-acked')
            AND raised.raised_at <= ${to}::timestamptz - make_interval(secs => ${input.staleAfterMs / 1000})
          ORDER BY raised.raised_at, s.alarm_id LIMIT ${input.listLimit}`,
        );

        // Each acknowledgement paired with the raise just before it, both in the range.
        const [ack] = await rows<{
          raises: number;
          acknowledged: number;
          median: number | string | null;
          p90: number | string | null;
        }>(
          tx,
          sql`WITH seq AS (
            SELECT e.kind, e.at, lag(e.kind) OVER w AS prev_kind, lag(e.at) OVER w AS prev_at
            FROM alarm_events e
            WHERE e.tenant_id = ${tenantId} AND e.kind IN ('raised', 'acknowledged')
              AND e.at >= ${from}::timestamptz AND e.at < ${to}::timestamptz AND ${inScope(sql`e.site_id`)}
            WINDOW w AS (PARTITION BY e.alarm_id ORDER BY e.at, e.kind = 'acknowledged', e.created_at)
          ), acks AS (
            SELECT extract(epoch FROM (at - prev_at))::float8 AS seconds FROM seq
            WHERE kind = 'acknowledged' AND prev_kind = 'raised'
          )
          SELECT (SELECT count(*)::int FROM seq WHERE kind = 'raised') AS raises,
                 count(*)::int AS acknowledged,
                 percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median,
                 percentile_cont(0.9) WITHIN GROUP (ORDER BY seconds) AS p90
          FROM acks`,
        );

        const num = (value: number | string | null | undefined) => (value == null ? null : Number(value));
        return {
          sites,
          rates: rates.map((row) => ({
            siteId: row.site_id,
            raises: Number(row.raises),
            peak: row.peak,
            peakInterval: row.peak_interval,
            floodIntervals: Number(row.floods),
          })),
          top: top.map((row) => ({ ...toRef(row), raises: row.raises })),
          chattering: chattering.map((row) => ({
            ...toRef(row),
            episodes: row.episodes,
            raises: row.raises,
          })),
          stale: stale.map((row) => ({ ...toRef(row), activeSince: new Date(row.raised_at) })),
          acknowledge: {
            raises: ack?.raises ?? 0,
            acknowledged: ack?.acknowledged ?? 0,
            medianSeconds: num(ack?.median),
            p90Seconds: num(ack?.p90),
          },
        };
      },
    },
  };
}
