// Lambda entry of the migrations custom resource (ADR 0026): on Create and Update, the config store's
// migrations, the telemetry store's schema and the functions' login (compose/aws-migrate.ts), then
// the answer to CloudFormation at the pre-signed ResponseURL. The functions are updated after it, so
// they never migrate on a cold start.
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { parseAwsMigrateEnv } from '../compose/aws-env.ts';
import { runAwsMigrations } from '../compose/aws-migrate.ts';
import { logger } from '../platform/observability.ts';

const PHYSICAL_ID = 'plantwatch-config-migrations';

export async function respond(
  event: CloudFormationCustomResourceEvent,
  context: Pick<Context, 'logStreamName'>,
  outcome: { status: 'SUCCESS' } | { status: 'FAILED'; reason: string },
  send: typeof fetch = fetch,
): Promise<void> {
  const body = JSON.stringify({
    Status: outcome.status,
    Reason: outcome.status === 'FAILED' ? outcome.reason : `See ${context.logStreamName}`,
    PhysicalResourceId: PHYSICAL_ID,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  // The pre-signed URL is signed for an empty content type.
  const response = await send(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
  if (!response.ok) throw new Error(`CloudFormation refused the response: HTTP ${response.status}`);
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  try {
    // Deleting the stack keeps the database (it snapshots); there is nothing to undo.
    if (event.RequestType !== 'Delete') {
      // Read on every run: the secrets may have rotated since the last deploy.
      const summary = await runAwsMigrations(parseAwsMigrateEnv());
      logger.info('migrations applied', { requestType: event.RequestType, ...summary });
    }
    await respond(event, context, { status: 'SUCCESS' });
  } catch (error) {
    logger.error('migrations failed', { error });
    const reason = error instanceof Error ? error.message : String(error);
    await respond(event, context, { status: 'FAILED', reason: reason.slice(0, 1000) });
  }
}
