// What the tenant canary says: its test page per channel (short enough for one SMS segment), and the
// e-mail to the tenant's admins when nobody acknowledged it.
import { type ContactChannelType, wallClockMs } from '@plantwatch/shared';

export interface CanaryPageContext {
  tenantName: string;
  contactName: string;
  /** When it must be acknowledged by, and the zone to say it in. */
  dueBy: Date;
  timeZone: string;
  ackWithinMinutes: number;
}

/** HH:MM of an instant on the zone's wall clock. */
export function clockTime(at: Date, timeZone: string): string {
  return new Date(wallClockMs(timeZone, at.getTime())).toISOString().slice(11, 16);
}

/** The test page, worded for its channel. */
export function canaryPageText(
  context: CanaryPageContext,
  channel: ContactChannelType,
): { subject?: string; body: string } {
  const by = clockTime(context.dueBy, context.timeZone);
  const who = `${context.contactName} (${context.tenantName})`;
  switch (channel) {
    case 'sms':
    case 'whatsapp':
      return {
        body: `Plantwatch canary for ${who}: a check that alarm pages reach you. Reply OK by ${by} to confirm.`,
      };
    case 'telegram':
      return {
        body: `Plantwatch canary for ${who}: a check that alarm pages reach you.\nReply OK (or ✅) to this message by ${by} (${context.timeZone}) to confirm.`,
      };
    case 'voice':
      return { body: `This is the Plantwatch canary for ${who}, a check that alarm calls reach you` };
    case 'email':
      return {
        subject: `[Plantwatch] Canary: please acknowledge by ${by}`,
        body:
          `This is the scheduled Plantwatch canary for ${who}: a test page that checks alarm pages reach you and someone answers.\n\n` +
          `Please acknowledge it by ${by} (${context.timeZone}), within ${context.ackWithinMinutes} minutes. ` +
          'If nobody does, the canary counts as missed and the admins are told.',
      };
    case 'webhook':
      return {
        body: `Plantwatch canary for ${who}: acknowledge it in Plantwatch by ${by} (${context.timeZone}).`,
      };
  }
}

/** The admins' e-mail about a missed canary. */
export function missedCanaryText(input: {
  tenantName: string;
  contactName: string;
  slotAt: Date;
  timeZone: string;
  reason: string;
}): { subject: string; body: string } {
  const at = clockTime(input.slotAt, input.timeZone);
  return {
    subject: `[Plantwatch] Canary missed: ${input.contactName} did not acknowledge the ${at} test page`,
    body:
      `The ${at} (${input.timeZone}) canary of ${input.tenantName} to ${input.contactName} was missed: ${input.reason}.\n\n` +
      'A canary nobody answers means a real alarm might not be answered either. Check that the contact ' +
      "can be reached on their channels (a test send from the contact's page helps) and who is on call. " +
      'The run history is under Settings → Canary.',
  };
}
