// The service's metrics: one catalogue of names, units and help, one small port the capabilities
// count through, and two adapters (Prometheus text on the local runtime's /metrics, CloudWatch
// embedded metric format on AWS: platform/adapters/*-metrics.ts). A capability never imports either.

/** Things that happen: each is a counter, by the labels given. */
export const counters = {
  pages_sent: {
    help: 'Pages handed to a channel (SMS, voice, e-mail, webhook, Telegram, WhatsApp, outbox)',
    labels: ['channel'],
  },
  page_failures: { help: 'Pages a channel refused or failed to take', labels: ['channel'] },
  escalation_intents_delivered: {
    help: 'Escalation intents delivered to the escalation starter',
    labels: ['kind'],
  },
  escalation_intent_failures: {
    help: 'Failed deliveries of escalation intents (final: given up on after the last attempt)',
    labels: ['kind', 'final'],
  },
  service_canary_failures: {
    help: 'Synthetic alarms of the service canary that found no page in the message log in time',
    labels: [],
  },
  tenant_canaries_sent: { help: "Tenant canaries' test pages handed to a channel", labels: ['channel'] },
  tenant_canaries_missed: {
    help: 'Tenant canaries not acknowledged in time (reason: unacknowledged, or undelivered by any channel)',
    labels: ['reason'],
  },
  telemetry_points_stored: { help: 'Telemetry points stored (replays not counted)', labels: [] },
  telemetry_dead_letters: {
    help: 'Telemetry messages dead-lettered, by reason (schema, unknown_tag, too_old, quota, …)',
    labels: ['reason'],
  },
  ingest_log_apply_failures: {
    help: 'Attempts to apply an acknowledged message from the local ingest log that failed (it is tried again)',
    labels: [],
  },
  alarms_raised: { help: 'Alarms that became active (a transition into active-unacked)', labels: [] },
  alarm_state_write_behind_failures: {
    help: 'Rounds of alarm-state bookkeeping that could not be written behind for a tenant (kept in memory, tried again)',
    labels: [],
  },
  report_runs: {
    help: 'Report runs finished, by outcome (succeeded, failed; error: failed outside its record)',
    labels: ['outcome'],
  },
  http_requests: {
    help: 'API requests answered, by method, route template and status code',
    labels: ['method', 'route', 'status'],
  },
  replies_ignored: {
    help: 'Inbound replies (SMS, WhatsApp, Telegram) from an address or chat nobody was paged at: ignored',
    labels: ['channel'],
  },
} as const;

const fast = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Measured values: each is a histogram (seconds), by the labels given (none when absent). */
export const histograms = {
  ingest_latency_seconds: {
    help: "Seconds from the broker's receipt of a telemetry message to its points stored",
    buckets: fast,
  },
  telemetry_write_seconds: { help: "Seconds the telemetry store's write of one message took", buckets: fast },
  http_request_seconds: {
    help: 'Seconds to answer an API request, by method and route template',
    buckets: fast,
    labels: ['method', 'route'],
  },
  report_run_seconds: {
    help: 'Seconds a report run took (collect, render, store, mail), by outcome',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
    labels: ['outcome'],
  },
  raise_to_first_page_seconds: {
    help: 'Seconds from an alarm becoming active to the first page of its chain going out',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
  },
  service_canary_page_seconds: {
    help: 'Seconds from the service canary raising its synthetic alarm to the page in the message log',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60],
  },
  tenant_canary_ack_seconds: {
    help: "Seconds from a tenant canary's test page going out to its acknowledgement (late ones too)",
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600],
  },
} as const;

/** Levels read when asked (a scrape, a scheduled check): gauges. */
export const gauges = {
  escalation_intents_pending: { help: 'Escalation intents not delivered yet' },
  escalation_intents_failed: { help: 'Escalation intents given up on: someone may not have been paged' },
  escalation_intent_oldest_pending_seconds: { help: 'Age of the oldest escalation intent not delivered yet' },
  ingest_log_pending_messages: {
    help: 'Telemetry messages acknowledged into the local ingest log and not applied to the stores yet',
  },
  ingest_log_oldest_pending_seconds: {
    help: 'Age of the oldest acknowledged message the local ingest log has not applied yet (0: none)',
  },
  broker_clients: { help: 'MQTT clients connected to the local broker' },
  gateway_connections: { help: 'Gateways connected to the local broker with their certificate' },
} as const;

export type CounterName = keyof typeof counters;
export type HistogramName = keyof typeof histograms;
export type GaugeName = keyof typeof gauges;
export type MetricLabels = Readonly<Record<string, string>>;

export interface Metrics {
  increment(name: CounterName, labels?: MetricLabels, by?: number): void;
  observe(name: HistogramName, value: number, labels?: MetricLabels): void;
  /** Records a level now (AWS: the scheduled check publishes them; locally they are read at scrape). */
  gauge(name: GaugeName, value: number): void;
}

export const noMetrics: Metrics = {
  increment: () => undefined,
  observe: () => undefined,
  gauge: () => undefined,
};
