// Lambda entry of housekeeping (EventBridge schedule, hourly): expired sessions and acknowledgement
// links deleted, report runs a crash left queued or running marked failed, and (PostgreSQL telemetry)
// raw-point partitions past the retention dropped.
import { createAwsHousekeepingDeps } from '../compose/aws.ts';
import { createAwsTelemetryRetention } from '../compose/aws-ingest.ts';
import { createHousekeepingHandler } from '../housekeeping/housekeeping.ts';

const housekeeping = createHousekeepingHandler(await createAwsHousekeepingDeps());
const retention = await createAwsTelemetryRetention();

export async function handler() {
  const summary = await housekeeping();
  return { ...summary, telemetryPartitionsDropped: (await retention()).dropped.length };
}
