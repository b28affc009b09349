// The periodic derived-tag runner as the local runtime composes it (composition root helper, compose.ts).
import {
  createPeriodicDerivedTagRunner,
  type PeriodicDerivedTagRunner,
} from '@plantwatch/functions/derived-tags/timer';

/**
 * How long the derived-tag timer keeps the tenants with periodic tags before looking them up again, for
 * changes the API did not make (ADR 0051 addendum); within the timer's two-minute catch-up.
 */
const PERIODIC_TENANTS_REFRESH_MS = 60_000;

/**
 * Its points are stored and alarmed like ingest's, and announced to the live streams the same way (the
 * caller passes the alarms wrapped so). The tenants with periodic tags are kept in memory: the API's
 * saves tell it at once (`forgetTenant`), anything else is found within a minute, so an install
 * without any reads nothing a second.
 */
export function localPeriodicDerivedTags(
  deps: Parameters<typeof createPeriodicDerivedTagRunner>[0],
): PeriodicDerivedTagRunner {
  return createPeriodicDerivedTagRunner(deps, { tenantsRefreshMs: PERIODIC_TENANTS_REFRESH_MS });
}
