// Series ids by tag, looked up for every point written (ADR 0055): one map per device under a
// device key, so a message's points cost one string key for their device and a short lookup each
// by tag key, instead of a four-part key built per point.
import type { TagRef } from '../../ports.ts';

const deviceKeyOf = (tenantId: string, ref: Pick<TagRef, 'gatewayId' | 'deviceKey'>) =>
  `${tenantId}\u0000${ref.gatewayId}\u0000${ref.deviceKey}`;

export function createSeriesIndex() {
  const byDevice = new Map<string, Map<string, number>>();
  // The device of the last lookup: the points of a message come device by device.
  let lastTenant: string | undefined;
  let lastGateway: string | undefined;
  let lastDevice: string | undefined;
  let lastTags: Map<string, number> | undefined;

  function tagsOf(tenantId: string, ref: Pick<TagRef, 'gatewayId' | 'deviceKey'>) {
    if (tenantId === lastTenant && ref.gatewayId === lastGateway && ref.deviceKey === lastDevice) {
      return lastTags;
    }
    const tags = byDevice.get(deviceKeyOf(tenantId, ref));
    if (tags) {
      lastTenant = tenantId;
      lastGateway = ref.gatewayId;
      lastDevice = ref.deviceKey;
      lastTags = tags;
    }
    return tags;
  }

  return {
    get(tenantId: string, ref: TagRef): number | undefined {
      return tagsOf(tenantId, ref)?.get(ref.tagKey);
    },
    set(tenantId: string, ref: TagRef, id: number): void {
      const key = deviceKeyOf(tenantId, ref);
      let tags = byDevice.get(key);
      if (!tags) {
        tags = new Map();
        byDevice.set(key, tags);
      }
      tags.set(ref.tagKey, id);
    },
  };
}
