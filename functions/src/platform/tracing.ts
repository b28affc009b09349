// Tracing of the ingest → alarm → escalation path: named spans (X-Ray subsegments on AWS) with the
// tenant, gateway and correlation id as annotations. Capabilities call `traced`/`annotateTrace`; only
// the AWS composition root installs a real tracer (platform/adapters/xray-tracing.ts), so the local
// runtime and the tests run the same code with the no-op below and never load the X-Ray SDK.
import { currentCorrelationId } from './correlation.ts';

/** Searchable keys of a span (X-Ray annotations): ids only, never names, values or contact data. */
export type TraceAnnotations = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Tracer {
  /** Runs `work` in a span named `name`, annotated (and with the current correlation id). */
  span<T>(name: string, annotations: TraceAnnotations, work: () => Promise<T>): Promise<T>;
  /** Adds annotations to the span the caller is in. */
  annotate(annotations: TraceAnnotations): void;
}

export const noTracer: Tracer = {
  span: (_name, _annotations, work) => work(),
  annotate: () => undefined,
};

let installed: Tracer = noTracer;

/** The composition root's choice (AWS: X-Ray); returns the previous one, for tests to put back. */
export function installTracer(tracer: Tracer): Tracer {
  const previous = installed;
  installed = tracer;
  return previous;
}

/** The tracer in use (the no-op unless a composition root installed another). */
export function currentTracer(): Tracer {
  return installed;
}

/** `work` in a span: the correlation id of the message being handled is added to its annotations. */
export function traced<T>(name: string, annotations: TraceAnnotations, work: () => Promise<T>): Promise<T> {
  const correlationId = currentCorrelationId();
  return installed.span(name, correlationId ? { correlationId, ...annotations } : annotations, work);
}

export function annotateTrace(annotations: TraceAnnotations): void {
  installed.annotate(annotations);
}
