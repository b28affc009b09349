// Escalation runs: which chain runs for which alarm event, and how far it got (issue #5): the config store's repositories for this area, merged into TenantRepositories so a
// use-case reaches them through `configStore.inTenant(tenantId, (repos) => …)` like the rest.
// Replace this placeholder with an interface listing the repositories, e.g. `{ escalations: {...} }`.
export type EscalationRepositories = Record<never, never>;
