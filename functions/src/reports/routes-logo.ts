// The tenant's logo (issue #7): PUT takes the image base64 in JSON (the API speaks JSON), GET answers
// with the image itself (base64 in the Lambda result, which API Gateway and the local server decode,
// as report downloads do), DELETE removes it.
import { uploadTenantLogoSchema } from '@plantwatch/shared';
import { HttpRequestError } from '../platform/http/errors.ts';
import type { ApiEvent } from '../platform/http/http.ts';
import { type Route, routesOn } from '../platform/http/route.ts';
import { requireRole } from '../platform/principal.ts';
import type { LogoDeps } from './logo.ts';
import * as logo from './logo.ts';

const { defineRoute } = routesOn<LogoDeps>();

const codes = { 400: 'invalid_request', 413: 'payload_too_large', 415: 'unsupported_media_type' } as const;

/** A refused image answers with its own status (413 too big, 415 not PNG/JPEG, 400 unreadable). */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof logo.LogoRejectedError) {
      throw new HttpRequestError(error.statusCode, codes[error.statusCode], error.message);
    }
    throw error;
  }
}

function authorization(event: ApiEvent): string | undefined {
  const headers = event.headers ?? {};
  return Object.entries(headers).find(([key]) => key.toLowerCase() === 'authorization')?.[1];
}

const getTenantLogoRoute: Route<LogoDeps> = {
  operationId: 'getTenantLogo',
  method: 'GET',
  path: '/v1/tenant/logo',
  summary: "The tenant's logo image (PNG or JPEG); 404 when it has none",
  tag: 'tenant',
  access: 'viewer',
  status: 200,
  errors: [404],
  produces: 'application/octet-stream',
  async execute(event, deps, authenticate) {
    const principal = await authenticate(authorization(event));
    requireRole(principal, 'viewer');
    const image = await logo.getTenantLogo(deps, principal);
    return {
      statusCode: 200,
      headers: {
        'content-type': image.mediaType,
        'cache-control': 'private, no-cache',
        'last-modified': image.updatedAt.toUTCString(),
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
      },
      body: image.data.toString('base64'),
      isBase64Encoded: true,
    };
  },
};

export const logoRoutes: Route<LogoDeps>[] = [
  defineRoute({
    operationId: 'putTenantLogo',
    method: 'PUT',
    path: '/v1/tenant/logo',
    summary: "Upload the tenant's logo (PNG or JPEG, at most 512 KB, base64 in JSON; admin)",
    tag: 'tenant',
    access: 'admin',
    body: uploadTenantLogoSchema,
    status: 204,
    errors: [413, 415],
    handle: async ({ deps, principal, body }) => {
      await refusing(() => logo.putTenantLogo(deps, principal, body));
      return undefined;
    },
  }),
  getTenantLogoRoute,
  defineRoute({
    operationId: 'deleteTenantLogo',
    method: 'DELETE',
    path: '/v1/tenant/logo',
    summary: "Remove the tenant's logo (admin); report covers show the tenant's initials again",
    tag: 'tenant',
    access: 'admin',
    status: 204,
    errors: [404],
    handle: async ({ deps, principal }) => {
      await logo.removeTenantLogo(deps, principal);
      return undefined;
    },
  }),
];
