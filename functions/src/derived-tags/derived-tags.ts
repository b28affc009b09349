// Derived tags (issue 17, ADR 0039): created, changed, listed, previewed and removed by people. Every
// formula is parsed and its references resolved against the site when it is saved, so ingest only
// ever runs formulas that parse, name tags that exist, and form no cycle.
import {
  ConflictError,
  type CreateDerivedTag,
  compileFormula,
  DERIVED_DEVICE_KEY,
  type DerivedTag,
  type DerivedTagInput,
  type DerivedTagPreview,
  derivedTagOrder,
  FormulaError,
  InvalidInputError,
  NotFoundError,
  type UpdateDerivedTag,
} from '@plantwatch/shared';
import type { PlantRepositories } from '../plant/ports.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import { canSeeSite, type Principal, requireRole } from '../platform/principal.ts';
import type { TagRef, TelemetryStore } from '../telemetry/ports.ts';
import type { PlanQuota } from '../usage/ports.ts';
import type { DerivedTagRecord, DerivedTagRepositories } from './ports.ts';

export type DerivedTagStoreRepositories = DerivedTagRepositories & Pick<PlantRepositories, 'tags' | 'sites'>;

export interface DerivedTagDeps {
  store: TenantStore<DerivedTagStoreRepositories>;
  ids: IdGenerator;
  /** The preview reads the inputs' newest values. */
  telemetry: Pick<TelemetryStore, 'latest'>;
  /** Told after a site's derived tags changed (ingest's copy of them); none: ingest reads them again within 10 s. */
  derivedTagChanges?: DerivedTagChangeListener | undefined;
  /** The plan's tag limit, which derived tags count toward (none: no limit, as self-hosted). */
  planQuota?: PlanQuota;
}

export interface DerivedTagChangeListener {
  derivedTagsChanged(site: { tenantId: string; siteId: string }): void;
}

const changed = (deps: Pick<DerivedTagDeps, 'derivedTagChanges'>, tenantId: string, siteId: string) =>
  deps.derivedTagChanges?.derivedTagsChanged({ tenantId, siteId });

/** The telemetry name of a derived tag's samples: its site stands where a gateway would. */
export const derivedTagRef = (tag: { siteId: string; key: string }): TagRef => ({
  gatewayId: tag.siteId,
  deviceKey: DERIVED_DEVICE_KEY,
  tagKey: tag.key,
});

function refusal(message: string, details?: Record<string, unknown>): InvalidInputError {
  return new InvalidInputError(`formula: ${message}`, { details: { field: 'formula', ...details } });
}

function compile(formula: string) {
  try {
    return compileFormula(formula);
  } catch (error) {
    if (error instanceof FormulaError) throw refusal(error.message);
    throw error;
  }
}

async function siteOr404(repos: DerivedTagStoreRepositories, principal: Principal, siteId: string) {
  const site = await repos.sites.get(siteId);
  if (!site || !canSeeSite(principal, site.id)) throw new NotFoundError('site not found');
  return site;
}

async function derivedTagOr404(repos: DerivedTagStoreRepositories, principal: Principal, id: string) {
  const tag = await repos.derivedTags.get(id);
  if (!tag || !canSeeSite(principal, tag.siteId)) throw new NotFoundError('derived tag not found');
  return tag;
}

/**
 * The formula's references resolved against the site: each `${device:tag}` to one of its tags, each
 * `${key}` to another of its derived tags; a reference to anything else (another site's tag, a tag
 * that does not exist) is refused naming it, and so is a cycle through the derived tags.
 */
