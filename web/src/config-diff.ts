// What changed between two config versions a gateway was sent: devices and tags added, removed or
// changed (field by field, old and new value), and the buffer policy. Pure, so the page and its test
// share it; devices and tags are matched by the ids the gateway knows them by (their keys).
import type { PushedConfig } from '@plantwatch/shared';

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface TagDiff {
  key: string;
  change: 'added' | 'removed' | 'changed';
  fields: FieldChange[];
}

export interface DeviceDiff {
  key: string;
  change: 'added' | 'removed' | 'changed';
  /** The device's own settings (not its tags). */
  fields: FieldChange[];
  tags: TagDiff[];
}

export interface ConfigDiff {
  devices: DeviceDiff[];
  buffer: FieldChange[];
  /** Nothing differs. */
  same: boolean;
}

type Flat = Record<string, unknown>;

const shown = (value: unknown): string =>
  value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** Every field present in either, in a stable order, with its two values where they differ. */
function fieldChanges(before: Flat | undefined, after: Flat | undefined): FieldChange[] {
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].sort();
  return fields.flatMap((field) => {
    const a = before?.[field];
    const b = after?.[field];
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ field, before: shown(a), after: shown(b) }];
  });
}

function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((item) => [item.id, item]));
}

/** Keys of both maps: those of `before` in their order, then the ones only `after` has. */
function unionKeys(before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  return [...before.keys(), ...[...after.keys()].filter((key) => !before.has(key))];
}

function tagDiffs(before: readonly { id: string }[], after: readonly { id: string }[]): TagDiff[] {
  const a = byId(before);
  const b = byId(after);
  return unionKeys(a, b).flatMap((key): TagDiff[] => {
    const { id: _idA, ...old } = (a.get(key) ?? {}) as Flat;
    const { id: _idB, ...now } = (b.get(key) ?? {}) as Flat;
    if (!a.has(key)) return [{ key, change: 'added', fields: fieldChanges(undefined, now) }];
    if (!b.has(key)) return [{ key, change: 'removed', fields: [] }];
    const fields = fieldChanges(old, now);
    return fields.length ? [{ key, change: 'changed', fields }] : [];
  });
}

export function diffConfigs(before: PushedConfig, after: PushedConfig): ConfigDiff {
  const a = byId(before.devices);
  const b = byId(after.devices);
  const devices = unionKeys(a, b).flatMap((key): DeviceDiff[] => {
    const old = a.get(key);
    const now = b.get(key);
    const { id: _idA, tags: oldTags = [], ...oldFields } = (old ?? {}) as Flat & { tags?: { id: string }[] };
    const { id: _idB, tags: newTags = [], ...newFields } = (now ?? {}) as Flat & { tags?: { id: string }[] };
    if (!old) {
      return [
        { key, change: 'added', fields: fieldChanges(undefined, newFields), tags: tagDiffs([], newTags) },
      ];
    }
    if (!now) return [{ key, change: 'removed', fields: [], tags: tagDiffs(oldTags, []) }];
    const fields = fieldChanges(oldFields, newFields);
    const tags = tagDiffs(oldTags, newTags);
    return fields.length || tags.length ? [{ key, change: 'changed', fields, tags }] : [];
  });
  const buffer = fieldChanges(before.buffer, after.buffer);
  return { devices, buffer, same: devices.length === 0 && buffer.length === 0 };
}
