// The monthly AWS bill of a deployment, line by line, from the load model (load-model.ts), what the
// benches measured (measured-traffic.json, measured-postgres.json) and the price list (prices.ts).
// Every line says its arithmetic; the assumptions that are not measurements are named in ASSUMED.
import { type IngestQueue, ingestSizing, type LoadModel, MEASURED, trafficOf } from '../load-model.ts';
import postgres from '../measured-postgres.json' with { type: 'json' };
import { HOURS_PER_MONTH, PRICES, SECONDS_PER_MONTH } from './prices.ts';

export interface BillOptions {
  readonly load: LoadModel;
  readonly telemetryStore: 'postgres' | 'timestream';
  readonly queue: IngestQueue;
  /** Telemetry through Basic Ingest (no messaging charge) rather than the broker's dt/ topic. */
  readonly basicIngest: boolean;
  /** Hours a month a live dashboard (polled every second) is open, per site. */
  readonly dashboardHoursPerSite: number;
  /** Alarm SMS a month, per site. */
  readonly smsPerSite: number;
  readonly auroraMinAcu: number;
  /** Timestream memory store retention. */
  readonly memoryRetentionHours: number;
  /** PostgreSQL: days of raw points kept (whole partitions dropped after); rollups stay. */
  readonly rawRetentionDays: number;
}

export interface BillLine {
  readonly section: 'telemetry' | 'database' | 'platform' | 'users' | 'fixed';
  readonly item: string;
  readonly arithmetic: string;
  readonly usd: number;
  /** Lines that grow every month the history is kept (storage). */
  readonly growsMonthly?: boolean;
}

export interface Bill {
  readonly lines: BillLine[];
  readonly total: number;
  readonly tags: number;
  readonly perThousandTags: number;
  readonly traffic: ReturnType<typeof trafficOf>;
  readonly sizing: ReturnType<typeof ingestSizing>;
  /** Other queues priced for the same traffic (not in the total), to compare. */
  readonly alternatives: { queue: string; usd: number; arithmetic: string }[];
  readonly auroraStorage: 'standard' | 'io-optimized';
}

/** What is assumed rather than measured (docs/deploy-aws.md lists these beside the output). */
export const ASSUMED = {
  /** Gateway status (retained, through the broker) every 60 s as AWS bundles ask, ~400 bytes, each ingested. */
  statusSeconds: 60,
  statusBytes: 400,
  /** Aurora: vCPU an ACU gives (a db.r6g.large, 2 vCPU, is about 8 ACU). */
  vcpuPerAcu: 0.25,
  /** Alarm evaluation per message: a transaction reading rules and states (CPU ms on the database). */
  alarmCpuMsPerMessage: 1.5,
  /** Ingest function: 1 GB, fixed cost per invocation besides the messages' work. */
  ingestMemoryGb: 1,
  ingestSecondsPerInvocation: 0.05,
  /** CloudWatch Logs per invocation (Lambda's JSON START/END/REPORT lines and ours). */
  logBytesPerInvocation: 1200,
  /** A Timestream record billed by size with the batch's common dimensions once (50 B a point). */
  timestreamBytesPerPoint: 50,
  timestreamStoredBytesPerPoint: 135,
  /**
   * A live page on AWS: its two server-sent-event streams (alarm bar, site values) answer a snapshot and
   * end, and the browser reconnects every 5 s (ADR 0028): 0.4 requests a second through CloudFront, the
   * load balancer, the web function and the API.
   */
  dashboardRequestsPerSecond: 0.4,
  webSecondsPerRequest: 0.05,
  apiSecondsPerRequest: 0.03,
  webBytesPerRequest: 2000,
} as const;

/**
 * The stack's own Secrets Manager secrets: the database owner and functions logins, the web cookie
 * key, the web proxy secret, the TOTP key ring, the report link key (tenants' provider secrets, one
 * per tenant that sets Twilio or Telegram up, are the tenants' and not counted).
 */
export const STACK_SECRETS = 6;

const usd = (value: number) => Math.round(value * 100) / 100;
const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));

/** X-Ray records the first request each second and 5 % of the rest (the default sampling rule). */
function tracesPerMonth(requestsPerSecond: number): number {
  const sampled = Math.min(requestsPerSecond, 1) + Math.max(0, requestsPerSecond - 1) * 0.05;
  return sampled * SECONDS_PER_MONTH;
}

