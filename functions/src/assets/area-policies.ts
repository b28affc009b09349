// Escalation by area (ADR 0042): an escalation policy attached to an asset pages for every alarm under
// it (the nearest such asset wins); without one, each rule's own policy pages, as before.
import {
  type AreaEscalationPolicy,
  InvalidInputError,
  type SetAreaEscalationPolicy,
} from '@plantwatch/shared';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { type Principal, requireRole } from '../platform/principal.ts';
import type { AreaRepositories } from './area-ports.ts';
import { type AssetStoreRepositories, assetOr404 } from './assets.ts';

export interface AreaPolicyDeps {
  store: TenantStore<AssetStoreRepositories & AreaRepositories>;
}

async function describe(
  repos: AssetStoreRepositories & AreaRepositories,
  assetId: string,
): Promise<AreaEscalationPolicy> {
  const attached = await repos.areas.policies();
  const byAsset = new Map(attached.map((row) => [row.assetId, row.escalationPolicyId]));
  let effective: AreaEscalationPolicy['effective'] = null;
  for (let id: string | null = assetId, hops = 0; id !== null && hops < 100; hops++) {
    const policyId = byAsset.get(id);
    if (policyId) {
      effective = { escalationPolicyId: policyId, fromAssetId: id };
      break;
    }
    id = (await repos.assets.get(id))?.parentId ?? null;
  }
  return { assetId, escalationPolicyId: byAsset.get(assetId) ?? null, effective };
}

export const getAreaEscalationPolicy = (deps: AreaPolicyDeps, principal: Principal, assetId: string) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    const asset = await assetOr404(repos, principal, assetId);
    return describe(repos, asset.id);
  });

export const setAreaEscalationPolicy = (
  deps: AreaPolicyDeps,
  principal: Principal,
  assetId: string,
  input: SetAreaEscalationPolicy,
) =>
  deps.store.inTenant(principal.tenantId, async (repos) => {
    requireRole(principal, 'engineer');
    const asset = await assetOr404(repos, principal, assetId);
    if (input.escalationPolicyId !== null) {
      // locked against deletion until the transaction ends (as a rule naming a policy is)
      const [found] = await repos.escalationPolicies.lockExisting([input.escalationPolicyId]);
      if (!found)
        throw new InvalidInputError('escalationPolicyId: no escalation policy with this id', {
          details: { field: 'escalationPolicyId' },
        });
    }
    await repos.areas.setPolicy(asset.id, input.escalationPolicyId);
    return describe(repos, asset.id);
  });
