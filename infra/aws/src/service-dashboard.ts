// The service's own metrics on the operations dashboard, and the alarms docs/operations.md asks for:
// what the functions write as embedded metrics (namespace Plantwatch, the names of
// functions/src/platform/metrics.ts, the same as the local /metrics), plus IoT Core's connections.
// A labelled metric is written under [service, ...labels] and [service] (the total): widgets split
// it with SEARCH, alarms read the total or one fixed label value (an alarm cannot use SEARCH).
import {
  type CounterName,
  counters,
  type GaugeName,
  gauges,
  type HistogramName,
  histograms,
} from '@plantwatch/functions/platform/metrics';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

export const SERVICE_NAMESPACE = 'Plantwatch';
const SERVICE = { service: 'plantwatch' };
const FIVE_MINUTES = Duration.minutes(5);

type MetricName = CounterName | GaugeName | HistogramName;

export type AlarmFactory = (
  scopeId: string,
  metric: cloudwatch.IMetric,
  description: string,
  threshold?: number,
) => cloudwatch.Alarm;

/** The total of a metric (its [service] series), or the series of one fixed label value. */
export function serviceMetric(
  metricName: MetricName,
  options: { statistic?: string; period?: Duration; labels?: Record<string, string>; label?: string } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: SERVICE_NAMESPACE,
    metricName,
    dimensionsMap: { ...SERVICE, ...options.labels },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? FIVE_MINUTES,
    ...(options.label ? { label: options.label } : {}),
  });
}

/** One line per label value (per channel, reason, route…): a SEARCH over the labelled series. */
export function serviceMetricBy(
  metricName: MetricName,
  labels: readonly string[],
  statistic = 'Sum',
): cloudwatch.MathExpression {
  const schema = [SERVICE_NAMESPACE, 'service', ...labels].join(',');
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} MetricName="${metricName}"', '${statistic}', 300)`,
    label: '',
    period: FIVE_MINUTES,
  });
}

const percentiles = (metricName: HistogramName) => [
  serviceMetric(metricName, { statistic: 'p50', label: `${metricName} p50` }),
  serviceMetric(metricName, { statistic: 'p99', label: `${metricName} p99` }),
];

/** IoT Core's MQTT figures (its own namespace): gateways connecting, refused, publishing. */
const iotCore = (metricName: string) =>
  new cloudwatch.Metric({
    namespace: 'AWS/IoT',
    metricName,
    dimensionsMap: { Protocol: 'MQTT' },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });

const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = []) =>
  new cloudwatch.GraphWidget({ title, left, right, width: 8 });