export function monthlyBill(options: BillOptions): Bill {
  const { load } = options;
  const traffic = trafficOf(load);
  const sizing = ingestSizing(traffic, options.queue);
  const lines: BillLine[] = [];
  const add = (line: BillLine) => lines.push({ ...line, usd: usd(line.usd) });
  const month = SECONDS_PER_MONTH;
  const statusPerSecond = load.sites / ASSUMED.statusSeconds;
  const telemetryMonth = traffic.messagesPerSecond * month;
  const statusMonth = statusPerSecond * month;
  const recordsPerSecond = traffic.messagesPerSecond + statusPerSecond;
  const pointsMonth = traffic.pointsPerSecond * month;

  // Telemetry: IoT Core, the queue, the ingest function.
  add({
    section: 'telemetry',
    item: 'IoT Core connectivity',
    arithmetic: `${n(load.sites)} gateways × ${n(HOURS_PER_MONTH * 60)} min × $${PRICES.iot.connectivityPerMillionMinutes} / 1M`,
    usd: (load.sites * HOURS_PER_MONTH * 60 * PRICES.iot.connectivityPerMillionMinutes) / 1e6,
  });
  const telemetryMessaging = options.basicIngest
    ? 0
    : telemetryMonth * units(traffic.messageBytes, PRICES.iot.messagingUnitBytes);
  add({
    section: 'telemetry',
    item: options.basicIngest
      ? 'IoT Core messaging (status only; telemetry by Basic Ingest)'
      : 'IoT Core messaging',
    arithmetic: `(${n(telemetryMessaging)} telemetry + ${n(statusMonth)} status) × $${PRICES.iot.messagingPerMillion} / 1M`,
    usd: ((telemetryMessaging + statusMonth) * PRICES.iot.messagingPerMillion) / 1e6,
  });
  const ruleUnits =
    telemetryMonth * units(traffic.messageBytes, PRICES.iot.rulesUnitBytes) +
    statusMonth * units(ASSUMED.statusBytes, PRICES.iot.rulesUnitBytes);
  add({
    section: 'telemetry',
    item: 'IoT rule: triggered + action',
    arithmetic: `${n(ruleUnits)} 5 KB units × ($${PRICES.iot.rulesTriggeredPerMillion} + $${PRICES.iot.actionsPerMillion}) / 1M`,
    usd: (ruleUnits * (PRICES.iot.rulesTriggeredPerMillion + PRICES.iot.actionsPerMillion)) / 1e6,
  });

  const kinesisPut = (recordsMonth: number) =>
    recordsMonth * units(traffic.recordBytes, PRICES.kinesis.putUnitBytes);
  const recordsMonth = recordsPerSecond * month;
  const kinesis = {
    usd:
      Math.max(1, sizing.shards || ingestSizing(traffic, 'kinesis').shards) *
        HOURS_PER_MONTH *
        PRICES.kinesis.shardHour +
      (kinesisPut(recordsMonth) * PRICES.kinesis.putUnitsPerMillion) / 1e6,
    arithmetic: `${ingestSizing(traffic, 'kinesis').shards} shards × ${HOURS_PER_MONTH} h × $${PRICES.kinesis.shardHour} + ${n(kinesisPut(recordsMonth))} PUT units × $${PRICES.kinesis.putUnitsPerMillion} / 1M`,
  };
  // SQS: a send per message, and a receive and a delete per batch of 10 (about 1.2 requests a message).
  const sqsRequests = recordsMonth * units(traffic.recordBytes, PRICES.sqs.requestUnitBytes) * 1.2;
  const sqs = {
    usd: (sqsRequests * PRICES.sqs.requestsPerMillion) / 1e6,
    arithmetic: `${n(recordsMonth)} messages × 1.2 requests × $${PRICES.sqs.requestsPerMillion} / 1M`,
  };
  const firehoseGb =
    (recordsMonth *
      units(traffic.recordBytes, PRICES.firehose.recordUnitBytes) *
      PRICES.firehose.recordUnitBytes) /
    1024 ** 3;
  const firehose = {
    usd: firehoseGb * PRICES.firehose.perGb,
    arithmetic: `${n(firehoseGb, 1)} GB (5 KB per record) × $${PRICES.firehose.perGb}; no Lambda trigger: delivery to S3 only`,
  };
  // A queue also decides how many ingest invocations the same traffic takes (batches of 10 from SQS).
  const invocationsOf = (queue: IngestQueue) => {
    const size = ingestSizing(traffic, queue);
    return queue === 'kinesis'
      ? Math.min(
          recordsPerSecond,
          Math.max(recordsPerSecond / size.batchSize, size.shards / size.batchingWindowSeconds),
        )
      : Math.min(recordsPerSecond, Math.max(recordsPerSecond / size.batchSize, 1));
  };
  const invocationCost = (queue: IngestQueue) =>
    invocationsOf(queue) *
    month *
    (PRICES.lambda.requestsPerMillion / 1e6 +
      ASSUMED.ingestSecondsPerInvocation * ASSUMED.ingestMemoryGb * PRICES.lambda.gbSecond);
  const chosen = options.queue === 'kinesis' ? kinesis : sqs;
  add({
    section: 'telemetry',
    item: options.queue === 'kinesis' ? 'Kinesis Data Streams (provisioned)' : 'SQS',
    arithmetic: chosen.arithmetic,
    usd: chosen.usd,
  });
  const invocationsPerSecond = invocationsOf(options.queue);
  const ingestBusy = sizing.busySecondsPerSecond + invocationsPerSecond * ASSUMED.ingestSecondsPerInvocation;
  add({
    section: 'telemetry',
    item: 'Lambda: ingest',
    arithmetic: `${n(invocationsPerSecond * month)} invocations × $${PRICES.lambda.requestsPerMillion} / 1M + ${n(ingestBusy * month)} s × ${ASSUMED.ingestMemoryGb} GB × $${PRICES.lambda.gbSecond}`,
    usd:
      (invocationsPerSecond * month * PRICES.lambda.requestsPerMillion) / 1e6 +
      ingestBusy * month * ASSUMED.ingestMemoryGb * PRICES.lambda.gbSecond,
  });

  // The telemetry store.
  let auroraStorage: Bill['auroraStorage'] = 'standard';
  const minAcuHours = options.auroraMinAcu * HOURS_PER_MONTH;
  if (options.telemetryStore === 'postgres') {
    const cpuSecondsPerSecond =
      (traffic.pointsPerSecond * postgres.cpuMsPer1000Points) / 1e6 +
      (recordsPerSecond * ASSUMED.alarmCpuMsPerMessage) / 1000;
    const loadAcuHours = (cpuSecondsPerSecond / ASSUMED.vcpuPerAcu) * HOURS_PER_MONTH;
    const ios = (pointsMonth * postgres.walBytesPerPoint) / PRICES.aurora.writeIoBytes;
    // Raw points reach a steady size once the retention is reached; rollups (and the rest) keep growing.
    const rawGb =
      (traffic.pointsPerSecond * options.rawRetentionDays * 86_400 * postgres.rawBytesPerPoint) / 1024 ** 3;
    const keptGbPerMonth =
      (pointsMonth * (postgres.storageBytesPerPoint - postgres.rawBytesPerPoint)) / 1024 ** 3;
    const standard =
      (loadAcuHours + minAcuHours) * PRICES.aurora.standardAcuHour +
      (ios * PRICES.aurora.ioPerMillion) / 1e6 +
      rawGb * PRICES.aurora.standardStorageGbMonth;
    const optimized =
      (loadAcuHours + minAcuHours) * PRICES.aurora.ioOptimizedAcuHour +
      rawGb * PRICES.aurora.ioOptimizedStorageGbMonth;
    auroraStorage = optimized < standard ? 'io-optimized' : 'standard';
    const acuPrice =
      auroraStorage === 'standard' ? PRICES.aurora.standardAcuHour : PRICES.aurora.ioOptimizedAcuHour;
    add({
      section: 'database',
      item: `Aurora capacity for the writes (${auroraStorage === 'standard' ? 'Aurora Standard' : 'I/O-Optimized'})`,
      arithmetic: `${n(cpuSecondsPerSecond, 2)} CPU-s/s ÷ ${ASSUMED.vcpuPerAcu} vCPU per ACU × ${HOURS_PER_MONTH} h × $${acuPrice}`,
      usd: loadAcuHours * acuPrice,
    });
    add({
      section: 'database',
      item: 'Aurora write I/O',
      arithmetic:
        auroraStorage === 'standard'
          ? `${n(pointsMonth)} points × ${postgres.walBytesPerPoint} B of log ÷ 4 KB × $${PRICES.aurora.ioPerMillion} / 1M`
          : 'none with I/O-Optimized',
      usd: auroraStorage === 'standard' ? (ios * PRICES.aurora.ioPerMillion) / 1e6 : 0,
    });
    const storagePrice =
      auroraStorage === 'standard'
        ? PRICES.aurora.standardStorageGbMonth
        : PRICES.aurora.ioOptimizedStorageGbMonth;
    add({
      section: 'database',
      item: `Aurora storage: raw points, ${options.rawRetentionDays} days kept`,
      arithmetic: `${n(traffic.pointsPerSecond)} points/s × ${options.rawRetentionDays} d × ${postgres.rawBytesPerPoint} B = ${n(rawGb, 1)} GB × $${storagePrice}`,
      usd: rawGb * storagePrice,
    });
    add({
      section: 'database',
      item: 'Aurora storage: rollups and latest values, each month kept',
      arithmetic: `${n(pointsMonth)} points × ${n(postgres.storageBytesPerPoint - postgres.rawBytesPerPoint, 1)} B = ${n(keptGbPerMonth, 1)} GB × $${storagePrice}`,
      usd: keptGbPerMonth * storagePrice,
      growsMonthly: true,
    });
  } else {
    const writeKb = (pointsMonth * ASSUMED.timestreamBytesPerPoint) / 1024;
    const memoryGb =
      (traffic.pointsPerSecond *
        options.memoryRetentionHours *
        3600 *
        ASSUMED.timestreamStoredBytesPerPoint) /
      1024 ** 3;
    const magneticGb = (pointsMonth * ASSUMED.timestreamStoredBytesPerPoint) / 1024 ** 3;
    add({
      section: 'database',
      item: 'Timestream writes',
      arithmetic: `${n(pointsMonth)} points × ${ASSUMED.timestreamBytesPerPoint} B = ${n(writeKb / 1e6, 1)}M KB × $${PRICES.timestream.writesPerMillion} / 1M`,
      usd: (writeKb * PRICES.timestream.writesPerMillion) / 1e6,
    });
    add({
      section: 'database',
      item: `Timestream memory store (${options.memoryRetentionHours} h)`,
      arithmetic: `${n(memoryGb, 1)} GB × ${HOURS_PER_MONTH} h × $${PRICES.timestream.memoryGbHour}`,
      usd: memoryGb * HOURS_PER_MONTH * PRICES.timestream.memoryGbHour,
    });
    add({
      section: 'database',
      item: 'Timestream magnetic store, each month of history kept',
      arithmetic: `${n(magneticGb, 1)} GB × $${PRICES.timestream.magneticGbMonth}`,
      usd: magneticGb * PRICES.timestream.magneticGbMonth,
      growsMonthly: true,
    });
  }

  // Platform lines that grow with traffic.
  const natGb = options.telemetryStore === 'timestream' ? (pointsMonth * 100) / 1024 ** 3 : 0;
  add({
    section: 'platform',
    item: 'NAT gateway data processed',
    arithmetic:
      options.telemetryStore === 'timestream'
        ? `${n(natGb, 1)} GB to Timestream × $${PRICES.nat.perGb}`
        : 'ingest reaches Aurora inside the VPC; AWS API calls are small',
    usd: natGb * PRICES.nat.perGb,
  });
  const logGb = (invocationsPerSecond * month * ASSUMED.logBytesPerInvocation) / 1024 ** 3;
  add({
    section: 'platform',
    item: 'CloudWatch Logs (ingest)',
    arithmetic: `${n(logGb, 1)} GB × $${PRICES.cloudwatch.logsIngestedPerGb}`,
    usd: logGb * PRICES.cloudwatch.logsIngestedPerGb,
  });
  const traces = Math.max(0, tracesPerMonth(invocationsPerSecond) - PRICES.xray.freeTracesPerMonth);
  add({
    section: 'platform',
    item: 'X-Ray (ingest traces)',
    arithmetic: `${n(traces)} traces × $${PRICES.xray.tracesPerMillion} / 1M`,
    usd: (traces * PRICES.xray.tracesPerMillion) / 1e6,
  });

  // Users: live dashboards and alarm SMS.
  const webRequests = load.sites * options.dashboardHoursPerSite * 3600 * ASSUMED.dashboardRequestsPerSecond;
  const cloudfrontRequests = Math.max(0, webRequests - PRICES.cloudfront.freeRequests);
  const cloudfrontGb = Math.max(
    0,
    (webRequests * ASSUMED.webBytesPerRequest) / 1024 ** 3 - PRICES.cloudfront.freeGb,
  );
  add({
    section: 'users',
    item: 'CloudFront (live dashboards)',
    arithmetic: `${n(webRequests)} requests (free tier 10M) × $${PRICES.cloudfront.httpsPer10k} / 10k + ${n(cloudfrontGb, 1)} GB over the free TB`,
    usd: (cloudfrontRequests * PRICES.cloudfront.httpsPer10k) / 1e4 + cloudfrontGb * PRICES.cloudfront.perGb,
  });
  add({
    section: 'users',
    item: 'Lambda + API Gateway (live dashboards)',
    arithmetic: `${n(webRequests)} requests × (web ${ASSUMED.webSecondsPerRequest} s + API ${ASSUMED.apiSecondsPerRequest} s at 1 GB, 2 invocations, 1 HTTP API call)`,
    usd:
      webRequests *
      ((ASSUMED.webSecondsPerRequest + ASSUMED.apiSecondsPerRequest) * PRICES.lambda.gbSecond +
        (2 * PRICES.lambda.requestsPerMillion) / 1e6 +
        PRICES.apiGatewayHttpPerMillion / 1e6),
  });
  // A load balancer capacity unit covers 25 new connections a second (each request is one here).
  const lcuHours = webRequests / 3600 / 25;
  add({
    section: 'users',
    item: 'Load balancer capacity units (live dashboards)',
    arithmetic: `${n(lcuHours, 1)} LCU-hours (25 new connections/s each) × $${PRICES.alb.lcuHour}`,
    usd: lcuHours * PRICES.alb.lcuHour,
  });
  add({
    section: 'users',
    item: 'Alarm SMS (SNS, US)',
    arithmetic: `${n(load.sites * options.smsPerSite)} SMS × $${PRICES.smsUs.toFixed(5)}`,
    usd: load.sites * options.smsPerSite * PRICES.smsUs,
  });

  // What the stack costs with nothing connected.
  const scheduledRuns = 5 * HOURS_PER_MONTH * 60; // alarm check, report tick, notify flush, derived-tag timer, each minute (+ hourly housekeeping)
  const fixed: [string, string, number][] = [
    [
      'NAT gateway and its IPv4 address',
      `${HOURS_PER_MONTH} h × ($${PRICES.nat.hour} + $${PRICES.publicIpv4Hour})`,
      HOURS_PER_MONTH * (PRICES.nat.hour + PRICES.publicIpv4Hour),
    ],
    [
      `Aurora minimum capacity (${options.auroraMinAcu} ACU)`,
      `${minAcuHours} ACU-h × $${auroraStorage === 'standard' ? PRICES.aurora.standardAcuHour : PRICES.aurora.ioOptimizedAcuHour}`,
      minAcuHours *
        (auroraStorage === 'standard' ? PRICES.aurora.standardAcuHour : PRICES.aurora.ioOptimizedAcuHour),
    ],
    [
      'Load balancer of the web app (internal, CloudFront VPC origin)',
      `${HOURS_PER_MONTH} h × $${PRICES.alb.hour}`,
      HOURS_PER_MONTH * PRICES.alb.hour,
    ],
    [
      'Secrets (database logins, web cookies, web proxy, TOTP keys, report links)',
      `${STACK_SECRETS} × $${PRICES.secretsManager.secretMonth}`,
      STACK_SECRETS * PRICES.secretsManager.secretMonth,
    ],
    [
      'CloudWatch alarms and dashboard',
      `about 60 alarms × $${PRICES.cloudwatch.alarmMonth} + $${PRICES.cloudwatch.dashboardMonth}`,
      60 * PRICES.cloudwatch.alarmMonth + PRICES.cloudwatch.dashboardMonth,
    ],
    [
      'Scheduled functions (every minute, hourly)',
      `${n(scheduledRuns)} runs × 0.3 s × 0.5 GB`,
      scheduledRuns * (0.3 * 0.5 * PRICES.lambda.gbSecond + PRICES.lambda.requestsPerMillion / 1e6),
    ],
  ];
  for (const [item, arithmetic, value] of fixed) add({ section: 'fixed', item, arithmetic, usd: value });

  const total = usd(lines.reduce((sum, line) => sum + line.usd, 0));
  const tags = load.sites * load.tagsPerSite;
  return {
    lines,
    total,
    tags,
    perThousandTags: usd((total / tags) * 1000),
    traffic,
    sizing,
    alternatives: [
      {
        queue: 'Kinesis Data Streams + ingest invocations',
        arithmetic: `${kinesis.arithmetic} + ${n(invocationsOf('kinesis') * month)} invocations`,
        usd: usd(kinesis.usd + invocationCost('kinesis')),
      },
      {
        queue: 'SQS + ingest invocations (batches of 10)',
        arithmetic: `${sqs.arithmetic} + ${n(invocationsOf('sqs') * month)} invocations`,
        usd: usd(sqs.usd + invocationCost('sqs')),
      },
      { queue: 'Data Firehose (no Lambda trigger)', ...firehose, usd: usd(firehose.usd) },
    ],
    auroraStorage,
  };
}

export { MEASURED };
