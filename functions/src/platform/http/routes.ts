// The route table: every capability's routes in one list, which the router, the OpenAPI document and
// the tenant-isolation test all read, and the ports they need together (what composition provides).
import { z } from 'zod';
import type { AccountDeps } from '../../accounts/accounts.ts';
import type { AccountLookups } from '../../accounts/ports.ts';
import { accountRoutes } from '../../accounts/routes.ts';
import { accountSecurityRoutes } from '../../accounts/routes-security.ts';
import { type TenantRouteDeps, tenantRoutes } from '../../accounts/routes-tenant.ts';
import type { UserDeps } from '../../accounts/users.ts';
import type { AlarmDeps } from '../../alarms/alarms.ts';
import type { BacktestDeps } from '../../alarms/backtest.ts';
import type { AlarmCurveDeps } from '../../alarms/curves.ts';
import type { AlarmKpiDeps } from '../../alarms/kpis.ts';
import { alarmRoutes } from '../../alarms/routes.ts';
import { alarmBacktestRoutes } from '../../alarms/routes-backtest.ts';
import { alarmCurveRoutes } from '../../alarms/routes-curves.ts';
import { alarmKpiRoutes } from '../../alarms/routes-kpis.ts';
import type { AreaPolicyDeps } from '../../assets/area-policies.ts';
import type { AssetDeps } from '../../assets/assets.ts';
import { assetRoutes } from '../../assets/routes.ts';
import { areaRoutes } from '../../assets/routes-areas.ts';
import { canaryRoutes } from '../../canary/routes.ts';
import type { CanaryDeps } from '../../canary/settings.ts';
import type { DerivedTagDeps } from '../../derived-tags/derived-tags.ts';
import { derivedTagRoutes } from '../../derived-tags/routes.ts';
import type { EscalationHistoryDeps } from '../../escalation/history.ts';
import { escalationRoutes } from '../../escalation/routes.ts';
import type { GatewayCommandDeps } from '../../gateway-commands/commands.ts';
import { gatewayCommandRoutes } from '../../gateway-commands/routes.ts';
import type { GatewayHealthDeps } from '../../gateway-health/health.ts';
import { gatewayHealthRoutes } from '../../gateway-health/routes.ts';
import type { DeviceKeyDeps } from '../../http-ingest/device-keys.ts';
import type { HttpIngestDeps } from '../../http-ingest/push.ts';
import { deviceKeyRoutes, httpIngestRoute } from '../../http-ingest/routes.ts';
import type { LayoutDeps } from '../../layout/layout.ts';
import type { PreferencesDeps } from '../../layout/preferences.ts';
import { meRoutes, preferencesRoutes } from '../../layout/routes.ts';
import type { NotifyUseCaseDeps } from '../../notify/notify.ts';
import { notifyRoutes } from '../../notify/routes.ts';
import type { ContactTestDeps } from '../../people/contact-test.ts';
import type { PeopleDeps } from '../../people/people.ts';
import { peopleRoutes } from '../../people/routes.ts';
import type { PlantDeps } from '../../plant/plant.ts';
import type { ProvisioningDeps } from '../../plant/provisioning.ts';
import { plantRoutes } from '../../plant/routes.ts';
import type { ReportUseCaseDeps } from '../../reports/definitions.ts';
import type { LogoDeps } from '../../reports/logo.ts';
import { reportRoutes } from '../../reports/routes.ts';
import { logoRoutes } from '../../reports/routes-logo.ts';
import type { RetentionDeps } from '../../retention/retention.ts';
import { retentionRoutes } from '../../retention/routes.ts';
import { liveRoutes, type SiteLiveDeps } from '../../telemetry/live-stream.ts';
import { telemetryRoutes } from '../../telemetry/routes.ts';
import type { TelemetryDeps } from '../../telemetry/telemetry.ts';
import { usageRoutes } from '../../usage/routes.ts';
import type { UsageDeps } from '../../usage/usage.ts';
import type { Clock } from '../clock.ts';
import type { TenantStore } from '../database/tenant-store.ts';
import { type HealthCheck, runHealthChecks } from '../health.ts';
import { json } from './http.ts';
import { type InboundLimitDeps, limitInbound } from './inbound-limits.ts';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi.ts';
import { type Route, routesOn } from './route.ts';

export const API_VERSION = '0.1.0';

