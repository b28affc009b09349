// How every telemetry adapter stores a value and a quality in typed columns, and reads them back.
import type { Quality, TelemetryValue } from '@plantwatch/shared';

export const VALUE_NUMBER = 0;
export const VALUE_BOOLEAN = 1;
export const VALUE_TEXT = 2;
export type ValueKind = typeof VALUE_NUMBER | typeof VALUE_BOOLEAN | typeof VALUE_TEXT;

export const qualityCodes = { good: 0, bad: 1, uncertain: 2 } as const satisfies Record<Quality, number>;
const qualityByCode: readonly Quality[] = ['good', 'bad', 'uncertain'];

/** A value as (kind, num, txt): numbers and booleans (0/1) in `num`, text in `txt`. */
export function encodeValue(value: TelemetryValue): {
  kind: ValueKind;
  num: number | null;
  txt: string | null;
} {
  if (typeof value === 'number') return { kind: VALUE_NUMBER, num: value, txt: null };
  if (typeof value === 'boolean') return { kind: VALUE_BOOLEAN, num: value ? 1 : 0, txt: null };
  return { kind: VALUE_TEXT, num: null, txt: value };
}

export function decodeValue(kind: unknown, num: unknown, txt: unknown): TelemetryValue | null {
  if (kind === null || kind === undefined) return null;
  const code = Number(kind);
  if (code === VALUE_NUMBER) return num === null ? null : Number(num);
  if (code === VALUE_BOOLEAN) return Number(num) !== 0;
  return txt === null ? null : String(txt);
}

export function decodeQuality(code: unknown): Quality {
  const quality = qualityByCode[Number(code)];
  if (!quality) throw new Error(`unknown quality code ${String(code)}`);
  return quality;
}

/** A number read from a driver that may hand out bigint or string for 64-bit columns. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return Number(value);
}

/** Runs async work one at a time, in call order: writes must not interleave their dedupe checks. */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}
