import { z } from 'zod';

/** Roles in increasing power; each role can do everything the roles before it can. */
export const roles = ['viewer', 'operator', 'engineer', 'admin', 'owner'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

const rank: Record<Role, number> = { viewer: 0, operator: 1, engineer: 2, admin: 3, owner: 4 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

/** What each role is for, in the plant's words; used by the API docs and the web app. */
export const roleAbilities: Record<Role, string> = {
  viewer: 'reads dashboards, trends, alarms and configuration',
  operator: 'also acknowledges, shelves and comments on alarms',
  engineer: 'also configures sites, gateways, devices, tags, alarm rules and reports',
  admin: 'also manages users and API keys',
  owner: 'also manages the tenant itself',
};
