// Lambda entry of housekeeping (EventBridge schedule, hourly): expired sessions and acknowledgement
// links deleted, report runs a crash left queued or running marked failed.
import { createAwsHousekeepingDeps } from '../compose/aws.ts';
import { createHousekeepingHandler } from '../housekeeping/housekeeping.ts';

export const handler = createHousekeepingHandler(await createAwsHousekeepingDeps());
