// Contacts, on-call rotations and escalation policies (issue #5): the config store's repositories for this area, merged into TenantRepositories so a
// use-case reaches them through `configStore.inTenant(tenantId, (repos) => …)` like the rest.
// Replace this placeholder with an interface listing the repositories, e.g. `{ contacts: {...} }`.
export type PeopleRepositories = Record<never, never>;
