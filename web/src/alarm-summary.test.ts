import type { Alarm } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { isAnnunciated, worstOf } from './alarm-summary.ts';

const alarm = (overrides: Partial<Alarm>): Alarm => ({
  id: '0193a3b0-0000-7000-8000-000000000001',
  tenantId: '0193a3b0-0000-7000-8000-100000000000',
  ruleId: '0193a3b0-0000-7000-8000-200000000001',
  siteId: '0193a3b0-0000-7000-8000-300000000000',
  tagId: null,
  level: null,
  name: 'Alarm',
  severity: 'medium',
  state: 'active-unacked',
  shelved: false,
  shelvedUntil: null,
  outOfService: false,
  value: 1,
  activeSince: '2026-12-01T10:00:00.000Z',
  clearedAt: null,
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

describe('isAnnunciated', () => {
  it('annunciates unacknowledged alarms, active or cleared', () => {
    expect(isAnnunciated(alarm({}))).toBe(true);
    expect(isAnnunciated(alarm({ state: 'cleared-unacked' }))).toBe(true);
    expect(isAnnunciated(alarm({ state: 'active-acked' }))).toBe(false);
  });

  it('does not annunciate shelved or out-of-service alarms', () => {
    expect(isAnnunciated(alarm({ shelved: true, shelvedUntil: '2026-12-01T11:00:00.000Z' }))).toBe(false);
    expect(isAnnunciated(alarm({ outOfService: true }))).toBe(false);
  });
});

describe('worstOf', () => {
  it('picks the most severe, critical first', () => {
    expect(worstOf(['low', 'high', 'medium'])).toBe('high');
    expect(worstOf([])).toBeNull();
  });
});
