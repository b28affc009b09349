// Each user's display preferences (GET/PUT /v1/me/preferences): language, theme, time zone, display
// units and the alarm tone. Kept by the API so they follow the user from the control-room PC to a
// phone; the web app renders with them, and the same language tags word pages to contacts.
import { z } from 'zod';
import { isoDateTimeSchema, timeZoneSchema } from './ids.ts';
import { findUnit, type UnitQuantity, unitQuantities } from './units.ts';

/**
 * The languages Plantwatch speaks, as BCP 47 tags Intl formats dates and numbers for: British English,
 * Portuguese as written in Brazil, Spanish, Chinese in simplified script.
 */
export const languages = ['en-GB', 'pt-BR', 'es', 'zh-CN'] as const;
export type Language = (typeof languages)[number];
export const DEFAULT_LANGUAGE: Language = 'en-GB';
export const languageSchema = z.enum(languages, {
  error: 'must be one of "en-GB", "pt-BR", "es", "zh-CN"',
});

export const themes = ['system', 'light', 'dark'] as const;
export type Theme = (typeof themes)[number];

/** A display unit per quantity (°F for temperature, L/s for flow); a quantity left out shows each tag's own unit. */
export const displayUnitsSchema = z
  .record(z.string(), z.string())
  .superRefine((units, ctx) => {
    for (const [quantity, unit] of Object.entries(units)) {
      if (!unitQuantities.includes(quantity as UnitQuantity)) {
        ctx.addIssue({
          code: 'custom',
          path: [quantity],
          message: `is not a quantity; use one of ${unitQuantities.join(', ')}`,
        });
      } else if (findUnit(unit)?.quantity !== quantity) {
        ctx.addIssue({ code: 'custom', path: [quantity], message: `"${unit}" is not a unit of ${quantity}` });
      }
    }
  })
  .transform(
    (units) =>
      Object.fromEntries(
        Object.entries(units).map(([quantity, unit]) => [quantity, findUnit(unit)?.symbol ?? unit]),
      ) as Partial<Record<UnitQuantity, string>>,
  );
export type DisplayUnits = z.infer<typeof displayUnitsSchema>;

/**
 * PUT replaces the whole set; a field left out takes its default. `language` and `timeZone` null:
 * follow the browser (its Accept-Language, its clock).
 */
export const userPreferencesInputSchema = z
  .strictObject({
    language: languageSchema.nullable().default(null),
    theme: z.enum(themes, { error: 'must be "system", "light" or "dark"' }).default('system'),
    timeZone: timeZoneSchema.nullable().default(null),
    units: displayUnitsSchema.default({}),
    alarmSound: z.boolean({ error: 'must be true or false' }).default(true),
  })
  .meta({ id: 'UpdateUserPreferences' });
export type UserPreferencesInput = z.input<typeof userPreferencesInputSchema>;

export const userPreferencesSchema = z
  .object({
    language: languageSchema.nullable(),
    theme: z.enum(themes),
    timeZone: z.string().nullable(),
    units: z.record(z.string(), z.string()),
    alarmSound: z.boolean(),
    /** null: never saved (every field is its default). */
    updatedAt: isoDateTimeSchema.nullable(),
  })
  .meta({ id: 'UserPreferences' });
export type UserPreferences = z.infer<typeof userPreferencesSchema>;
