// Lambda entry of housekeeping (EventBridge schedule, hourly): expired sessions and acknowledgement
// links deleted, report runs a crash left queued or running marked failed, and (PostgreSQL telemetry)
// raw-point partitions past the retention dropped, and each tenant's own retention applied on its night.
import { createAwsHousekeepingDeps } from '../compose/aws.ts';
import { createAwsRetentionRun, createAwsTelemetryRetention } from '../compose/aws-ingest.ts';
import { createHousekeepingHandler } from '../housekeeping/housekeeping.ts';

const housekeeping = createHousekeepingHandler(await createAwsHousekeepingDeps());
const retention = await createAwsTelemetryRetention();
const tenantRetention = await createAwsRetentionRun();

export async function handler() {
  const summary = await housekeeping();
  return {
    ...summary,
    telemetryPartitionsDropped: (await retention()).dropped.length,
    retention: await tenantRetention(),
  };
}
