// Many tags of one device at once: bulk create/change/delete, CSV import and export. Each request is
// one transaction and one config version, all or nothing, and every problem names its place
// (`create[3].address.bit`, row 7 `type`).

import { isDeepStrictEqual } from 'node:util';
import {
  type BulkTagChanges,
  InvalidInputError,
  type NewTag,
  NotFoundError,
  type Tag,
  type tagImportModes,
} from '@plantwatch/shared';
import type { Principal } from '../platform/principal.ts';
import { changeGatewayVersioned } from './config-versions.ts';
import { checkAddressFits, deviceOr404, type PlantDeps } from './plant.ts';
import type { PlantRepositories } from './ports.ts';
import { tagsFromCsv, tagsToCsv } from './tag-csv.ts';

type Stored = Awaited<ReturnType<PlantRepositories['devices']['get']>> & {};

/** Deletes, then changes, then creates (a key freed by a delete may be taken by a create). */
export async function applyTagChanges(
  repos: PlantRepositories,
  newId: () => string,
  device: Stored,
  changes: BulkTagChanges,
): Promise<{ created: Tag[]; updated: Tag[]; deleted: string[] }> {
  const existing = await repos.tags.list({ deviceId: device.id, scope: null });
  const byId = new Map(existing.map((tag) => [tag.id, tag]));
  const problems: { path: string; message: string }[] = [];
  const own = (id: string, path: string) => {
    if (!byId.has(id)) problems.push({ path, message: 'is not a tag of this device' });
  };
  for (const [i, id] of changes.delete.entries()) own(id, `delete[${i}]`);
  for (const [i, u] of changes.update.entries()) own(u.id, `update[${i}].id`);
  const fits = (address: NewTag['address'], path: string) => {
    try {
      checkAddressFits(device.connection.protocol, address, path);
    } catch (error) {
      problems.push({ path, message: (error as Error).message.replace(`${path}: `, '') });
    }
  };
  for (const [i, u] of changes.update.entries()) {
    if (u.patch.address) fits(u.patch.address, `update[${i}].patch.address`);
  }
  for (const [i, t] of changes.create.entries()) fits(t.address, `create[${i}].address`);
  const deleted = new Set(changes.delete);
  const taken = new Map(existing.filter((t) => !deleted.has(t.id)).map((t) => [t.key, 'an existing tag']));
  changes.create.forEach((t, i) => {
    const holder = taken.get(t.key);
    if (holder)
      problems.push({ path: `create[${i}].key`, message: `"${t.key}" is already used by ${holder}` });
    taken.set(t.key, `create[${i}]`);
  });
  if (problems.length > 0) {
    throw new InvalidInputError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), {
      details: problems,
    });
  }
  for (const id of changes.delete) await repos.tags.remove(id);
  const updated: Tag[] = [];
  for (const { id, patch } of changes.update) {
    const tag = await repos.tags.update(id, patch);
    if (!tag) throw new NotFoundError('tag not found');
    updated.push(tag);
  }
  const created: Tag[] = [];
  for (const tag of changes.create)
    created.push(await repos.tags.create({ id: newId(), deviceId: device.id, ...tag }));
  return { created, updated, deleted: changes.delete };
}

function summary(device: Stored, counts: { created: number; updated: number; deleted: number }, how: string) {
  const parts = [
    counts.created ? `${counts.created} added` : '',
    counts.updated ? `${counts.updated} changed` : '',
    counts.deleted ? `${counts.deleted} deleted` : '',
  ].filter(Boolean);
  return `device ${device.key}: tags ${parts.join(', ') || 'unchanged'} (${how})`;
}

/** The plan's tag limit, checked before a change that adds tags (as createTag does). */
export async function ensureTagRoom(deps: PlantDeps, principal: Principal, adding: number): Promise<void> {
  if (adding > 0) await deps.planQuota?.ensureRoom(principal.tenantId, 'tags', adding);
}

export async function bulkChangeTags(
  deps: PlantDeps,
  principal: Principal,
  deviceId: string,
  changes: BulkTagChanges,
) {
  await ensureTagRoom(deps, principal, changes.create.length - changes.delete.length);
  const { result, version } = await changeGatewayVersioned(deps, principal, async (repos) => {
    const device = await deviceOr404(repos, principal, deviceId);
    const done = await applyTagChanges(repos, () => deps.ids.newId(), device, changes);
    const counts = {
      created: done.created.length,
      updated: done.updated.length,
      deleted: done.deleted.length,
    };
    return { gatewayId: device.gatewayId, change: summary(device, counts, 'bulk edit'), result: done };
  });
  return { ...result, configVersion: version };
}

