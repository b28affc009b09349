// Tracing and metrics on AWS, made once per container: the X-Ray tracer is installed for the
// capabilities' spans (platform/tracing.ts) and SDK clients are captured through it, and one EMF
// metrics port is shared by every function (namespace Plantwatch, one set of names with /metrics).
import { createEmfMetrics } from '../platform/adapters/emf-metrics.ts';
import { createXRayTracer } from '../platform/adapters/xray-tracing.ts';
import { installTracer } from '../platform/tracing.ts';

export const xray = createXRayTracer();
installTracer(xray);

/** An AWS SDK v3 client traced by X-Ray (each call a subsegment); as it is when tracing is off. */
export const traceClient = <C>(client: C): C => xray.captureClient(client);

/** A Lambda entry's handler in its own subsegment (`## name`), cold start and service annotated. */
export const tracedHandler = <A extends unknown[], R>(name: string, handle: (...args: A) => Promise<R>) =>
  xray.handler(name, handle);

/** EMF lines in the functions' logs: CloudWatch turns them into metrics (namespace Plantwatch). */
export const metrics = createEmfMetrics();
