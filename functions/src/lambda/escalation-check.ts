// Lambda entry of the escalation chain's check task (Step Functions passes the state, returns the result).
import { createAwsEscalationStepDeps } from '../compose/aws.ts';
import { tracedHandler } from '../compose/aws-tracing.ts';
import { escalationStepHandlers } from '../escalation/steps.ts';

// Top-level await: the database is open before the first task runs.
const steps = escalationStepHandlers(await createAwsEscalationStepDeps());
export const handler = tracedHandler('escalation-check', (input: unknown) => steps.check(input));
