// Lambda entry of timer-based derived tags (ADR 0051, EventBridge schedule, every minute): each derived
// tag with a period computed at the boundaries that passed, stored and handed to the alarms.
import { createAwsDerivedTagTimerHandler } from '../compose/aws.ts';
import { tracedHandler } from '../compose/aws-tracing.ts';

export const handler = tracedHandler('derived-tag-timer', await createAwsDerivedTagTimerHandler());
