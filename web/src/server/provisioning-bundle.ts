import 'server-only';
// POST /api/gateways/{gatewayId}/provisioning-bundle: asks the API for a new provisioning bundle as
// the signed-in user and hands it to the browser as a file download (bundle.json). The bundle holds
// the gateway's private key: the API makes it fresh for each request and keeps no copy (earlier
// certificates of the gateway stop working), so this answer is never cached anywhere and never logged.
// POST, not GET: each call revokes the gateway's current certificate, which a prefetch or a link
// crawler must never do; a request another site starts is refused (Sec-Fetch-Site), and the session
// cookie is SameSite=Lax besides.
import { idSchema, provisioningBundleSchema } from '@plantwatch/shared';
import type { NextRequest } from 'next/server';
import { ApiError, ApiUnavailableError, callApi } from './api.ts';
import { readAuthToken } from './auth.ts';

const NO_STORE = {
  'cache-control': 'no-store, no-cache, must-revalidate, private',
  pragma: 'no-cache',
  expires: '0',
};

const refusal = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: NO_STORE });

export async function provisioningBundle(
  request: NextRequest,
  context: { params: Promise<{ gatewayId: string }> },
): Promise<Response> {
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin') {
    return refusal(403, 'forbidden', 'a provisioning bundle is downloaded from the Plantwatch page itself');
  }
  const gatewayId = idSchema.safeParse((await context.params).gatewayId);
  if (!gatewayId.success) return refusal(400, 'invalid_request', 'gatewayId: must be a UUID');
  const claims = await readAuthToken();
  if (!claims) return refusal(401, 'unauthenticated', 'log in first');
  try {
    const bundle = provisioningBundleSchema.parse(
      await callApi('POST', `/v1/gateways/${encodeURIComponent(gatewayId.data)}/provisioning-bundle`, {
        token: claims.apiToken,
      }),
    );
    return new Response(`${JSON.stringify(bundle, null, 2)}\n`, {
      status: 200,
      headers: {
        ...NO_STORE,
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': 'attachment; filename="bundle.json"',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (error) {
    if (error instanceof ApiError && error.status < 500)
      return refusal(error.status, error.code, error.message);
    if (error instanceof ApiUnavailableError) return refusal(503, 'api_unavailable', error.message);
    // The error may carry the API's answer; log its kind only, never a bundle.
    console.error('web: a provisioning bundle request failed', (error as Error).name);
    return refusal(502, 'bad_gateway', 'the API could not make the bundle');
  }
}
