// Changing a home layout one pin at a time (ADR 0019): the pin buttons add or remove a single tag or
// chart, and the whole list is written back.
import type { HomePin } from '@plantwatch/shared';

/** A tag pin is its tag; a chart pin is its set of tags (in any order) and its range. */
export const samePin = (a: HomePin, b: HomePin): boolean =>
  a.kind === 'tag'
    ? b.kind === 'tag' && a.tagId === b.tagId
    : b.kind === 'chart' &&
      a.range === b.range &&
      a.tagIds.length === b.tagIds.length &&
      a.tagIds.every((id) => b.tagIds.includes(id));

/** The pins with `pin` added at the end (`on`) or taken out; pinning twice keeps one. */
export const withPin = (pins: readonly HomePin[], pin: HomePin, on: boolean): HomePin[] => {
  const others = pins.filter((p) => !samePin(p, pin));
  return on ? [...others, pin] : others;
};
