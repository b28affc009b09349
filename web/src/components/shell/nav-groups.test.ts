import { describe, expect, it } from 'vitest';
import { isCurrent, navGroups } from './nav-groups.ts';

const ids = (role: Parameters<typeof navGroups>[0]) =>
  Object.fromEntries(navGroups(role).map((group) => [group.id, group.links.map((link) => link.id)]));

describe('navGroups', () => {
  it('groups an admin’s pages by job: monitor, configure, people, settings', () => {
    expect(ids('admin')).toEqual({
      monitor: ['home', 'fleet', 'alarms', 'reports', 'outbox'],
      configure: ['sites', 'gateways', 'devices', 'tags', 'alarmRules'],
      people: ['contacts', 'rotations', 'policies', 'canary', 'users'],
      settings: [
        'apiKeys',
        'notifications',
        'organisation',
        'security',
        'usage',
        'retention',
        'units',
        'account',
      ],
    });
  });

  it('leaves a viewer without the outbox, users and the organisation’s settings, but with data retention to read and their own units and account', () => {
    const viewer = ids('viewer');
    expect(viewer.monitor).not.toContain('outbox');
    expect(viewer.people).not.toContain('users');
    expect(viewer.settings).toEqual(['retention', 'units', 'account']);
  });
});

describe('isCurrent', () => {
  it('marks a page and its sub-pages, and home only at the root', () => {
    expect(isCurrent('/config/sites', '/config/sites/0193')).toBe(true);
    expect(isCurrent('/config/sites', '/config/sites-archive')).toBe(false);
    expect(isCurrent('/', '/fleet')).toBe(false);
    expect(isCurrent('/', '/')).toBe(true);
  });
});
