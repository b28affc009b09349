// Report definitions and runs (issue #7): the config store's repositories for this area, merged into TenantRepositories so a
// use-case reaches them through `configStore.inTenant(tenantId, (repos) => …)` like the rest.
// Replace this placeholder with an interface listing the repositories, e.g. `{ contacts: {...} }`.
export type ReportRepositories = Record<never, never>;
