// Tracing on AWS: Powertools' tracer (X-Ray). Lambda's active tracing makes the function's segment;
// each span is a subsegment of whatever is current, run in the X-Ray SDK's own async context so spans
// side by side (the store write and the alarm evaluation) each get their parent right. Outside Lambda
// (no AWS_EXECUTION_ENV, POWERTOOLS_TRACE_ENABLED=false) Powertools turns itself off and so does this.
import { Tracer as PowertoolsTracer } from '@aws-lambda-powertools/tracer';
import type { TraceAnnotations, Tracer } from '../tracing.ts';

type Subsegment = NonNullable<ReturnType<PowertoolsTracer['getSegment']>>;

const annotateOn = (segment: Subsegment | undefined, annotations: TraceAnnotations) => {
  if (!segment) return;
  for (const [key, value] of Object.entries(annotations)) {
    if (value !== undefined) segment.addAnnotation(key, value);
  }
};

export interface XRayTracer extends Tracer {
  /** An AWS SDK v3 client whose calls become subsegments (Step Functions, SQS, S3, SES, SNS, …). */
  captureClient<C>(client: C): C;
  /** A Lambda handler in a `## name` subsegment, annotated with the cold start and the service. */
  handler<A extends unknown[], R>(
    name: string,
    handle: (...args: A) => Promise<R>,
  ): (...args: A) => Promise<R>;
  readonly enabled: boolean;
}

export function createXRayTracer(
  serviceName = 'plantwatch',
  tracer = new PowertoolsTracer({ serviceName }),
): XRayTracer {
  const enabled = tracer.isTracingEnabled();
  const span = <T>(name: string, annotations: TraceAnnotations, work: () => Promise<T>): Promise<T> => {
    if (!enabled || !tracer.getSegment()) return work();
    return tracer.provider.captureAsyncFunc(`### ${name}`, async (subsegment) => {
      annotateOn(subsegment, annotations);
      try {
        return await work();
      } catch (error) {
        if (error instanceof Error) subsegment?.addError(error);
        throw error;
      } finally {
        subsegment?.close();
      }
    }) as Promise<T>;
  };
  return {
    enabled,
    span,
    annotate(annotations) {
      if (enabled) annotateOn(tracer.getSegment(), annotations);
    },
    captureClient: (client) => (enabled ? tracer.captureAWSv3Client(client) : client),
    handler:
      (name, handle) =>
      (...args) =>
        span(name, {}, async () => {
          tracer.annotateColdStart();
          tracer.addServiceNameAnnotation();
          return handle(...args);
        }),
  };
}
