// The config store as composition builds it: every capability's PostgreSQL repositories in one tenant
// transaction (row-level security), plus the few lookups that must cross tenants. Use-cases never see
// this whole set: each takes a TenantStore of the repositories it names.
import { accountLookups, accountRepositories } from '../accounts/adapters/postgres/accounts-repos.ts';
import type { AccountLookups, AccountRepositories } from '../accounts/ports.ts';
import { alarmKpiRepositories } from '../alarms/adapters/postgres/alarm-kpi-repo.ts';
import { alarmLookups, alarmRepositories } from '../alarms/adapters/postgres/alarm-repos.ts';
import { alarmCurveRepositories } from '../alarms/adapters/postgres/curve-repos.ts';
import type { AlarmCurveRepositories } from '../alarms/curve-ports.ts';
import type { AlarmKpiRepositories } from '../alarms/kpi-ports.ts';
import type { AlarmLookups, AlarmRepositories, AssetScopeRepositories } from '../alarms/ports.ts';
import { areaRepositories } from '../assets/adapters/postgres/area-repos.ts';
import { assetRepositories } from '../assets/adapters/postgres/asset-repos.ts';
import { assetPropagationRepositories } from '../assets/adapters/postgres/propagation-repos.ts';
import type { AreaRepositories } from '../assets/area-ports.ts';
import type {
  AssetPropagationRepositories,
  AssetRepositories,
  AssetUsageRepositories,
} from '../assets/ports.ts';
import { canaryLookups, canaryRepositories } from '../canary/adapters/postgres/canary-repos.ts';
import type { CanaryLookups, CanaryRepositories } from '../canary/ports.ts';
import {
  derivedTagRepositories,
  periodicDerivedTagLookups,
} from '../derived-tags/adapters/postgres/derived-tag-repos.ts';
import type { DerivedTagRepositories, PeriodicDerivedTagLookups } from '../derived-tags/ports.ts';
import { escalationRepositories } from '../escalation/adapters/postgres/escalation-repos.ts';
import type { EscalationRepositories } from '../escalation/ports.ts';
import { gatewayCommandRepositories } from '../gateway-commands/adapters/postgres/commands-repos.ts';
import type { GatewayCommandRepositories } from '../gateway-commands/ports.ts';
import { gatewayHealthRepositories } from '../gateway-health/adapters/postgres/health-repos.ts';
import type { GatewayHealthRepositories } from '../gateway-health/ports.ts';
import { deviceKeyRepositories } from '../http-ingest/adapters/postgres/device-keys-repos.ts';
import type { DeviceKeyRepositories } from '../http-ingest/ports.ts';
import { deadLetterRepositories } from '../ingest/adapters/postgres/dead-letter-repos.ts';
import type { DeadLetterRepositories } from '../ingest/ports.ts';
import { layoutRepositories } from '../layout/adapters/postgres/layout-repos.ts';
import type { LayoutRepositories } from '../layout/ports.ts';
import { notifyRepositories } from '../notify/adapters/postgres/notify-repos.ts';
import type { NotifyRepositories } from '../notify/repositories.ts';
import { peopleRepositories } from '../people/adapters/postgres/people-repos.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import { configPublishLookups, configVersionRepositories } from '../plant/adapters/postgres/config-repos.ts';
import { plantLookups, plantRepositories } from '../plant/adapters/postgres/plant-repos.ts';
import type {
  ConfigPublishLookups,
  ConfigVersionRepositories,
  DeviceTemplateRepositories,
  PlantLookups,
  PlantRepositories,
} from '../plant/ports.ts';
import type { ConfigDb } from '../platform/database/database.ts';
import { type TenantStore, tenantTransactions } from '../platform/database/tenant-store.ts';
import { reportAssetUsageRepositories } from '../reports/adapters/postgres/asset-usage-repos.ts';
import { logoRepositories } from '../reports/adapters/postgres/logo-repos.ts';
import { reportsRepositories } from '../reports/adapters/postgres/reports-repos.ts';
import type { LogoRepositories } from '../reports/logo-store.ts';
import type { ReportRepositories } from '../reports/ports.ts';
import { retentionRepositories } from '../retention/adapters/postgres/retention-repos.ts';
import type { RetentionRepositories } from '../retention/ports.ts';
import type { AssetSubtreeRepositories } from '../telemetry/ports.ts';
import { usageLookups, usageRepositories } from '../usage/adapters/postgres/usage-repos.ts';
import type { UsageLookups, UsageRepositories } from '../usage/ports.ts';

/** Every capability's repositories: what one tenant transaction can reach. */
export type TenantRepositories = AccountRepositories &
  PlantRepositories &
  ConfigVersionRepositories &
  DeviceTemplateRepositories &
  GatewayCommandRepositories &
  GatewayHealthRepositories &
  DeadLetterRepositories &
  DerivedTagRepositories &
  AlarmRepositories &
  AlarmKpiRepositories &
  AlarmCurveRepositories &
  PeopleRepositories &
  NotifyRepositories &
  EscalationRepositories &
  ReportRepositories &
  LayoutRepositories &
  LogoRepositories &
  CanaryRepositories &
  UsageRepositories &
  RetentionRepositories &
  DeviceKeyRepositories &
  AssetRepositories &
  AssetPropagationRepositories &
  AssetUsageRepositories &
  AssetSubtreeRepositories &
  AssetScopeRepositories &
  AreaRepositories;

export interface ConfigStore
  extends TenantStore<TenantRepositories>,
    AccountLookups,
    PlantLookups,
    ConfigPublishLookups,
    AlarmLookups,
    PeriodicDerivedTagLookups,
    CanaryLookups,
    UsageLookups {
  close(): Promise<void>;
}

function tenantRepositories(tx: ConfigDb, tenantId: string): TenantRepositories {
  return {
    ...accountRepositories(tx, tenantId),
    ...plantRepositories(tx, tenantId),
    ...configVersionRepositories(tx, tenantId),
    ...gatewayCommandRepositories(tx, tenantId),
    ...gatewayHealthRepositories(tx, tenantId),
    ...deadLetterRepositories(tx, tenantId),
    ...derivedTagRepositories(tx, tenantId),
    ...alarmRepositories(tx, tenantId),
    ...alarmKpiRepositories(tx, tenantId),
    ...alarmCurveRepositories(tx, tenantId),
    ...peopleRepositories(tx, tenantId),
    ...notifyRepositories(tx, tenantId),
    ...escalationRepositories(tx, tenantId),
    ...reportsRepositories(tx, tenantId),
    ...reportAssetUsageRepositories(tx, tenantId),
    ...layoutRepositories(tx, tenantId),
    ...logoRepositories(tx, tenantId),
    ...canaryRepositories(tx, tenantId),
    ...usageRepositories(tx, tenantId),
    ...retentionRepositories(tx, tenantId),
    ...deviceKeyRepositories(tx, tenantId),
    ...assetRepositories(tx, tenantId),
    ...assetPropagationRepositories(tx, tenantId),
    ...areaRepositories(tx, tenantId),
  };
}

export function createPostgresConfigStore(db: ConfigDb, close: () => Promise<void>): ConfigStore {
  return {
    ...accountLookups(db),
    ...plantLookups(db),
    ...configPublishLookups(db),
    ...alarmLookups(db),
    ...periodicDerivedTagLookups(db),
    ...canaryLookups(db),
    ...usageLookups(db),
    inTenant: tenantTransactions(db, tenantRepositories),
    close,
  };
}
