/** Starts and stops escalation chains: Step Functions on AWS, the same ASL run in process locally. */
export interface EscalationStarter {
  /**
   * Idempotent: the execution is named after the alarm event, so a redelivered event finds the
   * running chain (`alreadyStarted: true`) instead of paging everyone a second time.
   */
  start(request: {
    tenantId: string;
    alarmEventId: string;
    alarmId: string;
    policyId: string;
  }): Promise<{ executionName: string; alreadyStarted: boolean }>;
  /**
   * Stops every running chain of the alarm, e.g. once it is acknowledged (from any channel);
   * stopping when none runs is not an error.
   */
  stop(request: { tenantId: string; alarmId: string; reason: string }): Promise<void>;
}
