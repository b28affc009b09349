// Metrics on AWS: CloudWatch embedded metric format through Powertools, one EMF line per call
// (nothing waits for a flush at the end of an invocation, so a Lambda that times out loses none).
// A metric with labels is written under two dimension sets: [service, ...labels] (the series the
// dashboard splits by channel, reason, route…) and [service] alone (the total, which alarms need:
// a CloudWatch alarm cannot sum a SEARCH over label values).
import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import type { Metrics } from '../metrics.ts';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export const METRICS_NAMESPACE = 'Plantwatch';

export function createEmfMetrics(service = 'plantwatch'): Metrics {
  const emf = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName: service });
  const emit = (name: string, unit: Unit, value: number, labels: Readonly<Record<string, string>>) => {
    const single = emf.singleMetric();
    if (Object.keys(labels).length > 0) {
      single.addDimensions({ ...labels });
      single.addDimensions({});
    }
    single.addMetric(name, unit, value);
  };
  return {
    increment: (name, labels = {}, by = 1) => emit(name, MetricUnit.Count, by, labels),
    observe: (name, value, labels = {}) => emit(name, MetricUnit.Seconds, value, labels),
    gauge: (name, value) =>
      emit(name, name.endsWith('_seconds') ? MetricUnit.Seconds : MetricUnit.Count, value, {}),
  };
}
