import type { AlarmSeverity, Site } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { defaultFleetSort, parseFleetSort, sortFleet } from './fleet-sort.ts';
import type { SiteStatus } from './fleet-status.ts';

const none: Record<AlarmSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0 };

function status(name: string, over: Partial<Omit<SiteStatus, 'site'>> = {}): SiteStatus {
  return {
    site: { id: name, name } as Site,
    gateways: 1,
    gatewaysOnline: 1,
    activeAlarms: none,
    unackedAlarms: none,
    worstUnacked: null,
    unacked: 0,
    activeAcked: 0,
    suppressed: 0,
    lastDataTs: 1_000,
    ...over,
  };
}

const names = (list: SiteStatus[]) => list.map((s) => s.site.name);

const fleet = [
  status('Quiet works'),
  status('Aldgate', { worstUnacked: 'high', unacked: 1, lastDataTs: 3_000 }),
  status('Borough', { worstUnacked: 'critical', unacked: 1, gatewaysOnline: 0, lastDataTs: null }),
  status('Camden', { worstUnacked: 'high', unacked: 4, gateways: 3, gatewaysOnline: 2, lastDataTs: 2_000 }),
  status('site 10', { gateways: 0, gatewaysOnline: 0 }),
  status('site 9'),
];

describe('the fleet table order', () => {
  it('puts the sites that need someone first by default: severity, then how many wait, then the name', () => {
    expect(names(sortFleet(fleet, defaultFleetSort, 'en-GB'))).toEqual([
      'Borough',
      'Camden',
      'Aldgate',
      'Quiet works',
      'site 9',
      'site 10',
    ]);
  });

  it('sorts by name either way, numbers in names as numbers', () => {
    expect(names(sortFleet(fleet, parseFleetSort('site', 'asc'), 'en-GB'))).toEqual([
      'Aldgate',
      'Borough',
      'Camden',
      'Quiet works',
      'site 9',
      'site 10',
    ]);
    expect(names(sortFleet(fleet, parseFleetSort('site', 'desc'), 'en-GB'))[0]).toBe('site 10');
  });

  it('sorts by the share of gateways online (none first) and by the last data (never last when newest first)', () => {
    expect(names(sortFleet(fleet, parseFleetSort('gateways', undefined), 'en-GB')).slice(0, 2)).toEqual([
      'Borough',
      'Camden',
    ]);
    expect(names(sortFleet(fleet, parseFleetSort('lastData', undefined), 'en-GB'))).toEqual([
      'Aldgate',
      'Camden',
      'Quiet works',
      'site 9',
      'site 10',
      'Borough',
    ]);
  });

  it('reads only known columns and directions from the URL', () => {
    expect(parseFleetSort('drop table', 'asc')).toEqual(defaultFleetSort);
    expect(parseFleetSort('lastData', 'sideways')).toEqual({ key: 'lastData', direction: 'desc' });
    expect(parseFleetSort('site', undefined)).toEqual({ key: 'site', direction: 'asc' });
  });
});
