// Telemetry reads (latest values, chart series, CSV export), ingest's dead letters, and the gateway
// provisioning bundle that lets a gateway publish in the first place.
import {
  deadLetterListSchema,
  deadLetterQuerySchema,
  idSchema,
  isoDateTimeSchema,
  provisioningBundleSchema,
  qualitySchema,
  telemetryValueSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import type { ProvisioningDeps } from '../plant/provisioning.ts';
import { createProvisioningBundle } from '../plant/provisioning.ts';
import { type Route, routesOn } from '../platform/http/route.ts';
import { seriesAggregates } from './ports.ts';
import type { TelemetryDeps } from './telemetry.ts';
import * as telemetry from './telemetry.ts';

type RouteDeps = TelemetryDeps & ProvisioningDeps;

const { defineRoute, defineStreamRoute } = routesOn<RouteDeps>();

/** `a,b,c` (or the parameter repeated) as a list of ids. */
const tagIdList = z
  .string()
  .transform((text) => text.split(',').filter((id) => id !== ''))
  .pipe(
    z
      .array(idSchema)
      .min(1, 'name at least one tag id')
      .max(telemetry.MAX_TAGS_PER_REQUEST, `at most ${telemetry.MAX_TAGS_PER_REQUEST} tags`),
  )
  .meta({ description: 'Tag ids, comma-separated', example: '0193a5b4-…,0193a5b4-…' });

/** An ISO 8601 date-time or epoch milliseconds. */
const instant = z
  .union([isoDateTimeSchema.transform((iso) => Date.parse(iso)), z.coerce.number().int().min(0)])
  .meta({ description: 'ISO 8601 date-time or epoch milliseconds', example: '2026-01-05T00:00:00Z' });

const timeRange = { from: instant, to: instant };
const rangeOrder = (q: { from: number; to: number }) => q.to > q.from;
const rangeMessage = { message: 'to must be after from', path: ['to'] };

const latestValueSchema = z
  .object({
    tagId: idSchema,
    siteId: idSchema,
    gatewayId: idSchema,
    deviceId: idSchema,
    deviceKey: z.string(),
    tagKey: z.string(),
    name: z.string(),
    unit: z.string(),
    ts: z.number().int().meta({ description: 'Sample time, epoch ms' }),
    value: telemetryValueSchema,
    quality: qualitySchema,
  })
  .meta({ id: 'LatestValue' });

const bucketSchema = z
  .object({
    ts: z.number().int().meta({ description: 'Bucket start, epoch ms' }),
    avg: z.number().nullable().optional(),
    min: z.number().nullable().optional(),
    max: z.number().nullable().optional(),
    first: telemetryValueSchema.nullable().optional(),
    last: telemetryValueSchema.nullable().optional(),
    count: z.number().int().optional(),
    difference: z.number().nullable().optional(),
  })
  .meta({ id: 'SeriesBucket' });

export const telemetryRoutes: Route<RouteDeps>[] = [
  defineRoute({
    operationId: 'getLatestTelemetry',
    method: 'GET',
    path: '/v1/telemetry/latest',
    summary: 'The newest value of each tag of a site, gateway or device, or of listed tags',
    tag: 'telemetry',
    access: 'viewer',
    query: z
      .strictObject({
        siteId: idSchema.optional(),
        gatewayId: idSchema.optional(),
        deviceId: idSchema.optional(),
        tagIds: tagIdList.optional(),
      })
      .refine((q) => Object.values(q).some((v) => v !== undefined), {
        message: 'name a siteId, gatewayId, deviceId or tagIds',
      }),
    response: z.object({ values: z.array(latestValueSchema) }),
    status: 200,
    errors: [404],
    handle: async ({ deps, principal, query }) => ({
      values: await telemetry.latestValues(deps, principal, query),
    }),
  }),
  defineRoute({
    operationId: 'getTelemetrySeries',
    method: 'GET',
    path: '/v1/telemetry/series',
    summary: 'Aggregated buckets of some tags over a time range, for charts (at most maxPoints per tag)',
    tag: 'telemetry',
    access: 'viewer',
    query: z
      .strictObject({
        tagIds: tagIdList,
        ...timeRange,
        maxPoints: z.coerce.number().int().min(1).max(10_000).default(500),
        aggregates: z
          .string()
          .default('avg,min,max')
          .transform((text) => text.split(',').filter((a) => a !== ''))
          .pipe(z.array(z.enum(seriesAggregates)).min(1))
          .meta({ description: `Comma-separated: ${seriesAggregates.join(', ')}` }),
      })
      .refine(rangeOrder, rangeMessage),
    response: z.object({
      bucketMs: z.number().int(),
      series: z.array(z.object({ tagId: idSchema, unit: z.string(), buckets: z.array(bucketSchema) })),
    }),
    status: 200,
    errors: [404],
    handle: ({ deps, principal, query }) => telemetry.tagSeries(deps, principal, query),
  }),
  defineStreamRoute({
    operationId: 'exportTelemetryCsv',
    path: '/v1/telemetry/export',
    summary:
      "Raw samples of some tags (tagIds), or of the tags bound to an asset's subtree (assetId, with the asset path and measurement columns), over a time range as CSV, streamed",
    tag: 'telemetry',
    access: 'viewer',
    produces: 'text/csv',
    query: z
      .strictObject({
        tagIds: tagIdList.optional(),
        assetId: idSchema
          .optional()
          .meta({ description: 'Instead of tagIds: the tags bound to this asset and everything under it' }),
        ...timeRange,
      })
      .refine(rangeOrder, rangeMessage)
      .refine((q) => (q.tagIds === undefined) !== (q.assetId === undefined), {
        message: 'name tagIds or assetId (one of them)',
        path: ['tagIds'],
      }),
    errors: [404],
    handle: async ({ deps, principal, query }) => ({
      fileName: `telemetry-${new Date(query.from).toISOString().slice(0, 10)}.csv`,
      chunks: await telemetry.exportCsv(deps, principal, query),
    }),
  }),
  defineRoute({
    operationId: 'listDeadLetters',
    method: 'GET',
    path: '/v1/ingest/dead-letters',
    summary: 'Telemetry messages ingest refused, with the reason, counted by reason',
    tag: 'telemetry',
    access: 'viewer',
    query: deadLetterQuerySchema,
    response: deadLetterListSchema,
    status: 200,
    errors: [404],
    handle: ({ deps, principal, query }) => telemetry.listDeadLetters(deps, principal, query),
  }),
  defineRoute({
    operationId: 'createProvisioningBundle',
    method: 'POST',
    path: '/v1/gateways/{gatewayId}/provisioning-bundle',
    summary:
      'A new client certificate and key for the gateway, with the broker endpoint and its config; shown once, and earlier certificates of the gateway stop working',
    tag: 'gateways',
    access: 'engineer',
    params: z.object({ gatewayId: idSchema }),
    response: provisioningBundleSchema.meta({ id: 'ProvisioningBundle' }),
    status: 201,
    errors: [404],
    handle: ({ deps, principal, params }) => createProvisioningBundle(deps, principal, params.gatewayId),
  }),
];