type RouteDeps =
  | SystemRouteDeps
  | AccountDeps
  | UserDeps
  | UsageDeps
  | InboundLimitDeps
  | TenantRouteDeps
  | PlantDeps
  | GatewayCommandDeps
  | GatewayHealthDeps
  | RetentionDeps
  | ProvisioningDeps
  | TelemetryDeps
  | DerivedTagDeps
  | BacktestDeps
  | AlarmCurveDeps
  | AlarmKpiDeps
  | SiteLiveDeps
  | AlarmDeps
  | AssetDeps
  | AreaPolicyDeps
  | EscalationHistoryDeps
  | ReportUseCaseDeps
  | LogoDeps
  | NotifyUseCaseDeps
  | PeopleDeps
  | ContactTestDeps
  | CanaryDeps
  | LayoutDeps
  | PreferencesDeps
  | DeviceKeyDeps
  | HttpIngestDeps;

type Intersection<U> = (U extends unknown ? (all: U) => void : never) extends (all: infer I) => void
  ? I
  : never;
type RepositoriesOf<D> = D extends { store: TenantStore<infer R> } ? R : never;

/**
 * Every port the API's routes run on: each composition root builds one of these, once. The store is
 * one that reaches every repository any route's use-cases name (and the account lookups login needs).
 */
export type ApiDeps = Omit<Intersection<RouteDeps>, 'store'> & {
  store: TenantStore<Intersection<RepositoriesOf<RouteDeps>>> & AccountLookups;
};

/** What the system routes need: a clock, and the checks the health route runs. */
export interface SystemRouteDeps {
  clock: Clock;
  healthChecks: readonly HealthCheck[];
}

const { defineRoute } = routesOn<SystemRouteDeps>();

const healthStatusSchema = z.enum(['ok', 'degraded', 'down']);

export const healthSchema = z
  .object({
    status: healthStatusSchema,
    time: z.string(),
    checks: z.array(
      z.object({
        name: z.string(),
        status: healthStatusSchema,
        detail: z.string(),
        required: z.boolean().optional(),
      }),
    ),
  })
  .meta({ id: 'Health' });

// Built by hand rather than with defineRoute: its answer is the same body with 200 or 503, and a load
// balancer or container probe reads the status alone.
const healthRoute: Route<SystemRouteDeps> = {
  operationId: 'getHealth',
  method: 'GET',
  path: '/v1/health',
  summary:
    'Each component and what was checked: ok, degraded, or down (503 when a required component is down); needs no credentials',
  tag: 'system',
  access: 'public',
  response: healthSchema,
  status: 200,
  execute: async (_event, deps) => {
    const report = await runHealthChecks(deps.healthChecks);
    const body = healthSchema.parse({ ...report, time: deps.clock.now().toISOString() });
    return json(report.status === 'down' ? 503 : 200, body);
  },
};

let document: OpenApiDocument | undefined;

const openApiRoute = defineRoute({
  operationId: 'getOpenApiDocument',
  method: 'GET',
  path: '/v1/openapi.json',
  summary: 'This API as an OpenAPI 3.1 document',
  tag: 'system',
  access: 'public',
  response: z.record(z.string(), z.unknown()),
  status: 200,
  handle: async () => {
    document ??= buildOpenApiDocument(apiRoutes, API_VERSION);
    return { ...document };
  },
});

/** Every route of the API, in the order of the OpenAPI document. */
export const apiRoutes: readonly Route<ApiDeps>[] = [
  healthRoute,
  openApiRoute,
  ...accountRoutes,
  ...accountSecurityRoutes,
  ...tenantRoutes,
  ...usageRoutes,
  ...retentionRoutes,
  ...plantRoutes,
  ...gatewayHealthRoutes,
  ...gatewayCommandRoutes,
  ...deviceKeyRoutes,
  ...telemetryRoutes,
  ...derivedTagRoutes,
  httpIngestRoute,
  ...liveRoutes,
  ...alarmBacktestRoutes,
  ...alarmCurveRoutes,
  ...alarmKpiRoutes,
  ...alarmRoutes,
  ...assetRoutes,
  ...areaRoutes,
  ...escalationRoutes,
  ...reportRoutes,
  ...logoRoutes,
  // webhooks and acknowledgement links: rate-limited by client address and by tenant
  ...notifyRoutes.map(limitInbound),
  ...canaryRoutes,
  ...peopleRoutes,
  ...meRoutes,
  ...preferencesRoutes,
];
