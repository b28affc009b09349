export { type AlarmCheckSummary, runAlarmCheck, startAlarmCheckTimer } from '../alarms/check.ts';
export { createAlarmEvaluator } from '../alarms/evaluator.ts';
export { createIngestHandler, type IngestHandler } from './handler.ts';
export { type TelemetryEnvelope, telemetryEnvelopeSchema, toSqsEvent, toSqsRecord } from './sqs-envelope.ts';
