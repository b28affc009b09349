// Tenant isolation, table-driven over the route list: every route of the API must have a case
// here, so a new route without an isolation test fails this suite.
import { randomUUID } from 'node:crypto';
import { apiRoutes } from '@plantwatch/functions/platform/http/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

interface TenantA {
  token: string;
  apiKeySecret: string;
  ids: {
    tenant: string;
    site: string;
    gateway: string;
    device: string;
    tag: string;
    user: string;
    apiKey: string;
    alarmRule: string;
    report: string;
    reportRun: string;
    contact: string;
    rotation: string;
    policy: string;
    template: string;
    canaryRun: string;
    session: string;
    pushDevice: string;
    deviceKey: string;
    derivedTag: string;
    curve: string;
    asset: string;
    assetModel: string;
  };
}

type Request = { path: string; body?: unknown };
type Case =
  /** Carries no tenant data, or starts from no tenant at all. */
  | { kind: 'public'; why: string }
  /**
   * Takes no object id: B's answer must simply contain nothing of A's. `status`: the answers a
   * request about B's own account may get instead of a 2xx (a wrong code for B's own second factor).
   */
  | { kind: 'own-data'; request: Request; status?: number[] }
  /** A stream of server-sent events taking no object id: its opening events hold nothing of A's. */
  | { kind: 'own-stream'; request: Request }
  /** Names one of A's objects (path, query or body): B must get 404. */
  | { kind: 'foreign-id'; request: (a: TenantA['ids']) => Request }
  /** Names one of A's objects inside a list of references (rotation members, policy targets): 422, an unknown id. */
  | { kind: 'foreign-reference'; request: (a: TenantA['ids']) => Request };

const modbusAddress = { kind: 'modbus', area: 'holding', address: 3, type: 'uint16' };
const day = { from: '2026-01-05T00:00:00Z', to: '2026-01-06T00:00:00Z' };

const weeklyReport = {
  name: 'Weekly',
  period: 'last-week',
  recipients: ['manager@example.com'],
  schedule: { kind: 'weekly', at: '06:00', dayOfWeek: 1 },
};

// Two tiny PNGs: A's logo and B's own, so B reading or removing a logo is seen to touch only B's.
const logoA =
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGM4IScHRAAIdwIJkXAbPAAAAABJRU5ErkJggg==';
const logoB = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGOQz38NAAIqAXp4ksuCAAAAAElFTkSuQmCC';

const curvePoints = [
  [0, 40],
  [50, 32],
  [100, 20],
];

const hiLimit = {
  kind: 'limit',
  name: 'Temp high',
  levels: [{ level: 'hi', threshold: 80, severity: 'high' }],
};

