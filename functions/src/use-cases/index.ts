export * as accounts from './accounts.ts';
export * as alarms from './alarms.ts';
export type { ApiDeps } from './deps.ts';
export * as plant from './plant.ts';
export type { Principal } from './principal.ts';
export * as provisioning from './provisioning.ts';
export * as telemetry from './telemetry.ts';
export * as users from './users.ts';
