// One structured logger for every handler (JSON lines; CloudWatch on AWS, stdout locally).
// Created once at module scope so warm Lambdas reuse it. Inside a message's work (correlation.ts)
// every line carries its `correlationId`.
import { Logger } from '@aws-lambda-powertools/logger';
import { currentCorrelationId } from './correlation.ts';

type Extra = Parameters<Logger['info']>[1];

/** The caller's extra input, with the correlation id added as one more attributes object. */
const correlated = (extra: Extra[]): Extra[] => {
  const correlationId = currentCorrelationId();
  if (!correlationId) return extra;
  // An error or a string as the only extra: Powertools puts it under `error`/`extra`; keep that.
  const [first] = extra;
  if (extra.length === 1 && (typeof first === 'string' || first instanceof Error)) {
    return [{ error: first, correlationId }];
  }
  return [...extra, { correlationId }];
};

class CorrelatedLogger extends Logger {
  override debug(input: Parameters<Logger['debug']>[0], ...extra: Extra[]): void {
    super.debug(input, ...(correlated(extra) as never[]));
  }
  override info(input: Parameters<Logger['info']>[0], ...extra: Extra[]): void {
    super.info(input, ...(correlated(extra) as never[]));
  }
  override warn(input: Parameters<Logger['warn']>[0], ...extra: Extra[]): void {
    super.warn(input, ...(correlated(extra) as never[]));
  }
  override error(input: Parameters<Logger['error']>[0], ...extra: Extra[]): void {
    super.error(input, ...(correlated(extra) as never[]));
  }
}

export const logger: Logger = new CorrelatedLogger({ serviceName: 'plantwatch' });
