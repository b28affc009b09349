// Prints the API's OpenAPI document (as GET /v1/openapi.json serves it), e.g. to compare two revisions:
//   scripts/node24 node scripts/openapi.ts > after.json && cmp before.json after.json

import { buildOpenApiDocument } from '../functions/src/platform/http/openapi.ts';
import { API_VERSION, apiRoutes } from '../functions/src/platform/http/routes.ts';

process.stdout.write(`${JSON.stringify(buildOpenApiDocument(apiRoutes, API_VERSION), null, 2)}\n`);
