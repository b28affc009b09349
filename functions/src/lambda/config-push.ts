// Lambda entry of the config push's re-drive (EventBridge schedule, every minute): config versions
// the broker has not taken yet are published again through IoT Core's data plane.
import { createAwsConfigPushRedrive } from '../compose/aws.ts';

export const handler = await createAwsConfigPushRedrive();
