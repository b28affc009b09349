// Metrics for the local runtime, in Prometheus text on GET /metrics (prom-client). Gauges that need
// a query are read when scraped: `collect` fills them in just before the text is produced.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  type CounterName,
  counters,
  type GaugeName,
  gauges,
  type HistogramName,
  histograms,
  type Metrics,
} from '../metrics.ts';

const PREFIX = 'plantwatch_';

export interface PrometheusMetrics extends Metrics {
  /** Before each scrape: read the levels (intents pending, …) and set them with `gauge`. */
  onCollect(collect: () => Promise<void>): void;
  /** The text exposition format, and its content type. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  const counterOf = new Map<CounterName, Counter>();
  for (const [name, spec] of Object.entries(counters) as [CounterName, (typeof counters)[CounterName]][]) {
    counterOf.set(
      name,
      new Counter({
        name: `${PREFIX}${name}_total`,
        help: spec.help,
        labelNames: [...spec.labels],
        registers: [registry],
      }),
    );
  }
  const histogramOf = new Map<HistogramName, Histogram>();
  for (const [name, spec] of Object.entries(histograms) as [
    HistogramName,
    (typeof histograms)[HistogramName],
  ][]) {
    histogramOf.set(
      name,
      new Histogram({
        name: `${PREFIX}${name}`,
        help: spec.help,
        buckets: [...spec.buckets],
        labelNames: 'labels' in spec ? [...spec.labels] : [],
        registers: [registry],
      }),
    );
  }
  const gaugeOf = new Map<GaugeName, Gauge>();
  for (const [name, spec] of Object.entries(gauges) as [GaugeName, (typeof gauges)[GaugeName]][]) {
    gaugeOf.set(name, new Gauge({ name: `${PREFIX}${name}`, help: spec.help, registers: [registry] }));
  }
  const collectors: (() => Promise<void>)[] = [];
  return {
    increment(name, labels = {}, by = 1) {
      counterOf.get(name)?.inc(labels, by);
    },
    observe(name, value, labels = {}) {
      histogramOf.get(name)?.observe(labels, value);
    },
    gauge(name, value) {
      gaugeOf.get(name)?.set(value);
    },
    onCollect(collect) {
      collectors.push(collect);
    },
    async scrape() {
      for (const collect of collectors) await collect();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
