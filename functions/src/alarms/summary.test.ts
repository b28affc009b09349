// What an annunciator shows: unacknowledged alarms by severity, suppressed ones apart, the worst and
// the newest.
import type { Alarm } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { summarizeAlarms } from './summary.ts';

let n = 0;
function alarm(overrides: Partial<Alarm>): Alarm {
  n += 1;
  const id = `0195f3c1-0000-7000-8000-${String(n).padStart(12, '0')}`;
  return {
    id,
    tenantId: '0195f3c1-0000-7000-8000-00000000aaaa',
    ruleId: id,
    siteId: '0195f3c1-0000-7000-8000-00000000bbbb',
    tagId: null,
    level: null,
    name: `Alarm ${n}`,
    severity: 'high',
    state: 'active-unacked',
    shelved: false,
    shelvedUntil: null,
    outOfService: false,
    value: 1,
    activeSince: '2026-12-01T10:00:00.000Z',
    clearedAt: null,
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

describe('the alarm summary', () => {
  it('counts active and cleared unacknowledged alarms by severity, not acknowledged or normal ones', () => {
    const summary = summarizeAlarms(
      [
        alarm({ severity: 'critical' }),
        alarm({ severity: 'high', state: 'cleared-unacked', activeSince: null }),
        alarm({ severity: 'high', state: 'active-acked' }),
        alarm({ severity: 'low', state: 'normal' }),
        alarm({ severity: 'medium' }),
      ],
      42,
    );
    expect(summary.unacked).toEqual({ critical: 1, high: 1, medium: 1, low: 0 });
    expect(summary.total).toBe(3);
    expect(summary.worst).toBe('critical');
    expect(summary.at).toBe(42);
  });

  it('counts shelved and out-of-service alarms apart and never annunciates them', () => {
    const summary = summarizeAlarms(
      [
        alarm({ severity: 'critical', shelved: true, shelvedUntil: '2026-12-01T12:00:00.000Z' }),
        alarm({ severity: 'critical', outOfService: true }),
        alarm({ severity: 'critical', outOfService: true, shelved: true }),
        alarm({ severity: 'low' }),
      ],
      0,
    );
    expect(summary.unacked).toEqual({ critical: 0, high: 0, medium: 0, low: 1 });
    expect(summary.suppressed).toEqual({ shelved: 1, outOfService: 2 });
    expect(summary.worst).toBe('low');
  });

  it('names the newest alarm waiting, by when it was raised', () => {
    const late = alarm({ severity: 'low', activeSince: '2026-12-01T11:00:00.000Z' });
    const summary = summarizeAlarms(
      [
        alarm({ severity: 'critical' }),
        late,
        alarm({ activeSince: '2026-12-01T12:00:00.000Z', state: 'active-acked' }),
      ],
      0,
    );
    expect(summary.newest).toEqual({
      id: late.id,
      ruleId: late.ruleId,
      name: late.name,
      severity: 'low',
      siteId: late.siteId,
      since: '2026-12-01T11:00:00.000Z',
    });
  });

  it('is all zeros with nothing waiting', () => {
    expect(summarizeAlarms([], 0)).toEqual({
      unacked: { critical: 0, high: 0, medium: 0, low: 0 },
      total: 0,
      worst: null,
      newest: null,
      suppressed: { shelved: 0, outOfService: 0 },
      at: 0,
    });
  });
});
