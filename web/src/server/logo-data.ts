import 'server-only';
// The tenant's logo for the organisation page's preview: GET /v1/tenant/logo answers with the image
// itself (not JSON, so not through callApi); the page shows it as a data: URL, so the bearer token
// never reaches the browser and no image route is needed in the web app.
import { logoMediaTypeSchema } from '@plantwatch/shared';
import { ApiError, ApiUnavailableError, forwardedHeaders } from './api.ts';
import { serverConfig } from './config.ts';
import { getViewer } from './viewer.ts';

/** A data: URL of the logo, or null when the tenant has none. */
export async function getLogoDataUrl(): Promise<string | null> {
  const viewer = await getViewer();
  let response: Response;
  try {
    response = await fetch(`${serverConfig().apiUrl}/v1/tenant/logo`, {
      headers: { ...(await forwardedHeaders()), authorization: `Bearer ${viewer.token}` },
      cache: 'no-store',
    });
  } catch (error) {
    throw new ApiUnavailableError({ cause: error });
  }
  if (response.status === 404) return null;
  if (!response.ok)
    throw new ApiError(response.status, 'error', `the logo could not be read (${response.status})`);
  const mediaType = logoMediaTypeSchema.parse(response.headers.get('content-type'));
  const bytes = Buffer.from(await response.arrayBuffer());
  return `data:${mediaType};base64,${bytes.toString('base64')}`;
}
