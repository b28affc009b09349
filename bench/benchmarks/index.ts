// Every benchmark `npm run bench` knows, in the order it runs them. A new benchmark is a module
// in this folder plus one line here.
import type { Benchmark } from '../harness.ts';
import { alarmBacktest } from './alarm-backtest.ts';
import { apiReads } from './api-reads.ts';
import { derivedTimer, derivedTimerOneSecond } from './derived-timer.ts';
import { detectToNotify, detectToNotifyP50 } from './detect-to-notify.ts';
import { detectToNotifyPlant, detectToNotifyPlantP50 } from './detect-to-notify-plant.ts';
import { footprintIdle, footprintRuntime10M } from './footprint.ts';
import { gatewayCpu, gatewayThroughput } from './gateway.ts';
import { gatewayFirstPoll, gatewayRss, gatewayRssPerDevice } from './gateway-footprint.ts';
import { gatewayTraffic, gatewayTrafficBytes, gatewayTrafficOneSecond } from './gateway-traffic.ts';
import {
  ingest,
  ingest10,
  ingest20Cpu,
  ingest20Points,
  ingest100,
  ingest1000,
  ingestDurable,
} from './ingest.ts';
import { queryBenchmarks } from './queries.ts';
import { reportsPdf, reportsXlsx } from './reports.ts';
import { telemetryCompression, telemetryCompression1M } from './telemetry-compression.ts';
import { telemetryWriteCost, telemetryWriteCpu, telemetryWriteStorage } from './telemetry-write-cost.ts';
import { webPagesBenchmarks } from './web-pages.ts';

export const benchmarks: readonly Benchmark[] = [
  apiReads,
  gatewayThroughput,
  gatewayCpu,
  gatewayFirstPoll,
  gatewayRssPerDevice,
  gatewayRss,
  gatewayTraffic,
  gatewayTrafficOneSecond,
  gatewayTrafficBytes,
  ingest,
  ingest10,
  ingest100,
  ingest1000,
  ingest20Points,
  ingestDurable,
  ingest20Cpu,
  ...queryBenchmarks,
  telemetryWriteCost,
  telemetryWriteCpu,
  telemetryWriteStorage,
  telemetryCompression,
  telemetryCompression1M,
  reportsPdf,
  reportsXlsx,
  detectToNotify,
  detectToNotifyP50,
  detectToNotifyPlant,
  detectToNotifyPlantP50,
  alarmBacktest,
  derivedTimer,
  derivedTimerOneSecond,
  footprintIdle,
  footprintRuntime10M,
  ...webPagesBenchmarks,
];
