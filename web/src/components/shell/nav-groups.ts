// The navigation, grouped by job: what an operator watches, what an engineer configures, who gets
// called, and the organisation's settings. Links a role cannot use are left out.
import { type Role, roleAtLeast } from '@plantwatch/shared';

export type NavGroupId = 'monitor' | 'configure' | 'people' | 'settings';
export type NavLinkId =
  | 'home'
  | 'fleet'
  | 'alarms'
  | 'reports'
  | 'outbox'
  | 'sites'
  | 'gateways'
  | 'devices'
  | 'tags'
  | 'alarmRules'
  | 'contacts'
  | 'rotations'
  | 'policies'
  | 'canary'
  | 'users'
  | 'apiKeys'
  | 'notifications'
  | 'organisation'
  | 'security'
  | 'usage'
  | 'retention'
  | 'units'
  | 'account';

export interface NavLink {
  id: NavLinkId;
  href: string;
}
export interface NavGroup {
  id: NavGroupId;
  links: NavLink[];
}

const link = (id: NavLinkId, href: string, visible = true): NavLink[] => (visible ? [{ id, href }] : []);

export function navGroups(role: Role): NavGroup[] {
  const operator = roleAtLeast(role, 'operator');
  const admin = roleAtLeast(role, 'admin');
  const groups: NavGroup[] = [
    {
      id: 'monitor',
      links: [
        ...link('home', '/'),
        ...link('fleet', '/fleet'),
        ...link('alarms', '/alarms'),
        ...link('reports', '/reports'),
        ...link('outbox', '/outbox', operator),
      ],
    },
    {
      id: 'configure',
      links: [
        ...link('sites', '/config/sites'),
        ...link('gateways', '/config/gateways'),
        ...link('devices', '/config/devices'),
        ...link('tags', '/config/tags'),
        ...link('alarmRules', '/config/alarm-rules'),
      ],
    },
    {
      id: 'people',
      links: [
        ...link('contacts', '/config/contacts'),
        ...link('rotations', '/config/rotations'),
        ...link('policies', '/config/policies'),
        ...link('canary', '/settings/canary'),
        ...link('users', '/users', admin),
      ],
    },
    {
      id: 'settings',
      links: [
        ...link('apiKeys', '/api-keys', admin),
        ...link('notifications', '/settings/notifications', admin),
        ...link('organisation', '/settings/organisation', admin),
        ...link('security', '/settings/security', admin),
        ...link('usage', '/settings/plan', admin),
        // Everyone may read how long data is kept and what the nightly runs deleted; admins change it.
        ...link('retention', '/settings/retention'),
        ...link('units', '/settings/units'),
        ...link('account', '/settings/account'),
      ],
    },
  ];
  return groups.filter((group) => group.links.length > 0);
}

/** Whether a link is the page being shown (or its parent: /config/sites for /config/sites/123). */
export function isCurrent(href: string, pathname: string): boolean {
  if (href === '/') return pathname === '/';
  return pathname === href || pathname.startsWith(`${href}/`);
}
