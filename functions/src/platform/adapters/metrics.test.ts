import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmfMetrics, METRICS_NAMESPACE } from './emf-metrics.ts';
import { createPrometheusMetrics } from './prometheus-metrics.ts';

describe('Prometheus metrics (the local /metrics)', () => {
  it('counts by label, observes into buckets and reads gauges when scraped', async () => {
    const metrics = createPrometheusMetrics();
    let pending = 2;
    metrics.onCollect(async () => metrics.gauge('escalation_intents_pending', pending));
    metrics.increment('pages_sent', { channel: 'sms' });
    metrics.increment('pages_sent', { channel: 'sms' });
    metrics.increment('pages_sent', { channel: 'email' });
    metrics.observe('raise_to_first_page_seconds', 0.4);

    const first = await metrics.scrape();
    expect(first.contentType).toContain('text/plain');
    expect(first.body).toContain('plantwatch_pages_sent_total{channel="sms"} 2');
    expect(first.body).toContain('plantwatch_pages_sent_total{channel="email"} 1');
    expect(first.body).toContain('plantwatch_raise_to_first_page_seconds_bucket{le="0.5"} 1');
    expect(first.body).toContain('plantwatch_raise_to_first_page_seconds_bucket{le="0.25"} 0');
    expect(first.body).toContain('plantwatch_escalation_intents_pending 2');

    pending = 0;
    expect((await metrics.scrape()).body).toContain('plantwatch_escalation_intents_pending 0');
  });
});

describe('embedded metric format (metrics on AWS)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes one EMF line per count, with its labels as dimensions', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const metrics = createEmfMetrics('test-service');
    metrics.increment('page_failures', { channel: 'voice' });
    metrics.gauge('escalation_intent_oldest_pending_seconds', 75);

    const [failure, oldest] = lines.map((line) => JSON.parse(line));
    expect(failure).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            // by channel, and the total alarms read
            Dimensions: [['service', 'channel'], ['service']],
            Metrics: [{ Name: 'page_failures', Unit: 'Count' }],
          },
        ],
      },
      service: 'test-service',
      channel: 'voice',
      page_failures: 1,
    });
    expect(oldest).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Metrics: [{ Name: 'escalation_intent_oldest_pending_seconds', Unit: 'Seconds' }] },
        ],
      },
      escalation_intent_oldest_pending_seconds: 75,
    });
  });
});
