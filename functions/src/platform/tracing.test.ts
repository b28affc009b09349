// Tracing: inert off AWS (the default tracer and Powertools' outside Lambda), and the spans the
// ingest → alarm → escalation path opens, with their annotations, seen through a recording tracer.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { escalationStepHandlers } from '../escalation/steps.ts';
import { createXRayTracer } from './adapters/xray-tracing.ts';
import { withCorrelationId } from './correlation.ts';
import {
  annotateTrace,
  currentTracer,
  installTracer,
  noTracer,
  type TraceAnnotations,
  type Tracer,
  traced,
} from './tracing.ts';

/** A tracer that writes down each span (its name and annotations) and each annotation. */
function recordingTracer() {
  const spans: { name: string; annotations: TraceAnnotations }[] = [];
  const annotations: TraceAnnotations[] = [];
  const tracer: Tracer = {
    span: (name, given, work) => {
      spans.push({ name, annotations: given });
      return work();
    },
    annotate: (given) => {
      annotations.push(given);
    },
  };
  return { tracer, spans, annotations };
}

describe('tracing off AWS', () => {
  it('runs work untouched with the default tracer, which no composition but AWS replaces', async () => {
    expect(await noTracer.span('ingest', { gatewayId: 'g' }, async () => 'stored')).toBe('stored');
    // Whatever a test before this one imported in this worker, the tracer in use traces nothing here.
    expect(['noop', 'disabled']).toContain(
      currentTracer() === noTracer
        ? 'noop'
        : (currentTracer() as { enabled?: boolean }).enabled === false
          ? 'disabled'
          : 'on',
    );
    expect(await traced('store write', { tenantId: 't' }, async () => 42)).toBe(42);
    await expect(traced('store write', {}, async () => Promise.reject(new Error('down')))).rejects.toThrow(
      'down',
    );
    expect(() => annotateTrace({ tenantId: 't' })).not.toThrow();
  });

  it("is Powertools' tracer switched off outside Lambda: spans run the work, clients are left as they are", async () => {
    const xray = createXRayTracer('test');
    expect(xray.enabled).toBe(false);
    const client = { send: async () => 'sent' };
    expect(xray.captureClient(client)).toBe(client);
    expect(await xray.span('page send', { tenantId: 't' }, async () => 'paged')).toBe('paged');
    expect(await xray.handler('ingest', async (event: number) => event + 1)(1)).toBe(2);
    expect(() => xray.annotate({ gatewayId: 'g' })).not.toThrow();
  });

  it('is never installed by the local runtime (only functions/src/compose/aws-tracing.ts installs one)', () => {
    const local = join(import.meta.dirname, '../../../infra/local/src');
    const sources = readdirSync(local, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) {
      const text = readFileSync(join(local, file), 'utf8');
      expect(text, file).not.toMatch(/aws-tracing|xray-tracing|installTracer|powertools\/tracer/);
    }
  });
});

describe('spans of the escalation chain', () => {
  let previous: Tracer | undefined;
  afterEach(() => {
    if (previous) installTracer(previous);
  });

  it('opens a span per step, annotated with the tenant, the chain and the correlation id the chain carries', async () => {
    const recording = recordingTracer();
    previous = installTracer(recording.tracer);
    const steps = escalationStepHandlers({} as Parameters<typeof escalationStepHandlers>[0]);
    // Not a valid prepare input: the step refuses it, inside its span.
    await expect(
      steps.prepare({ tenantId: 'tenant-1', executionName: 'exec-1', correlationId: 'gw-1:7' }),
    ).rejects.toThrow();
    expect(recording.spans).toEqual([
      {
        name: 'escalation prepare',
        annotations: { correlationId: 'gw-1:7', tenantId: 'tenant-1', executionName: 'exec-1' },
      },
    ]);
  });

  it('adds the correlation id of the work in progress to every span', async () => {
    const recording = recordingTracer();
    previous = installTracer(recording.tracer);
    await withCorrelationId('gw-2:9', () => traced('alarm evaluation', { tenantId: 't' }, async () => 1));
    await traced('store write', {}, async () => 2);
    expect(recording.spans).toEqual([
      { name: 'alarm evaluation', annotations: { correlationId: 'gw-2:9', tenantId: 't' } },
      { name: 'store write', annotations: {} },
    ]);
  });
});