/** The widgets of every metric the service writes on AWS, and the alarms on ingest and reports. */
export function serviceMetricWidgets(alarm: AlarmFactory): cloudwatch.IWidget[] {
  const stored = serviceMetric('telemetry_points_stored');
  const publishes = iotCore('PublishIn.Success');
  const deadLetters = serviceMetric('telemetry_dead_letters', { period: Duration.hours(1) });
  const ingestP99 = serviceMetric('ingest_latency_seconds', { statistic: 'p99' });

  alarm(
    'IngestStopped',
    new cloudwatch.MathExpression({
      // Gateways publish but no point is stored: ingest is failing (a missing figure is a zero).
      expression: 'IF(publishes > 0 AND FILL(stored, 0) == 0, 1, 0)',
      usingMetrics: {
        publishes: iotCore('PublishIn.Success').with({ period: Duration.minutes(10) }),
        stored: stored.with({ period: Duration.minutes(10) }),
      },
      label: 'published but not stored',
      period: Duration.minutes(10),
    }),
    'Gateways published to IoT Core for 10 minutes and no telemetry point was stored: see the ingest function logs and the ingest dead-letter queue',
  );
  alarm(
    'TelemetryDeadLettered',
    deadLetters,
    'Telemetry messages were dead-lettered in the last hour (schema, unknown tag, too old, quota): see GET /v1/dead-letters of the tenant and the dashboard widget by reason',
  );
  alarm(
    'IngestLatency',
    ingestP99,
    'Ingest p99 latency (broker receipt to points stored) is over 2 s: the database or Timestream is slow, or ingest is short of concurrency',
    2,
  );
  alarm(
    'ReportRunsFailed',
    new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(broken, 0)',
      usingMetrics: {
        failed: serviceMetric('report_runs', { labels: { outcome: 'failed' } }),
        broken: serviceMetric('report_runs', { labels: { outcome: 'error' } }),
      },
      label: 'report runs failed',
      period: FIVE_MINUTES,
    }),
    'A scheduled report run failed: its record (GET /v1/reports/{reportId}/runs) says why; the report worker logs have the rest',
  );

  const widgets = [
    graph(
      'Telemetry points stored, and IoT Core publishes',
      [stored.with({ label: 'points stored' })],
      [publishes],
    ),
    graph('Telemetry dead-lettered, by reason', [serviceMetricBy('telemetry_dead_letters', ['reason'])]),
    graph(
      'Ingest latency and store write (s)',
      percentiles('ingest_latency_seconds'),
      percentiles('telemetry_write_seconds'),
    ),
    graph(
      'Alarms raised (ingest and the check), raise to first page (s)',
      [serviceMetric('alarms_raised', { label: 'alarms raised' })],
      percentiles('raise_to_first_page_seconds'),
    ),
    graph(
      'Escalation intents: delivered and failed deliveries, by kind',
      [
        serviceMetricBy('escalation_intents_delivered', ['kind']),
        serviceMetricBy('escalation_intent_failures', ['kind', 'final']),
      ],
      [
        serviceMetric('escalation_intents_pending', { statistic: 'Maximum', period: Duration.minutes(1) }),
        serviceMetric('escalation_intents_failed', { statistic: 'Maximum', period: Duration.minutes(1) }),
      ],
    ),
    graph(
      'Pages sent and failed, by channel',
      [serviceMetricBy('pages_sent', ['channel'])],
      [serviceMetricBy('page_failures', ['channel'])],
    ),
    graph(
      'Report runs by outcome, and their duration (s, p99)',
      [serviceMetricBy('report_runs', ['outcome'])],
      [serviceMetricBy('report_run_seconds', ['outcome'], 'p99')],
    ),
    graph('API requests, by method, route and status', [
      serviceMetricBy('http_requests', ['method', 'route', 'status']),
    ]),
    graph(
      'API latency by route (s, p99), and overall',
      [serviceMetricBy('http_request_seconds', ['method', 'route'], 'p99')],
      percentiles('http_request_seconds'),
    ),
    graph(
      'Gateway connections (IoT Core MQTT)',
      [iotCore('Connect.Success')],
      [iotCore('Connect.AuthError'), iotCore('Connect.ClientError'), iotCore('Connect.Throttle')],
    ),
    graph(
      'Canaries and stray replies',
      [
        serviceMetricBy('tenant_canaries_sent', ['channel']),
        serviceMetricBy('tenant_canaries_missed', ['reason']),
        serviceMetricBy('replies_ignored', ['channel']),
      ],
      [
        ...percentiles('service_canary_page_seconds'),
        serviceMetric('tenant_canary_ack_seconds', { statistic: 'p99', label: 'tenant canary ack p99' }),
      ],
    ),
  ];
  const others = metricsNotShown(widgets);
  return others.length > 0 ? [...widgets, graph('Other service metrics (totals)', others)] : widgets;
}

/** The local runtime's broker figures: IoT Core's connection metrics stand in for them on AWS. */
const LOCAL_ONLY: readonly MetricName[] = ['broker_clients', 'gateway_connections'];

/**
 * Every metric of the catalogue no widget above shows yet, as its total (a count's sum, a duration's
 * p99, a level's maximum): a metric added to functions/src/platform/metrics.ts is on the dashboard
 * from its first deploy, until someone gives it a widget of its own.
 */
function metricsNotShown(widgets: readonly cloudwatch.GraphWidget[]): cloudwatch.IMetric[] {
  const shown = JSON.stringify(widgets.map((widget) => widget.toJson()));
  const total = (name: MetricName, statistic: string) =>
    shown.includes(`"${name}"`) || shown.includes(`\\"${name}\\"`) || LOCAL_ONLY.includes(name)
      ? []
      : [serviceMetric(name, { statistic, label: `${name} (${statistic})` })];
  return [
    ...(Object.keys(counters) as CounterName[]).flatMap((name) => total(name, 'Sum')),
    ...(Object.keys(histograms) as HistogramName[]).flatMap((name) => total(name, 'p99')),
    ...(Object.keys(gauges) as GaugeName[]).flatMap((name) => total(name, 'Maximum')),
  ];
}
