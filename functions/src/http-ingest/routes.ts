// HTTP push routes: device keys (engineers make and revoke them; shown once) and the ingest route the
// devices call with their key. The ingest route checks the key before it reads the body, so a caller
// without one learns nothing about the input rules.
import {
  createDeviceKeySchema,
  createdDeviceKeySchema,
  deviceKeyListSchema,
  httpIngestBodySchema,
  httpIngestResultSchema,
  idSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { HttpRequestError, RequestValidationError } from '../platform/http/errors.ts';
import { json } from '../platform/http/http.ts';
import { type Route, routesOn } from '../platform/http/route.ts';
import {
  authenticateDeviceKey,
  createDeviceKey,
  type DeviceKeyDeps,
  listDeviceKeys,
  revokeDeviceKey,
} from './device-keys.ts';
import { type HttpIngestDeps, pushReadings } from './push.ts';

const { defineRoute } = routesOn<DeviceKeyDeps>();
const deviceParams = z.strictObject({ deviceId: idSchema });

export const deviceKeyRoutes: Route<DeviceKeyDeps>[] = [
  defineRoute({
    operationId: 'listDeviceKeys',
    method: 'GET',
    path: '/v1/devices/{deviceId}/keys',
    summary: "An HTTP push device's keys (never the keys themselves): name, prefix, last use, revoked",
    tag: 'plant',
    access: 'viewer',
    params: deviceParams,
    response: deviceKeyListSchema,
    status: 200,
    handle: ({ deps, principal, params }) => listDeviceKeys(deps, principal, params.deviceId),
  }),
  defineRoute({
    operationId: 'createDeviceKey',
    method: 'POST',
    path: '/v1/devices/{deviceId}/keys',
    summary: 'A new key for an HTTP push device; the key is in this answer only (stored as a hash)',
    tag: 'plant',
    access: 'engineer',
    params: deviceParams,
    body: createDeviceKeySchema,
    response: createdDeviceKeySchema,
    status: 201,
    errors: [422],
    handle: ({ deps, principal, params, body }) => createDeviceKey(deps, principal, params.deviceId, body),
  }),
  defineRoute({
    operationId: 'revokeDeviceKey',
    method: 'DELETE',
    path: '/v1/devices/{deviceId}/keys/{keyId}',
    summary: 'Revoke a device key: requests with it are refused from now on (401)',
    tag: 'plant',
    access: 'engineer',
    params: z.strictObject({ deviceId: idSchema, keyId: idSchema }),
    status: 204,
    handle: async ({ deps, principal, params }) => {
      await revokeDeviceKey(deps, principal, params.deviceId, params.keyId);
      return undefined;
    },
  }),
];

const MAX_BODY_BYTES = 256 * 1024;

function headerOf(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** POST /v1/ingest/http, authenticated by the device key (`Authorization: Bearer pwh_…`). */
export const httpIngestRoute: Route<DeviceKeyDeps & HttpIngestDeps> = {
  operationId: 'ingestHttp',
  method: 'POST',
  path: '/v1/ingest/http',
  summary:
    'Readings pushed by a small device with its device key (Authorization: Bearer pwh_…): stored through the same ingest as MQTT; 422 names the dead-letter reason (unknown_tag, too_old, …)',
  tag: 'telemetry',
  access: 'public',
  body: httpIngestBodySchema,
  response: httpIngestResultSchema,
  status: 200,
  errors: [401, 403, 413, 415, 422, 429],
  async execute(event, deps) {
    const receivedAt = deps.clock.now().getTime();
    const auth = await authenticateDeviceKey(deps, headerOf(event.headers, 'authorization'));
    const text = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
      : (event.body ?? '');
    if (text === '') throw new HttpRequestError(400, 'invalid_request', 'a JSON request body is required');
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
      throw new HttpRequestError(
        413,
        'payload_too_large',
        `the request body is over ${MAX_BODY_BYTES} bytes`,
      );
    }
    const contentType = headerOf(event.headers, 'content-type') ?? '';
    if (contentType && !/^application\/(.+\+)?json\b/i.test(contentType)) {
      throw new HttpRequestError(415, 'unsupported_media_type', 'send the body as application/json');
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new HttpRequestError(
        400,
        'invalid_request',
        `the request body is not valid JSON: ${(error as Error).message}`,
      );
    }
    const body = httpIngestBodySchema.safeParse(raw);
    if (!body.success) throw new RequestValidationError('body', body.error);
    const result = await pushReadings(deps, auth, body.data, receivedAt);
    return json(result.status === 'queued' ? 202 : 200, result);
  },
};
