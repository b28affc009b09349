// Retention per tenant (issue 16): how many days each kind of data is kept, within the plan's
// maximum, and what the nightly runs deleted (GET /v1/retention/deletions).
import { z } from 'zod';
import { isoDateTimeSchema } from './ids.ts';

/** Each kind of data retention applies to, in the order the settings page shows them. */
export const retentionKinds = [
  'rawPoints',
  'rollupsMinute',
  'rollupsHour',
  'alarmJournal',
  'messageLog',
  'reportFiles',
  'deadLetters',
] as const;
export type RetentionKind = (typeof retentionKinds)[number];

const days = (description: string) =>
  z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').meta({ description });

export const retentionSettingsSchema = z
  .strictObject({
    rawPoints: days('Raw telemetry points, days'),
    rollupsMinute: days('1-minute rollups, days'),
    rollupsHour: days('1-hour rollups, days'),
    alarmJournal: days('Alarm events (the journal), days'),
    messageLog: days('Messages sent (pages, digests, tests), days'),
    reportFiles: days('Report runs and their files, days'),
    deadLetters: days('Dead-lettered ingest messages, days'),
  })
  .meta({ id: 'RetentionSettings' });
export type RetentionSettings = z.infer<typeof retentionSettingsSchema>;

export const retentionSchema = z
  .object({
    settings: retentionSettingsSchema,
    maxDays: z.number().int().meta({ description: "The plan's maximum for every setting" }),
    custom: z.boolean().meta({ description: 'false: the defaults (capped by the plan) apply' }),
    lastAppliedOn: z.iso.date().nullable().meta({ description: "The tenant's local date of the last run" }),
  })
  .meta({ id: 'Retention' });
export type Retention = z.infer<typeof retentionSchema>;

export const retentionDeletionSchema = z
  .object({
    id: z.string(),
    ranAt: isoDateTimeSchema,
    kind: z.enum(retentionKinds),
    olderThan: isoDateTimeSchema.meta({ description: 'Everything before this instant was deleted' }),
    deleted: z.number().int().meta({ description: 'Rows (points, events, messages, runs) deleted' }),
  })
  .meta({ id: 'RetentionDeletion' });
export type RetentionDeletion = z.infer<typeof retentionDeletionSchema>;