async function resolveInputs(
  repos: DerivedTagStoreRepositories,
  siteId: string,
  key: string,
  formula: string,
): Promise<{ inputs: DerivedTagInput[]; siteDerived: DerivedTag[] }> {
  const compiled = compile(formula);
  const siteTags = await repos.tags.telemetryRefs({ siteId, scope: null });
  const siteDerived = await repos.derivedTags.list({ siteId, scope: null });
  const inputs = compiled.references.map((reference): DerivedTagInput => {
    if (reference.kind === 'derived') {
      if (reference.key === key) {
        throw refusal(`${reference.text} refers to this derived tag itself (a cycle: ${key} → ${key})`, {
          reference: reference.text,
          cycle: [key, key],
        });
      }
      const found = siteDerived.find((tag) => tag.key === reference.key);
      if (!found) {
        throw refusal(`${reference.text} is not a derived tag of this site`, { reference: reference.text });
      }
      return { reference: reference.text, kind: 'derived', id: found.id };
    }
    const found = siteTags.filter(
      (tag) => tag.deviceKey === reference.deviceKey && tag.tagKey === reference.tagKey,
    );
    if (found.length === 0) {
      throw refusal(`${reference.text} is not a tag of this site`, { reference: reference.text });
    }
    if (found.length > 1) {
      throw refusal(
        `${reference.text} is ambiguous: devices of ${found.length} gateways of this site have the key "${reference.deviceKey}"`,
        { reference: reference.text },
      );
    }
    return { reference: reference.text, kind: 'tag', id: (found[0] as { tagId: string }).tagId };
  });
  const keyOf = new Map(siteDerived.map((tag) => [tag.id, tag.key]));
  const graph = new Map<string, string[]>(
    siteDerived
      .filter((tag) => tag.key !== key)
      .map((tag) => [
        tag.key,
        tag.inputs.flatMap((input) => (input.kind === 'derived' ? [keyOf.get(input.id) ?? ''] : [])),
      ]),
  );
  graph.set(
    key,
    inputs.flatMap((input) => (input.kind === 'derived' ? [keyOf.get(input.id) ?? ''] : [])),
  );
  const order = derivedTagOrder(graph);
  if ('cycle' in order) {
    throw refusal(`the derived tags would form a cycle: ${order.cycle.join(' → ')}`, { cycle: order.cycle });
  }
  return { inputs, siteDerived };
}

export async function listDerivedTags(
  deps: Pick<DerivedTagDeps, 'store'>,
  principal: Principal,
  filter: { siteId?: string | undefined },
): Promise<DerivedTag[]> {
  return deps.store.inTenant(principal.tenantId, (repos) =>
    repos.derivedTags.list({ ...(filter.siteId ? { siteId: filter.siteId } : {}), scope: principal.siteIds }),
  );
}

export const getDerivedTag = (deps: Pick<DerivedTagDeps, 'store'>, principal: Principal, id: string) =>
  deps.store.inTenant(principal.tenantId, (repos) => derivedTagOr404(repos, principal, id));

export async function createDerivedTag(
  deps: DerivedTagDeps,
  principal: Principal,
  input: Omit<CreateDerivedTag, 'periodSeconds' | 'staleAfterSeconds'> &
    Partial<Pick<CreateDerivedTag, 'periodSeconds' | 'staleAfterSeconds'>>,
): Promise<DerivedTag> {
  requireRole(principal, 'engineer');
  await deps.planQuota?.ensureRoom(principal.tenantId, 'tags');
  const created = await deps.store.inTenant(principal.tenantId, async (repos) => {
    await siteOr404(repos, principal, input.siteId);
    const { inputs, siteDerived } = await resolveInputs(repos, input.siteId, input.key, input.formula);
    if (siteDerived.some((tag) => tag.key === input.key)) {
      throw new ConflictError(`the site already has a derived tag with the key "${input.key}"`);
    }
    const record: DerivedTagRecord = {
      id: deps.ids.newId(),
      ...input,
      inputs,
      periodSeconds: input.periodSeconds ?? null,
      staleAfterSeconds: input.staleAfterSeconds ?? null,
    };
    return repos.derivedTags.create(record);
  });
  changed(deps, principal.tenantId, created.siteId);
  return created;
}

