// Values as the viewer wants to read them: each quantity in the unit they chose (°F instead of the
// tag's °C, L/s instead of m³/h), else in the tag's own unit as people write it.
import { convertUnit, findUnit, type UnitQuantity, unitQuantities, unitSymbol } from '@plantwatch/shared';
import { z } from 'zod';

export type UnitPreferences = Partial<Record<UnitQuantity, string>>;

/** The cookie's JSON, checked: unknown quantities or units are dropped, never trusted. */
export const unitPreferencesSchema = z
  .record(z.string(), z.string())
  .transform(
    (raw) =>
      Object.fromEntries(
        Object.entries(raw).filter(
          ([quantity, unit]) =>
            unitQuantities.includes(quantity as UnitQuantity) && findUnit(unit)?.quantity === quantity,
        ),
      ) as UnitPreferences,
  );

export function parseUnitPreferences(json: string | undefined): UnitPreferences {
  if (!json) return {};
  try {
    const parsed = unitPreferencesSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The unit a tag's values are shown in, and how to get there from the tag's own unit. */
export function displayUnit(
  tagUnit: string,
  preferences: UnitPreferences,
): { unit: string; convert: (value: number) => number } {
  const own = findUnit(tagUnit);
  const wanted = own ? preferences[own.quantity] : undefined;
  if (own && wanted && wanted !== own.symbol) {
    return { unit: wanted, convert: (value) => convertUnit(value, own.symbol, wanted) ?? value };
  }
  return { unit: unitSymbol(tagUnit), convert: (value) => value };
}

/** The quantities a person is offered a choice for on the units page, in this order. */
export const CHOOSABLE_QUANTITIES = [
  'temperature',
  'pressure',
  'volumeFlow',
  'volume',
  'length',
  'power',
  'energy',
] as const satisfies readonly UnitQuantity[];
