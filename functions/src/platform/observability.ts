// One structured logger for every handler (JSON lines; CloudWatch on AWS, stdout locally).
// Created once at module scope so warm Lambdas reuse it.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'plantwatch' });
