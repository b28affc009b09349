// Lambda entry of the held-pages flush (a schedule, every minute): the digests of flood windows that
// have closed, for every tenant that has any (docs/notifications.md "Floods").
import { createAwsHeldPagesFlush } from '../compose/aws.ts';
import { tracedHandler } from '../compose/aws-tracing.ts';

const flush = await createAwsHeldPagesFlush();
export const handler = tracedHandler('notify-flush', async () => ({ digests: await flush() }));
