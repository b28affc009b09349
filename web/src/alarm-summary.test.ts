import type { Alarm } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { summarizeAlarms, worstOf } from './alarm-summary.ts';

let n = 0;
const alarm = (overrides: Partial<Alarm>): Alarm => {
  n += 1;
  return {
    id: `0193a3b0-0000-7000-8000-${String(n).padStart(12, '0')}`,
    tenantId: '0193a3b0-0000-7000-8000-100000000000',
    ruleId: `0193a3b0-0000-7000-8000-2${String(n).padStart(11, '0')}`,
    siteId: '0193a3b0-0000-7000-8000-300000000000',
    tagId: null,
    level: null,
    name: `Alarm ${n}`,
    severity: 'medium',
    state: 'active-unacked',
    shelved: false,
    shelvedUntil: null,
    outOfService: false,
    value: 1,
    activeSince: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
};

describe('summarizeAlarms', () => {
  it('counts unacknowledged alarms by severity, active or cleared, and names the newest', () => {
    const summary = summarizeAlarms(
      [
        alarm({ severity: 'critical', activeSince: '2026-12-01T10:00:00.000Z' }),
        alarm({ severity: 'medium', name: 'Newest', activeSince: '2026-12-01T10:05:00.000Z' }),
        alarm({ severity: 'high', state: 'cleared-unacked', activeSince: null }),
        alarm({ severity: 'low', state: 'active-acked' }),
      ],
      42,
    );
    expect(summary.unacked).toEqual({ critical: 1, high: 1, medium: 1, low: 0 });
    expect(summary.total).toBe(3);
    expect(summary.worst).toBe('critical');
    expect(summary.newest?.name).toBe('Newest');
    expect(summary.at).toBe(42);
  });

  it('does not annunciate shelved or out-of-service alarms', () => {
    const summary = summarizeAlarms(
      [
        alarm({ severity: 'critical', shelved: true, shelvedUntil: '2026-12-01T11:00:00.000Z' }),
        alarm({ severity: 'high', outOfService: true }),
      ],
      0,
    );
    expect(summary.total).toBe(0);
    expect(summary.worst).toBeNull();
    expect(summary.newest).toBeNull();
  });
});

describe('worstOf', () => {
  it('picks the most severe, critical first', () => {
    expect(worstOf(['low', 'high', 'medium'])).toBe('high');
    expect(worstOf([])).toBeNull();
  });
});
