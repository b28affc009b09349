// Lambda entry of the HTTP API (API Gateway v2, payload 2.0): the AWS ports into createApiHandler.

import { createAwsApiDeps } from '../compose/aws.ts';
import { createApiHandler } from '../platform/http/handler.ts';

// Top-level await: the database and the IoT endpoint are ready before the first request.
export const handler = createApiHandler(await createAwsApiDeps());
