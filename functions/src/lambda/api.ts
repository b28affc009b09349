// Lambda entry of the HTTP API (API Gateway v2, payload 2.0).
import { createAwsApiHandler } from '../compose/aws.ts';

// Top-level await: the database and the IoT endpoint are ready before the first request.
export const handler = await createAwsApiHandler();
