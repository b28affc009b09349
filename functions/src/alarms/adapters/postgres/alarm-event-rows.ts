// An alarm journal row as the API's AlarmEvent, checked against its schema when read: the alarm
// repositories and the reports' alarm summary read the same table.
import { type AlarmEvent, alarmEventSchema } from '@plantwatch/shared';
import type { alarmEvents } from './schema.ts';

export const toAlarmEvent = (r: (typeof alarmEvents)['$inferSelect']): AlarmEvent =>
  alarmEventSchema.parse({
    id: r.id,
    tenantId: r.tenantId,
    alarmId: r.alarmId,
    ruleId: r.ruleId,
    siteId: r.siteId,
    at: r.at.toISOString(),
    from: r.fromState,
    to: r.toState,
    kind: r.kind,
    by: r.by,
    channel: r.channel,
    ...(r.value === null ? {} : { value: r.value }),
    ...(r.comment === null ? {} : { comment: r.comment }),
  });