export async function updateDerivedTag(
  deps: DerivedTagDeps,
  principal: Principal,
  id: string,
  patch: UpdateDerivedTag,
): Promise<DerivedTag> {
  requireRole(principal, 'engineer');
  const updated = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const existing = await derivedTagOr404(repos, principal, id);
    const formula = patch.formula ?? existing.formula;
    const inputs =
      patch.formula === undefined
        ? existing.inputs
        : (await resolveInputs(repos, existing.siteId, existing.key, formula)).inputs;
    const replaced = await repos.derivedTags.replace({
      id,
      siteId: existing.siteId,
      key: existing.key,
      name: patch.name ?? existing.name,
      description: patch.description ?? existing.description,
      formula,
      unit: patch.unit ?? existing.unit,
      inputs,
      periodSeconds: patch.periodSeconds === undefined ? existing.periodSeconds : patch.periodSeconds,
      staleAfterSeconds:
        patch.staleAfterSeconds === undefined ? existing.staleAfterSeconds : patch.staleAfterSeconds,
    });
    if (!replaced) throw new NotFoundError('derived tag not found');
    return replaced;
  });
  changed(deps, principal.tenantId, updated.siteId);
  return updated;
}

export async function deleteDerivedTag(
  deps: Pick<DerivedTagDeps, 'store' | 'derivedTagChanges'>,
  principal: Principal,
  id: string,
): Promise<void> {
  requireRole(principal, 'engineer');
  const siteId = await deps.store.inTenant(principal.tenantId, async (repos) => {
    const existing = await derivedTagOr404(repos, principal, id);
    const users = (await repos.derivedTags.list({ siteId: existing.siteId, scope: null })).filter((tag) =>
      tag.inputs.some((input) => input.kind === 'derived' && input.id === id),
    );
    if (users.length > 0) {
      throw new ConflictError(
        `derived tag ${existing.key} is used by ${users.map((tag) => tag.key).join(', ')}; change their formulas first`,
      );
    }
    await repos.derivedTags.remove(id);
    return existing.siteId;
  });
  changed(deps, principal.tenantId, siteId);
}

/** The formula tried on the inputs' newest stored values: what the editor shows while typing. */
export async function previewDerivedTag(
  deps: DerivedTagDeps,
  principal: Principal,
  input: { siteId: string; formula: string; key?: string | undefined },
): Promise<DerivedTagPreview> {
  const { inputs, refs } = await deps.store.inTenant(principal.tenantId, async (repos) => {
    await siteOr404(repos, principal, input.siteId);
    // A key no derived tag has: a new tag's preview may refer to every existing one.
    const key = input.key ?? '\u0000preview';
    const resolved = await resolveInputs(repos, input.siteId, key, input.formula);
    const tagIds = resolved.inputs.flatMap((entry) => (entry.kind === 'tag' ? [entry.id] : []));
    const tagRefs =
      tagIds.length === 0 ? [] : await repos.tags.telemetryRefs({ tagIds, scope: principal.siteIds });
    const refs = resolved.inputs.map((entry): TagRef | undefined => {
      if (entry.kind === 'derived') {
        const derived = resolved.siteDerived.find((tag) => tag.id === entry.id);
        return derived ? derivedTagRef(derived) : undefined;
      }
      const tag = tagRefs.find((ref) => ref.tagId === entry.id);
      return tag ? { gatewayId: tag.gatewayId, deviceKey: tag.deviceKey, tagKey: tag.tagKey } : undefined;
    });
    return { inputs: resolved.inputs, refs };
  });
  const present = refs.filter((ref): ref is TagRef => ref !== undefined);
  const latest = present.length === 0 ? [] : await deps.telemetry.latest(principal.tenantId, present);
  const sameRef = (a: TagRef, b: TagRef) =>
    a.gatewayId === b.gatewayId && a.deviceKey === b.deviceKey && a.tagKey === b.tagKey;
  const samples = refs.map((ref) => (ref ? latest.find((sample) => sameRef(sample.tagRef, ref)) : undefined));
  const result = compileFormula(input.formula).evaluate(samples);
  return {
    value: result.value,
    quality: result.quality,
    ...(result.quality === 'bad' ? { reason: result.reason } : {}),
    inputs: inputs.map((entry, index) => {
      const sample = samples[index];
      return {
        ...entry,
        value: sample?.value ?? null,
        quality: sample?.quality ?? null,
        ts: sample?.ts ?? null,
      };
    }),
  };
}
