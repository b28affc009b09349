import 'server-only';
// Reads for the site dashboard's operating-curve scatters (ADR 0048): the site's curve rules and the
// last hour of both their tags, averaged over the same buckets.
import { alarmRuleSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { type CurveRule, curveScatter, type Scatter } from '../curve-scatter.ts';
import { seriesSchema } from '../live-types.ts';
import { ApiError, callApi } from './api.ts';
import { query, read } from './data.ts';
import { viewerWithRole } from './viewer.ts';

const HOUR_MS = 3_600_000;
/** Points per scatter at most: a 30 s bucket over the hour. */
const POINTS = 120;

export async function siteCurveScatters(
  siteId: string,
  now = Date.now(),
): Promise<{ rule: CurveRule; scatter: Scatter }[]> {
  const { alarmRules } = await read(
    `/v1/alarm-rules${query({ siteId })}`,
    z.object({ alarmRules: z.array(alarmRuleSchema) }),
  );
  const curves = alarmRules.filter(
    (rule): rule is CurveRule => rule.kind === 'curve' && rule.siteId === siteId && rule.enabled,
  );
  const viewer = await viewerWithRole('viewer');
  const drawn = await Promise.all(
    curves.map(async (rule) => {
      const path = `/v1/telemetry/series${query({
        tagIds: `${rule.xTagId},${rule.tagId}`,
        from: String(now - HOUR_MS),
        to: String(now),
        maxPoints: String(POINTS),
        aggregates: 'avg',
      })}`;
      let series: z.infer<typeof seriesSchema>['series'];
      try {
        series = seriesSchema.parse(await callApi('GET', path, { token: viewer.token })).series;
      } catch (error) {
        // a user limited to areas (ADR 0042) may see the rule but not its X tag: no scatter, not a 404 page
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
      const of = (tagId: string) => series.find((s) => s.tagId === tagId)?.buckets ?? [];
      return { rule, scatter: curveScatter(rule, of(rule.xTagId), of(rule.tagId)) };
    }),
  );
  return drawn.filter((curve) => curve !== null);
}
