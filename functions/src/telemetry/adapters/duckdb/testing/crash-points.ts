import type { TelemetryPointRecord } from '@plantwatch/shared';

export const CRASH_T0 = Date.UTC(2026, 10, 2, 8);
const PER_GROUP = 240;
const TAGS = 200;

/** Group `group` of the crash test: 240 points over 200 tags, one second apart per tag round. */
export function crashPoints(group: number): TelemetryPointRecord[] {
  return Array.from({ length: PER_GROUP }, (_, k) => {
    const n = group * PER_GROUP + k;
    return {
      tenantId: 't1',
      siteId: 's1',
      gatewayId: 'g1',
      deviceKey: 'plc-1',
      tagKey: `t${n % TAGS}`,
      ts: CRASH_T0 + Math.floor(n / TAGS) * 1000,
      value: n,
      quality: 'good',
    };
  });
}