const sameTag = (tag: Tag, wanted: NewTag) =>
  tag.name === wanted.name &&
  tag.description === wanted.description &&
  tag.unit === wanted.unit &&
  tag.scale === wanted.scale &&
  tag.offset === wanted.offset &&
  tag.deadband === wanted.deadband &&
  // jsonb keeps keys in its own order, and a parsed address may carry undefined fields.
  isDeepStrictEqual(JSON.parse(JSON.stringify(tag.address)), JSON.parse(JSON.stringify(wanted.address)));

/** What it takes to make the device's tags `wanted`: merge keeps tags not in the list, replace deletes them. */
export function planTagList(
  existing: readonly Tag[],
  wanted: readonly NewTag[],
  mode: (typeof tagImportModes)[number],
): {
  changes: BulkTagChanges;
  unchanged: string[];
  keys: { created: string[]; updated: string[]; deleted: string[] };
} {
  const byKey = new Map(existing.map((tag) => [tag.key, tag]));
  const wantedKeys = new Set(wanted.map((tag) => tag.key));
  const changes: BulkTagChanges = { create: [], update: [], delete: [] };
  const keys = { created: [] as string[], updated: [] as string[], deleted: [] as string[] };
  const unchanged: string[] = [];
  for (const tag of wanted) {
    const current = byKey.get(tag.key);
    if (!current) {
      changes.create.push(tag);
      keys.created.push(tag.key);
    } else if (sameTag(current, tag)) unchanged.push(tag.key);
    else {
      const { key: _key, ...patch } = tag;
      changes.update.push({ id: current.id, patch });
      keys.updated.push(tag.key);
    }
  }
  if (mode === 'replace') {
    for (const tag of existing) {
      if (wantedKeys.has(tag.key)) continue;
      changes.delete.push(tag.id);
      keys.deleted.push(tag.key);
    }
  }
  return { changes, unchanged, keys };
}

const nothingToDo = (c: BulkTagChanges) => c.create.length + c.update.length + c.delete.length === 0;

/** The CSV's tags made the device's: a dry run only says what would change. */
export async function importTagsCsv(
  deps: PlantDeps,
  principal: Principal,
  deviceId: string,
  input: { csv: string; mode: (typeof tagImportModes)[number]; dryRun: boolean },
) {
  const plan = async (repos: PlantRepositories) => {
    const device = await deviceOr404(repos, principal, deviceId);
    const read = tagsFromCsv(input.csv, device.connection.protocol);
    if (!read.ok) {
      throw new InvalidInputError(
        `the CSV has ${read.errors.length} problem(s); the first: row ${read.errors[0]?.row} ${read.errors[0]?.field}: ${read.errors[0]?.message}`,
        { details: read.errors },
      );
    }
    const existing = await repos.tags.list({ deviceId, scope: null });
    return { device, ...planTagList(existing, read.tags, input.mode) };
  };
  const outcome = (p: Awaited<ReturnType<typeof plan>>, configVersion: number | null) => ({
    dryRun: input.dryRun,
    ...p.keys,
    unchanged: p.unchanged,
    configVersion,
  });
  if (input.dryRun) return outcome(await deps.store.inTenant(principal.tenantId, plan), null);
  const planned = await deps.store.inTenant(principal.tenantId, plan);
  if (nothingToDo(planned.changes)) return outcome(planned, null);
  await ensureTagRoom(deps, principal, planned.keys.created.length - planned.keys.deleted.length);
  const { result, version } = await changeGatewayVersioned(deps, principal, async (repos) => {
    // Planned again inside the change's transaction, so the diff is against what is committed now.
    const p = await plan(repos);
    await applyTagChanges(repos, () => deps.ids.newId(), p.device, p.changes);
    const counts = {
      created: p.keys.created.length,
      updated: p.keys.updated.length,
      deleted: p.keys.deleted.length,
    };
    return {
      gatewayId: p.device.gatewayId,
      change: summary(p.device, counts, `CSV import, ${input.mode}`),
      result: p,
    };
  });
  return outcome(result, version);
}

/** The device's tags as a CSV file, bits included. */
export async function exportTagsCsv(deps: PlantDeps, principal: Principal, deviceId: string) {
  const { device, tags } = await deps.store.inTenant(principal.tenantId, async (repos) => ({
    device: await deviceOr404(repos, principal, deviceId),
    tags: await repos.tags.list({ deviceId, scope: null }),
  }));
  const text = tagsToCsv(tags);
  return {
    fileName: `${device.key}-tags.csv`,
    chunks: (async function* () {
      yield text;
    })(),
  };
}
