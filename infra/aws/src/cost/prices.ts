// The price list `npm run cost` uses, written once: US East (N. Virginia), on-demand, list prices in
// USD as published on the AWS pricing pages. Prices change: check them before you rely on a bill, and
// update PRICES_AS_OF with the list. Lines marked `assumed` are readings of a pricing rule that the page
// leaves open; docs/deploy-aws.md says which.

export const PRICES_AS_OF = '2026-12-07';
export const PRICES_REGION = 'us-east-1';
export const PRICES_SOURCE =
  'AWS pricing pages (IoT Core, Kinesis Data Streams, SQS, Data Firehose, Lambda, Aurora, Timestream, VPC, CloudWatch, X-Ray, CloudFront, Elastic Load Balancing, Secrets Manager, SNS, SES, API Gateway, Step Functions), read for this list';

/** A month, as AWS bills it: 730 hours. */
export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export const PRICES = {
  iot: {
    /** Per million minutes of connection. */
    connectivityPerMillionMinutes: 0.08,
    /** Per million messages through the broker, metered in 5 KB. Basic Ingest skips it. */
    messagingPerMillion: 1.0,
    messagingUnitBytes: 5 * 1024,
    /** Rules engine: per million rules triggered and per million actions executed, 5 KB units (assumed). */
    rulesTriggeredPerMillion: 0.15,
    actionsPerMillion: 0.15,
    rulesUnitBytes: 5 * 1024,
  },
  kinesis: {
    /** Provisioned mode. */
    shardHour: 0.015,
    /** PUT payload units of 25 KB. */
    putUnitsPerMillion: 0.014,
    putUnitBytes: 25 * 1024,
  },
  sqs: {
    /** Standard queue, per million requests, each 64 KB of payload a request. */
    requestsPerMillion: 0.4,
    requestUnitBytes: 64 * 1024,
  },
  firehose: {
    /** Direct PUT, per GB ingested, each record rounded up to 5 KB. */
    perGb: 0.029,
    recordUnitBytes: 5 * 1024,
  },
  lambda: {
    /** arm64. */
    gbSecond: 0.0000133334,
    requestsPerMillion: 0.2,
  },
  aurora: {
    /** Aurora Standard: ACU-hours, storage, I/O. */
    standardAcuHour: 0.12,
    standardStorageGbMonth: 0.1,
    ioPerMillion: 0.2,
    /** Aurora I/O-Optimized: no I/O charge, dearer capacity and storage. */
    ioOptimizedAcuHour: 0.156,
    ioOptimizedStorageGbMonth: 0.225,
    /** A write I/O is 4 KB of log. */
    writeIoBytes: 4096,
  },
  timestream: {
    /** Per million 1 KB writes. */
    writesPerMillion: 0.5,
    memoryGbHour: 0.036,
    magneticGbMonth: 0.03,
    /** Per TCU-hour, billed per second with a 30 s minimum per query (assumed). */
    tcuHour: 0.5,
  },
  nat: { hour: 0.045, perGb: 0.045 },
  publicIpv4Hour: 0.005,
  alb: { hour: 0.0225, lcuHour: 0.008 },
  cloudwatch: {
    logsIngestedPerGb: 0.5,
    logsStoredGbMonth: 0.03,
    alarmMonth: 0.1,
    dashboardMonth: 3.0,
    /** Custom (EMF) metrics, first 10,000. */
    metricMonth: 0.3,
  },
  xray: { tracesPerMillion: 5.0, freeTracesPerMonth: 100_000 },
  cloudfront: {
    /** Always-free tier each month. */
    freeGb: 1024,
    freeRequests: 10_000_000,
    perGb: 0.085,
    httpsPer10k: 0.01,
  },
  secretsManager: { secretMonth: 0.4, per10kCalls: 0.05 },
  apiGatewayHttpPerMillion: 1.0,
  stepFunctionsPer1000Transitions: 0.025,
  /** Per US SMS: SNS's price plus the carriers' fee (assumed). */
  smsUs: 0.00581 + 0.00302,
  sesPer1000: 0.1,
  s3GbMonth: 0.023,
  /** After the first two budgets, per budget-day (assumed: the stack's one budget is free). */
  budgetsFree: 2,
} as const;
