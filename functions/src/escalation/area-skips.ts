// Paging by area (ADR 0042): a contact linked to a user is paged only for alarms that user sees — on a
// site they see whole, or under one of their areas. The others are skipped, and the chain says why.
import type { Alarm } from '@plantwatch/shared';
import type { AccountRepositories } from '../accounts/ports.ts';
import type { AlarmRepositories } from '../alarms/ports.ts';
import type { AreaRepositories } from '../assets/area-ports.ts';
import { alarmAssetIds, seesAlarm } from '../assets/area-rules.ts';

export type AreaSkipRepositories = Partial<AreaRepositories> &
  Pick<AccountRepositories, 'users'> &
  Pick<AlarmRepositories, 'alarmRules'>;

/** The contacts not to page for this alarm, each with the reason the chain records. */
export async function contactsOutsideAlarm(
  repos: AreaSkipRepositories,
  alarm: Pick<Alarm, 'ruleId' | 'siteId'>,
): Promise<Map<string, string>> {
  const skipped = new Map<string, string>();
  if (!repos.areas) return skipped;
  const links = await repos.areas.contactLinks();
  if (links.length === 0) return skipped;
  const [users, areasByUser, rule] = await Promise.all([
    repos.users.list(),
    repos.areas.byUser(),
    repos.alarmRules.get(alarm.ruleId),
  ]);
  const inAssets = rule ? alarmAssetIds(await repos.areas.ofAlarm(rule)) : new Set<string>();
  const byId = new Map(users.map((user) => [user.id, user]));
  for (const link of links) {
    const user = byId.get(link.userId);
    if (!user) continue;
    const assetIds = areasByUser.get(user.id) ?? [];
    if (seesAlarm({ siteIds: user.siteIds, assetIds }, alarm.siteId, inAssets)) continue;
    skipped.set(
      link.contactId,
      assetIds.length > 0
        ? `${user.name} is limited to areas this alarm is not in`
        : `${user.name} is limited to other sites`,
    );
  }
  return skipped;
}