const cases: Record<string, Case> = {
  getHealth: { kind: 'public', why: 'liveness only' },
  getOpenApiDocument: { kind: 'public', why: 'the API description is the same for everyone' },
  signUp: { kind: 'public', why: 'creates a new tenant; takes no existing id' },
  logIn: { kind: 'public', why: 'credentials decide the tenant; covered by the login tests' },
  acceptInvite: {
    kind: 'public',
    why: 'the invitation token decides the tenant; covered by the invite tests',
  },
  verifyEmail: { kind: 'public', why: "the link's token decides the tenant; accounts-lifecycle.test.ts" },
  resendVerification: { kind: 'public', why: 'answers the same for any address; accounts-lifecycle.test.ts' },
  requestPasswordReset: {
    kind: 'public',
    why: 'answers the same for any address; accounts-lifecycle.test.ts',
  },
  resetPassword: { kind: 'public', why: "the link's token decides the tenant; accounts-lifecycle.test.ts" },
  logInWithSecondFactor: {
    kind: 'public',
    why: 'the challenge token decides the tenant; accounts-mfa.test.ts',
  },
  startMfaEnrolmentAtLogin: {
    kind: 'public',
    why: 'the challenge token decides the tenant; accounts-mfa.test.ts',
  },
  confirmMfaEnrolmentAtLogin: {
    kind: 'public',
    why: 'the challenge token decides the tenant; accounts-mfa.test.ts',
  },
  changePassword: {
    kind: 'own-data',
    request: {
      path: '/v1/me/password',
      body: { currentPassword: 'not the password of B', newPassword: 'quartz harbour lantern 7' },
    },
    status: [422],
  },
  listMySessions: { kind: 'own-data', request: { path: '/v1/me/sessions' } },
  endMySessions: { kind: 'own-data', request: { path: '/v1/me/sessions?keepCurrent=true' } },
  endMySession: { kind: 'foreign-id', request: (a) => ({ path: `/v1/me/sessions/${a.session}` }) },
  getMfa: { kind: 'own-data', request: { path: '/v1/me/mfa' } },
  startTotpEnrolment: { kind: 'own-data', request: { path: '/v1/me/mfa/totp' } },
  confirmTotpEnrolment: {
    kind: 'own-data',
    request: { path: '/v1/me/mfa/totp/confirm', body: { code: '000000' } },
    status: [409, 422],
  },
  newRecoveryCodes: {
    kind: 'own-data',
    request: { path: '/v1/me/mfa/recovery-codes', body: { code: '000000' } },
    status: [409],
  },
  disableMfa: {
    kind: 'own-data',
    request: { path: '/v1/me/mfa', body: { password: 'anything at all', code: '000000' } },
    status: [409],
  },
  getSecurityPolicy: { kind: 'own-data', request: { path: '/v1/tenant/security' } },
  updateSecurityPolicy: {
    kind: 'own-data',
    request: { path: '/v1/tenant/security', body: { sessionIdleMinutes: 600 } },
  },
  getLoginProtection: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/users/${a.user}/login-protection` }),
  },
  clearLoginLockout: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/users/${a.user}/login-protection` }),
  },
  endUserSessions: { kind: 'foreign-id', request: (a) => ({ path: `/v1/users/${a.user}/sessions` }) },
  listPlans: { kind: 'own-data', request: { path: '/v1/plans' } },
  getUsage: { kind: 'own-data', request: { path: '/v1/usage' } },
  getRetention: { kind: 'own-data', request: { path: '/v1/retention' } },
  putRetention: {
    kind: 'own-data',
    request: {
      path: '/v1/retention',
      body: {
        rawPoints: 1,
        rollupsMinute: 1,
        rollupsHour: 1,
        alarmJournal: 1,
        messageLog: 1,
        reportFiles: 1,
        deadLetters: 1,
      },
    },
  },
  listRetentionDeletions: { kind: 'own-data', request: { path: '/v1/retention/deletions' } },
  logOut: { kind: 'own-data', request: { path: '/v1/auth/logout' } },
  getMe: { kind: 'own-data', request: { path: '/v1/me' } },
  getHomeLayout: { kind: 'own-data', request: { path: '/v1/me/layout' } },
  getUserPreferences: { kind: 'own-data', request: { path: '/v1/me/preferences' } },
  putUserPreferences: {
    kind: 'own-data',
    request: { path: '/v1/me/preferences', body: { theme: 'dark', units: { temperature: '°F' } } },
  },
  putHomeLayout: {
    kind: 'foreign-reference',
    request: (a) => ({ path: '/v1/me/layout', body: { pins: [{ kind: 'tag', tagId: a.tag }] } }),
  },
  getTenant: { kind: 'own-data', request: { path: '/v1/tenant' } },
  updateTenant: { kind: 'own-data', request: { path: '/v1/tenant', body: { name: 'B renamed' } } },
  putTenantLogo: {
    kind: 'own-data',
    request: { path: '/v1/tenant/logo', body: { mediaType: 'image/png', data: logoB } },
  },
  getTenantLogo: { kind: 'own-data', request: { path: '/v1/tenant/logo' } },
  deleteTenantLogo: { kind: 'own-data', request: { path: '/v1/tenant/logo' } },
  listUsers: { kind: 'own-data', request: { path: '/v1/users' } },
  inviteUser: {
    kind: 'foreign-id',
    request: (a) => ({
      path: '/v1/users',
      body: { email: `x-${randomUUID()}@example.com`, name: 'X', role: 'viewer', siteIds: [a.site] },
    }),
  },
  getUser: { kind: 'foreign-id', request: (a) => ({ path: `/v1/users/${a.user}` }) },
  updateUser: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/users/${a.user}`, body: { role: 'viewer' } }),
  },
  removeUser: { kind: 'foreign-id', request: (a) => ({ path: `/v1/users/${a.user}` }) },
  listApiKeys: { kind: 'own-data', request: { path: '/v1/api-keys' } },
  createApiKey: {
    kind: 'own-data',
    request: { path: '/v1/api-keys', body: { name: 'b key', role: 'viewer' } },
  },
  revokeApiKey: { kind: 'foreign-id', request: (a) => ({ path: `/v1/api-keys/${a.apiKey}` }) },
  listSites: { kind: 'own-data', request: { path: '/v1/sites' } },
  createSite: { kind: 'own-data', request: { path: '/v1/sites', body: { name: 'B second site' } } },
  getSite: { kind: 'foreign-id', request: (a) => ({ path: `/v1/sites/${a.site}` }) },
  updateSite: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/sites/${a.site}`, body: { name: 'stolen' } }),
  },
  deleteSite: { kind: 'foreign-id', request: (a) => ({ path: `/v1/sites/${a.site}` }) },
  listGateways: { kind: 'foreign-id', request: (a) => ({ path: `/v1/gateways?siteId=${a.site}` }) },
  createGateway: {
    kind: 'foreign-id',
    request: (a) => ({ path: '/v1/gateways', body: { siteId: a.site, name: 'planted' } }),
  },
  getGateway: { kind: 'foreign-id', request: (a) => ({ path: `/v1/gateways/${a.gateway}` }) },
  updateGateway: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/gateways/${a.gateway}`, body: { name: 'stolen' } }),
  },
  deleteGateway: { kind: 'foreign-id', request: (a) => ({ path: `/v1/gateways/${a.gateway}` }) },
  listDevices: { kind: 'foreign-id', request: (a) => ({ path: `/v1/devices?gatewayId=${a.gateway}` }) },
  createDevice: {
    kind: 'foreign-id',
    request: (a) => ({
      path: '/v1/devices',
      body: {
        gatewayId: a.gateway,
        key: 'planted',
        name: 'P',
        connection: { protocol: 'modbus-tcp', host: '10.0.0.9' },
      },
    }),
  },
  getDevice: { kind: 'foreign-id', request: (a) => ({ path: `/v1/devices/${a.device}` }) },
  listDeviceKeys: { kind: 'foreign-id', request: (a) => ({ path: `/v1/devices/${a.pushDevice}/keys` }) },
  createDeviceKey: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/devices/${a.pushDevice}/keys`, body: { name: 'B key' } }),
  },
  revokeDeviceKey: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/devices/${a.pushDevice}/keys/${a.deviceKey}` }),
  },
  listDerivedTags: { kind: 'own-data', request: { path: '/v1/derived-tags' } },
  createDerivedTag: {
    kind: 'foreign-id',
    request: (a) => ({
      path: '/v1/derived-tags',
      body: { siteId: a.site, key: 'planted', name: 'P', formula: '1' },
    }),
  },
  previewDerivedTag: {
    kind: 'foreign-id',
    request: (a) => ({ path: '/v1/derived-tags/preview', body: { siteId: a.site, formula: '1' } }),
  },
  getDerivedTag: { kind: 'foreign-id', request: (a) => ({ path: `/v1/derived-tags/${a.derivedTag}` }) },
  updateDerivedTag: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/derived-tags/${a.derivedTag}`, body: { formula: '2' } }),
  },
  deleteDerivedTag: { kind: 'foreign-id', request: (a) => ({ path: `/v1/derived-tags/${a.derivedTag}` }) },
  backtestAlarmRule: {
    kind: 'foreign-id',
    request: (a) => ({
      path: '/v1/alarm-rules/backtest',
      body: { rule: { ...hiLimit, tagId: a.tag }, from: day.from, to: day.to },
    }),
  },
  getAlarmKpis: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarm-kpis?siteId=${a.site}&from=${day.from}&to=${day.to}` }),
  },
  listAlarmCurves: { kind: 'own-data', request: { path: '/v1/alarm-curves' } },
  createAlarmCurve: {
    kind: 'own-data',
    request: {
      path: '/v1/alarm-curves',
      body: { name: 'B pump', xUnit: 'L/s', yUnit: 'm', points: curvePoints },
    },
  },
  getAlarmCurve: { kind: 'foreign-id', request: (a) => ({ path: `/v1/alarm-curves/${a.curve}` }) },
  updateAlarmCurve: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarm-curves/${a.curve}`, body: { name: 'stolen' } }),
  },
  deleteAlarmCurve: { kind: 'foreign-id', request: (a) => ({ path: `/v1/alarm-curves/${a.curve}` }) },
  ingestHttp: {
    kind: 'public',
    why: "the device key decides the tenant and the device; http-ingest.test.ts tries B's key on A's tenant",
  },
  updateDevice: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/devices/${a.device}`, body: { enabled: false } }),
  },
  deleteDevice: { kind: 'foreign-id', request: (a) => ({ path: `/v1/devices/${a.device}` }) },
  listTags: { kind: 'foreign-id', request: (a) => ({ path: `/v1/tags?deviceId=${a.device}` }) },
  createTag: {
    kind: 'foreign-id',
    request: (a) => ({
      path: '/v1/tags',
      body: { deviceId: a.device, key: 'planted', name: 'P', address: modbusAddress },
    }),
  },
  getTag: { kind: 'foreign-id', request: (a) => ({ path: `/v1/tags/${a.tag}` }) },
  updateTag: { kind: 'foreign-id', request: (a) => ({ path: `/v1/tags/${a.tag}`, body: { deadband: 99 } }) },
  deleteTag: { kind: 'foreign-id', request: (a) => ({ path: `/v1/tags/${a.tag}` }) },
  listAlarmRules: { kind: 'own-data', request: { path: '/v1/alarm-rules' } },
  createAlarmRule: {
    kind: 'foreign-id',
    request: (a) => ({ path: '/v1/alarm-rules', body: { ...hiLimit, tagId: a.tag } }),
  },
  getAlarmRule: { kind: 'foreign-id', request: (a) => ({ path: `/v1/alarm-rules/${a.alarmRule}` }) },
  updateAlarmRule: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarm-rules/${a.alarmRule}`, body: { name: 'stolen' } }),
  },
  deleteAlarmRule: { kind: 'foreign-id', request: (a) => ({ path: `/v1/alarm-rules/${a.alarmRule}` }) },
  listAlarms: { kind: 'own-data', request: { path: '/v1/alarms?status=all' } },
  listAssets: { kind: 'foreign-id', request: (a) => ({ path: `/v1/sites/${a.site}/assets` }) },
  getAssetTree: { kind: 'foreign-id', request: (a) => ({ path: `/v1/sites/${a.site}/asset-tree` }) },
  exportAssets: { kind: 'foreign-id', request: (a) => ({ path: `/v1/sites/${a.site}/assets/export` }) },
  exportAssetsCsv: { kind: 'foreign-id', request: (a) => ({ path: `/v1/sites/${a.site}/assets/csv` }) },
  importAssetsCsv: {
    kind: 'foreign-id',
    request: (a) => ({
      path: `/v1/sites/${a.site}/assets/csv`,
      body: { csv: 'path\nStolen works', mode: 'replace' },
    }),
  },
  importAssets: {
    kind: 'foreign-id',
    request: (a) => ({
      path: `/v1/sites/${a.site}/assets/import?mode=replace`,
      body: { format: 'plantwatch-assets/1', assets: [{ name: 'Stolen works' }] },
    }),
  },
  createAsset: {
    kind: 'foreign-id',
    request: (a) => ({
      path: '/v1/assets',
      body: {
        siteId: a.site,
        parentId: a.asset,
        name: 'Stolen pump',
        measurements: [{ name: 'T', tagId: a.tag }],
      },
    }),
  },
  getAsset: { kind: 'foreign-id', request: (a) => ({ path: `/v1/assets/${a.asset}` }) },
  updateAsset: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/assets/${a.asset}`, body: { name: 'stolen' } }),
  },
  moveAsset: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/assets/${a.asset}/move`, body: { parentId: null } }),
  },
  deleteAsset: { kind: 'foreign-id', request: (a) => ({ path: `/v1/assets/${a.asset}` }) },
  getAreaEscalationPolicy: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/assets/${a.asset}/escalation-policy` }),
  },
  setAreaEscalationPolicy: {
    kind: 'foreign-id',
    request: (a) => ({
      path: `/v1/assets/${a.asset}/escalation-policy`,
      body: { escalationPolicyId: a.policy },
    }),
  },
  listAssetModels: { kind: 'own-data', request: { path: '/v1/asset-models' } },
  createAssetModel: {
    kind: 'own-data',
    request: { path: '/v1/asset-models', body: { name: 'B pump', measurements: [{ name: 'Flow' }] } },
  },
  getAssetModel: { kind: 'foreign-id', request: (a) => ({ path: `/v1/asset-models/${a.assetModel}` }) },
  updateAssetModel: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/asset-models/${a.assetModel}`, body: { name: 'stolen' } }),
  },
  deleteAssetModel: { kind: 'foreign-id', request: (a) => ({ path: `/v1/asset-models/${a.assetModel}` }) },
  createAssetFromModel: {
    kind: 'foreign-id',
    request: (a) => ({
      path: `/v1/asset-models/${a.assetModel}/assets`,
      body: { siteId: a.site, parentId: a.asset, name: 'Stolen pump', bindings: { Temperature: a.tag } },
    }),
  },
  previewAssetModelPropagation: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/asset-models/${a.assetModel}/propagation/preview`, body: {} }),
  },
  applyAssetModelPropagation: {
    kind: 'foreign-id',
    request: (a) => ({
      path: `/v1/asset-models/${a.assetModel}/propagation/apply`,
      body: { resolutions: [{ assetId: a.asset, measurement: 'Temperature', action: 'remove' }] },
    }),
  },
  getAlarmSummary: { kind: 'own-data', request: { path: '/v1/alarms/summary' } },
  streamAlarmSummary: { kind: 'own-stream', request: { path: '/v1/alarms/summary/stream' } },
  streamSiteLive: { kind: 'foreign-id', request: (a) => ({ path: `/v1/telemetry/stream?siteId=${a.site}` }) },
  acknowledgeAlarm: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/acknowledge`, body: {} }),
  },
  listAlarmEvents: { kind: 'foreign-id', request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/events` }) },
  listEscalationChains: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/escalations` }),
  },
  shelveAlarm: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/shelve`, body: { minutes: 30, reason: 'stolen' } }),
  },
  unshelveAlarm: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/unshelve`, body: {} }),
  },
  commentOnAlarm: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/comment`, body: { comment: 'stolen' } }),
  },
  removeAlarmFromService: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/remove-from-service`, body: { reason: 'stolen' } }),
  },
  returnAlarmToService: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/alarms/${a.alarmRule}/return-to-service`, body: {} }),
  },
  listReports: { kind: 'own-data', request: { path: '/v1/reports' } },
  createReport: {
    kind: 'foreign-id',
    request: (a) => ({
      path: '/v1/reports',
      body: { ...weeklyReport, scope: { tagIds: [a.tag] } },
    }),
  },
  getReport: { kind: 'foreign-id', request: (a) => ({ path: `/v1/reports/${a.report}` }) },
  updateReport: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/reports/${a.report}`, body: { recipients: ['thief@example.com'] } }),
  },
  deleteReport: { kind: 'foreign-id', request: (a) => ({ path: `/v1/reports/${a.report}` }) },
  enableReport: { kind: 'foreign-id', request: (a) => ({ path: `/v1/reports/${a.report}/enable` }) },
  disableReport: { kind: 'foreign-id', request: (a) => ({ path: `/v1/reports/${a.report}/disable` }) },
  runReportNow: { kind: 'foreign-id', request: (a) => ({ path: `/v1/reports/${a.report}/runs` }) },
  listReportRuns: { kind: 'foreign-id', request: (a) => ({ path: `/v1/reports/${a.report}/runs` }) },
  getReportRun: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/reports/${a.report}/runs/${a.reportRun}` }),
  },
  createReportFileLink: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/reports/${a.report}/runs/${a.reportRun}/files/report.pdf/link` }),
  },
  downloadReportFile: {
    kind: 'public',
    why: 'the HMAC-signed link (tenant, run, file, expiry) is the credential; covered by the reports tests',
  },
  getLatestTelemetry: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/telemetry/latest?siteId=${a.site}` }),
  },
  getTelemetrySeries: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/telemetry/series?tagIds=${a.tag}&from=${day.from}&to=${day.to}` }),
  },
  exportTelemetryCsv: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/telemetry/export?tagIds=${a.tag}&from=${day.from}&to=${day.to}` }),
  },
  listDeadLetters: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/ingest/dead-letters?gatewayId=${a.gateway}` }),
  },
  listContacts: { kind: 'own-data', request: { path: '/v1/contacts' } },
  createContact: {
    kind: 'own-data',
    request: {
      path: '/v1/contacts',
      body: { name: 'B', channels: [{ type: 'sms', address: '+447700900555' }] },
    },
  },
  getContact: { kind: 'foreign-id', request: (a) => ({ path: `/v1/contacts/${a.contact}` }) },
  updateContact: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/contacts/${a.contact}`, body: { name: 'stolen' } }),
  },
  deleteContact: { kind: 'foreign-id', request: (a) => ({ path: `/v1/contacts/${a.contact}` }) },
  testContact: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/contacts/${a.contact}/test`, body: { channel: 0 } }),
  },
  createTelegramLink: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/contacts/${a.contact}/telegram-link` }),
  },
  listOnCallRotations: { kind: 'own-data', request: { path: '/v1/on-call-rotations' } },
  createOnCallRotation: {
    kind: 'foreign-reference',
    request: (a) => ({
      path: '/v1/on-call-rotations',
      body: { name: 'planted', handoffTime: '08:00', period: 'daily', members: [a.contact] },
    }),
  },
  getOnCallRotation: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/on-call-rotations/${a.rotation}` }),
  },
  updateOnCallRotation: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/on-call-rotations/${a.rotation}`, body: { name: 'stolen' } }),
  },
  deleteOnCallRotation: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/on-call-rotations/${a.rotation}` }),
  },
  listEscalationPolicies: { kind: 'own-data', request: { path: '/v1/escalation-policies' } },
  createEscalationPolicy: {
    kind: 'foreign-reference',
    request: (a) => ({
      path: '/v1/escalation-policies',
      body: {
        name: 'planted',
        levels: [{ delayMinutes: 0, targets: [{ type: 'rotation', rotationId: a.rotation }] }],
      },
    }),
  },
  getEscalationPolicy: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/escalation-policies/${a.policy}` }),
  },
  updateEscalationPolicy: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/escalation-policies/${a.policy}`, body: { repeat: 3 } }),
  },
  deleteEscalationPolicy: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/escalation-policies/${a.policy}` }),
  },
  listOutbox: { kind: 'own-data', request: { path: '/v1/outbox?limit=500' } },
  getCanarySettings: { kind: 'own-data', request: { path: '/v1/settings/canary' } },
  updateCanarySettings: {
    kind: 'foreign-reference',
    request: (a) => ({ path: '/v1/settings/canary', body: { enabled: true, contactId: a.contact } }),
  },
  listCanaryRuns: { kind: 'own-data', request: { path: '/v1/canary/runs?limit=500' } },
  // B's own canary (set up in beforeAll): the test page goes to B's contact, never A's
  sendCanaryNow: { kind: 'own-data', request: { path: '/v1/canary/runs' } },
  acknowledgeCanaryRun: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/canary/runs/${a.canaryRun}/acknowledge` }),
  },
  getNotificationSettings: { kind: 'own-data', request: { path: '/v1/settings/notifications' } },
  updateNotificationSettings: {
    kind: 'own-data',
    request: { path: '/v1/settings/notifications', body: { smsProvider: 'sns' } },
  },
  receiveTwilioSms: {
    kind: 'public',
    why: "Twilio's signature with the path tenant's own auth token decides; another tenant's signature gets 403 (notify-inbound.test.ts)",
  },
  receiveTelegramUpdate: {
    kind: 'public',
    why: "the secret token set on the path tenant's own bot decides; a missing or other tenant's token gets 403 (notify-channels.test.ts)",
  },
  receiveTwilioVoice: {
    kind: 'public',
    why: "Twilio's signature with the path tenant's own auth token decides; another tenant's signature gets 403 (notify-inbound.test.ts)",
  },
  receiveTwilioStatus: {
    kind: 'public',
    why: "Twilio's signature with the path tenant's own auth token decides, and only that tenant's messages are looked up (notify-inbound.test.ts)",
  },
  showAckLink: {
    kind: 'public',
    why: 'the link token decides the tenant and alarm; a token altered to name another tenant does nothing (notify-inbound.test.ts)',
  },
  useAckLink: {
    kind: 'public',
    why: 'the link token decides the tenant and alarm; a token altered to name another tenant does nothing (notify-inbound.test.ts)',
  },
  listGatewayConfigVersions: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/gateways/${a.gateway}/config-versions` }),
  },
  getGatewayConfigVersion: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/gateways/${a.gateway}/config-versions/2` }),
  },
  rollbackGatewayConfig: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/gateways/${a.gateway}/config-versions/2/rollback` }),
  },
  bulkChangeTags: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/devices/${a.device}/tags/bulk`, body: { delete: [a.tag] } }),
  },
  importTagsCsv: {
    kind: 'foreign-id',
    request: (a) => ({
      path: `/v1/devices/${a.device}/tags/import`,
      body: { csv: 'key,name,nodeId\nplanted,P,ns=1;s=X\n', mode: 'replace' },
    }),
  },
  exportTagsCsv: { kind: 'foreign-id', request: (a) => ({ path: `/v1/devices/${a.device}/tags/export` }) },
  listDeviceTemplates: { kind: 'own-data', request: { path: '/v1/device-templates' } },
  createDeviceTemplate: {
    kind: 'own-data',
    request: {
      path: '/v1/device-templates',
      body: {
        name: 'B pump',
        protocol: 'modbus',
        tags: [{ key: 'run', name: 'Run', address: modbusAddress }],
      },
    },
  },
  getDeviceTemplate: { kind: 'foreign-id', request: (a) => ({ path: `/v1/device-templates/${a.template}` }) },
  updateDeviceTemplate: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/device-templates/${a.template}`, body: { name: 'stolen' } }),
  },
  deleteDeviceTemplate: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/device-templates/${a.template}` }),
  },
  applyDeviceTemplate: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/device-templates/${a.template}/apply`, body: { deviceIds: [a.device] } }),
  },
  listGatewayHealth: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/gateway-health?siteId=${a.site}` }),
  },
  getGatewayHealth: { kind: 'foreign-id', request: (a) => ({ path: `/v1/gateways/${a.gateway}/health` }) },
  browseDevice: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/devices/${a.device}/browse`, body: {} }),
  },
  readDeviceOnce: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/devices/${a.device}/read-once`, body: { timeoutSeconds: 2 } }),
  },
  listGatewayCommands: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/gateways/${a.gateway}/commands` }),
  },
  createProvisioningBundle: {
    kind: 'foreign-id',
    request: (a) => ({ path: `/v1/gateways/${a.gateway}/provisioning-bundle` }),
  },
};

/** The first chunk of an event stream (the retry hint and the opening snapshot); the stream is then left. */
async function openingEvents(apiUrl: string, path: string, token: string): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${apiUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) throw new Error(`${path} answered no body`);
  let text = '';
  while (!/\ndata: .*\n\n/.test(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += chunk.value;
  }
  controller.abort();
  return text;
}

describe('tenant isolation on every route', () => {
  let api: TestApi;
  let a: TenantA;
  let bToken: string;
  let aSnapshot: unknown;

  /** Everything of A's that B could touch, read back through A's own eyes. */
  const readA = async () => {
    const get = async (path: string) => (await api.call('GET', path, { token: a.token })).body;
    return {
      tenant: await get('/v1/tenant'),
      logo: await get('/v1/tenant/logo'),
      sites: await get('/v1/sites'),
      gateways: await get('/v1/gateways'),
      devices: await get('/v1/devices'),
      tags: await get('/v1/tags'),
      derivedTags: await get('/v1/derived-tags'),
      alarmCurves: await get('/v1/alarm-curves'),
      alarmRules: await get('/v1/alarm-rules'),
      alarms: await get('/v1/alarms?status=all'),
      reports: await get('/v1/reports'),
      contacts: await get('/v1/contacts'),
      rotations: await get('/v1/on-call-rotations'),
      policies: await get('/v1/escalation-policies'),
      canary: await get('/v1/settings/canary'),
      canaryRuns: await get('/v1/canary/runs'),
      retention: await get('/v1/retention'),
      users: await get('/v1/users'),
      templates: await get('/v1/device-templates'),
      assets: await get(`/v1/sites/${a.ids.site}/assets`),
      assetModels: await get('/v1/asset-models'),
      configVersions: await get(`/v1/gateways/${a.ids.gateway}/config-versions`),
      apiKeys: (await get('/v1/api-keys')).apiKeys.map((k: { lastUsedAt: unknown }) => ({
        ...k,
        lastUsedAt: null,
      })),
    };
  };

  beforeAll(async () => {
    api = await startTestApi({
      loginLimits: { attemptsPerIpPer5Min: 1000, failuresPerAccountPer15Min: 1000 },
    });
    const owner = await api.signUp('tenant-a');
    const t = owner.token;
    const site = (await api.call('POST', '/v1/sites', { token: t, body: { name: 'A works' } })).body;
    const gateway = (
      await api.call('POST', '/v1/gateways', { token: t, body: { siteId: site.id, name: 'A gw' } })
    ).body;
    const device = (
      await api.call('POST', '/v1/devices', {
        token: t,
        body: {
          gatewayId: gateway.id,
          key: 'plc-a',
          name: 'A PLC',
          connection: { protocol: 'opcua', endpoint: 'opc.tcp://10.1.1.1:4840' },
        },
      })
    ).body;
    const tag = (
      await api.call('POST', '/v1/tags', {
        token: t,
        body: {
          deviceId: device.id,
          key: 'temp',
          name: 'A temp',
          address: { kind: 'opcua', nodeId: 'ns=1;s=T' },
        },
      })
    ).body;
    const alarmRule = (
      await api.call('POST', '/v1/alarm-rules', { token: t, body: { ...hiLimit, tagId: tag.id } })
    ).body;
    const pushDevice = (
      await api.call('POST', '/v1/devices', {
        token: t,
        body: {
          gatewayId: gateway.id,
          key: 'esp-a',
          name: 'A sensor',
          connection: { protocol: 'http-push' },
        },
      })
    ).body;
    const deviceKey = (
      await api.call('POST', `/v1/devices/${pushDevice.id}/keys`, {
        token: t,
        body: { name: 'A sensor key' },
      })
    ).body;
    const assetModel = (
      await api.call('POST', '/v1/asset-models', {
        token: t,
        body: { name: 'A pump', measurements: [{ name: 'Temperature', unit: 'degC', tagPattern: '*/temp' }] },
      })
    ).body;
    const asset = (
      await api.call('POST', `/v1/asset-models/${assetModel.id}/assets`, {
        token: t,
        body: { siteId: site.id, name: 'A pump 1' },
      })
    ).body.asset;
    expect(asset.measurements).toEqual([{ name: 'Temperature', unit: 'degC', tagId: tag.id }]);
    const derivedTag = (
      await api.call('POST', '/v1/derived-tags', {
        token: t,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a formula's reference, not a template
        body: { siteId: site.id, key: 'temp-f', name: 'A temp °F', formula: '${plc-a:temp} * 1.8 + 32' },
      })
    ).body;
    const curve = (
      await api.call('POST', '/v1/alarm-curves', {
        token: t,
        body: { name: 'A pump', xUnit: 'L/s', yUnit: 'm', points: curvePoints },
      })
    ).body;
    expect(curve.id).toBeTypeOf('string');
    const contact = (
      await api.call('POST', '/v1/contacts', {
        token: t,
        body: { name: 'A fitter', channels: [{ type: 'email', address: 'fitter@example.com' }] },
      })
    ).body;
    const rotation = (
      await api.call('POST', '/v1/on-call-rotations', {
        token: t,
        body: { name: 'A rota', handoffTime: '08:00', period: 'daily', members: [contact.id] },
      })
    ).body;
    const policy = (
      await api.call('POST', '/v1/escalation-policies', {
        token: t,
        body: {
          name: 'A policy',
          levels: [{ delayMinutes: 0, targets: [{ type: 'rotation', rotationId: rotation.id }] }],
        },
      })
    ).body;
    const template = (
      await api.call('POST', '/v1/device-templates', {
        token: t,
        body: {
          name: 'A drive',
          protocol: 'opcua',
          tags: [{ key: 'speed', name: 'Speed', address: { kind: 'opcua', nodeId: 'ns=1;s=S' } }],
        },
      })
    ).body;
    const report = (
      await api.call('POST', '/v1/reports', {
        token: t,
        body: { ...weeklyReport, scope: { tagIds: [tag.id] }, enabled: false },
      })
    ).body;
    const reportRun = (await api.call('POST', `/v1/reports/${report.id}/runs`, { token: t })).body;
    const canary = await api.call('PUT', '/v1/settings/canary', {
      token: t,
      body: { enabled: true, contactId: contact.id },
    });
    expect(canary.status).toBe(200);
    const canaryRun = (await api.call('POST', '/v1/canary/runs', { token: t })).body;
    const logo = await api.call('PUT', '/v1/tenant/logo', {
      token: t,
      body: { mediaType: 'image/png', data: logoA },
    });
    expect(logo.status).toBe(204);
    const invited = (
      await api.call('POST', '/v1/users', {
        token: t,
        body: { email: `a-op-${randomUUID()}@example.com`, name: 'A op', role: 'operator' },
      })
    ).body;
    const key = (
      await api.call('POST', '/v1/api-keys', { token: t, body: { name: 'A key', role: 'viewer' } })
    ).body;
    a = {
      token: t,
      apiKeySecret: key.secret,
      ids: {
        tenant: owner.tenantId,
        site: site.id,
        gateway: gateway.id,
        device: device.id,
        tag: tag.id,
        user: invited.user.id,
        apiKey: key.apiKey.id,
        alarmRule: alarmRule.id,
        report: report.id,
        reportRun: reportRun.id,
        contact: contact.id,
        rotation: rotation.id,
        policy: policy.id,
        template: template.id,
        canaryRun: canaryRun.id,
        session: (await api.call('GET', '/v1/me/sessions', { token: t })).body.sessions[0].id,
        pushDevice: pushDevice.id,
        deviceKey: deviceKey.id,
        derivedTag: derivedTag.id,
        curve: curve.id,
        asset: asset.id,
        assetModel: assetModel.id,
      },
    };
    bToken = (await api.signUp('tenant-b')).token;
    const bContact = (
      await api.call('POST', '/v1/contacts', {
        token: bToken,
        body: { name: 'B fitter', channels: [{ type: 'email', address: 'b-fitter@example.com' }] },
      })
    ).body;
    const bCanary = await api.call('PUT', '/v1/settings/canary', {
      token: bToken,
      body: { enabled: true, contactId: bContact.id, at: '07:30', days: [1, 2, 3, 4, 5] },
    });
    expect(bCanary.status).toBe(200);
    aSnapshot = await readA();
  });

  afterAll(async () => {
    await api.close();
  });

  it('has an isolation case for every route, and no case for a route that no longer exists', () => {
    const operations = apiRoutes.map((r) => r.operationId);
    expect(operations.filter((op) => !(op in cases))).toEqual([]);
    expect(Object.keys(cases).filter((op) => !operations.includes(op))).toEqual([]);
  });

  it.each(apiRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s',
    async (_, route) => {
      const isolation = cases[route.operationId];
      if (!isolation) throw new Error(`no isolation case for ${route.operationId}`);
      if (isolation.kind === 'public') {
        expect(route.access).toBe('public');
        return;
      }
      // B's own owner, fresh per route, so the caller's role is never why a request fails
      const token = route.operationId === 'logOut' ? (await api.signUp('tenant-b-logout')).token : bToken;
      if (isolation.kind === 'own-stream') {
        const text = await openingEvents(api.runtime.apiUrl, isolation.request.path, token);
        expect(text).toMatch(/^retry: \d+\n\nevent: \w+\ndata: /);
        for (const id of Object.values(a.ids)) expect(text).not.toContain(id);
        return;
      }
      if (isolation.kind === 'own-data') {
        const res = await api.call(route.method, isolation.request.path, {
          token,
          body: isolation.request.body,
        });
        if (isolation.status) expect(isolation.status).toContain(res.status);
        else expect(res.status).toBeLessThan(300);
        const text = JSON.stringify(res.body ?? '');
        for (const id of Object.values(a.ids)) expect(text).not.toContain(id);
        return;
      }
      const request = isolation.request(a.ids);
      const res = await api.call(route.method, request.path, { token, body: request.body });
      if (isolation.kind === 'foreign-reference') {
        expect({ status: res.status, code: res.body?.error?.code }).toEqual({
          status: 422,
          code: 'unprocessable',
        });
        return;
      }
      expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: 404, code: 'not_found' });
    },
  );

  it("leaves tenant A's data exactly as it was, and A's credentials working", async () => {
    expect(await readA()).toEqual(aSnapshot);
    expect((await api.call('GET', '/v1/me', { token: a.apiKeySecret })).status).toBe(200);
  });
});
