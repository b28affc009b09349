// Timer-based derived tags (ADR 0051), the pure part: which period boundaries fall in a window, an
// input's value at a boundary (sample and hold), and a site's periodic samples over a window.
import { evaluateAt, type RunnableDerivedTag, type Sample } from './calculator.ts';

/** A run computes at most this many boundaries of one tag (an hour of a 1 s period); older ones are skipped. */
export const MAX_BOUNDARIES_PER_RUN = 3_600;

/**
 * The multiples of `periodMs` since the epoch in (from, to], oldest first: a 60 s period falls on each
 * whole UTC minute, 3600 s on each whole hour. After a long pause only the newest `max` are returned.
 */
export function periodBoundaries(
  periodMs: number,
  from: number,
  to: number,
  max = MAX_BOUNDARIES_PER_RUN,
): number[] {
  if (!(periodMs > 0) || to <= from || max <= 0) return [];
  const first = Math.floor(from / periodMs) * periodMs + periodMs;
  const last = Math.floor(to / periodMs) * periodMs;
  if (last < first) return [];
  const count = (last - first) / periodMs + 1;
  const start = count > max ? last - (max - 1) * periodMs : first;
  const boundaries: number[] = [];
  for (let at = start; at <= last; at += periodMs) boundaries.push(at);
  return boundaries;
}

/** An input's samples as the timer read them, oldest first: its value at t is the newest at or before t. */
export type Timeline = readonly Sample[];

/** Sample and hold: the newest sample of the timeline at or before `at`; none when it starts later. */
export function valueAt(timeline: Timeline, at: number): Sample | undefined {
  let low = 0;
  let high = timeline.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((timeline[middle] as Sample).ts <= at) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? undefined : timeline[low - 1];
}

/**
 * The periodic tags of a site and their boundaries in (from, to], none before a tag was created (a
 * process's first run looks back, and would otherwise fill a new tag's past); tags with none are left out.
 */
export function dueBoundaries(
  ordered: readonly RunnableDerivedTag[],
  from: number,
  to: number,
): Map<string, number[]> {
  const due = new Map<string, number[]>();
  for (const tag of ordered) {
    if (tag.periodMs === null) continue;
    const boundaries = periodBoundaries(tag.periodMs, Math.max(from, tag.createdAt - 1), to);
    if (boundaries.length > 0) due.set(tag.id, boundaries);
  }
  return due;
}

/**
 * Each due tag, in evaluation order, at each of its boundaries, from its inputs' values then (sample
 * and hold; an input not heard from for longer than the tag's staleAfter counts as uncertain). A tag's
 * new samples join its timeline, so a periodic tag that reads another sees this run's values.
 */
export function computePeriodicSamples(
  ordered: readonly RunnableDerivedTag[],
  due: ReadonlyMap<string, readonly number[]>,
  timelines: ReadonlyMap<string, Timeline>,
): Map<string, Sample[]> {
  const known = new Map<string, Timeline>(timelines);
  const results = new Map<string, Sample[]>();
  for (const tag of ordered) {
    const boundaries = due.get(tag.id);
    if (!boundaries) continue;
    const inputTimelines = tag.inputs.map((input) => known.get(input.id) ?? []);
    const out = boundaries.map((at) =>
      evaluateAt(
        tag,
        inputTimelines.map((timeline) => valueAt(timeline, at)),
        at,
      ),
    );
    results.set(tag.id, out);
    // Stable: at an equal time the value just computed comes after (and so wins over) a stored one.
    known.set(
      tag.id,
      [...(known.get(tag.id) ?? []), ...out].sort((a, b) => a.ts - b.ts),
    );
  }
  return results;
}
