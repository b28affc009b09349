import { z } from 'zod';

/** Server-generated identifiers are UUIDs (v7, time-ordered). */
export const idSchema = z.uuid({ message: 'must be a UUID' });
export type Id = z.infer<typeof idSchema>;

/**
 * A key is the short, human-chosen name a device or tag carries in the gateway config and in
 * telemetry (`d`, `t`): `plc-1`, `level`. Stable, unique in its parent, safe in MQTT and URLs.
 */
/** What a key may hold (the length, 1–64, is checked apart so its message says so). */
export const keyPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const MAX_KEY_LENGTH = 64;

export const keySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_KEY_LENGTH, `must be at most ${MAX_KEY_LENGTH} characters`)
  .regex(keyPattern, 'may use letters, digits, "_", "." and "-", starting with a letter or digit');

export const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');
export const descriptionSchema = z.string().max(2000, 'must be at most 2000 characters');

/** IANA time zone such as "Europe/Paris"; validated against the runtime's zone database. */
export const timeZoneSchema = z.string().refine(
  (zone) => {
    // Intl also takes offsets such as "+05:00", which PostgreSQL reads with the opposite (POSIX) sign.
    if (!/^[A-Za-z]/.test(zone)) return false;
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as "Europe/Paris"' },
);

export const isoDateTimeSchema = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

/** For PATCH bodies: an empty object changes nothing and is almost always a client bug. */
export const hasAnyField = (patch: object) => Object.values(patch).some((value) => value !== undefined);
export const EMPTY_PATCH_MESSAGE = 'send at least one field to change';
