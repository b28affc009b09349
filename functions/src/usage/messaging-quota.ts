// The plan's SMS and voice allowances, applied where pages leave: a Notifier around the notifier. Over
// the month's allowance a page to a phone goes to the contact's e-mail address instead (said so in the
// message), and the tenant's admins are told once a month. Counts come from the message log, which
// records every message sent.

import type { AccountRepositories } from '../accounts/ports.ts';
import type { NotificationMessage, NotificationReceipt, Notifier } from '../notify/ports.ts';
import type { PeopleRepositories } from '../people/ports.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { SystemMailer } from '../platform/mailer.ts';
import { logger } from '../platform/observability.ts';
import { monthBounds, utcDay, utcMonth } from './plans.ts';
import type { UsageRepositories } from './ports.ts';

export interface MessagingQuotaOptions {
  store: TenantStore<
    Pick<UsageRepositories, 'usage' | 'tenantPlan'> &
      Pick<PeopleRepositories, 'contacts'> &
      Pick<AccountRepositories, 'users' | 'tenant'>
  >;
  clock: Clock;
  /** Tells the tenant's admins the allowance ran out. */
  mailer: SystemMailer;
}

/** A page refused because the allowance ran out and the contact has no e-mail to fall over to. */
export class MessagingQuotaError extends Error {
  /** Trying again this month cannot help; the chain moves on to the contact's next channel. */
  readonly retryable = false;
}

type Allowance = { limit: 'smsPerMonth' | 'voiceCallsPerMonth'; noun: string };
const allowances: Partial<Record<NotificationMessage['channel'], Allowance>> = {
  sms: { limit: 'smsPerMonth', noun: 'SMS' },
  whatsapp: { limit: 'smsPerMonth', noun: 'SMS' },
  voice: { limit: 'voiceCallsPerMonth', noun: 'voice call' },
};

export function withMessagingQuota<N extends Notifier>(notifier: N, options: MessagingQuotaOptions): N {
  const { store, clock } = options;

  async function tellAdmins(tenantId: string, text: { subject: string; body: string }): Promise<void> {
    const now = clock.now();
    const { first, admins } = await store.inTenant(tenantId, async (repos) => ({
      first: await repos.usage.claimMessagingNotice(utcDay(now), monthBounds(utcMonth(now)).firstDay, now),
      admins: (await repos.users.list()).filter(
        (user) => user.status === 'active' && (user.role === 'admin' || user.role === 'owner'),
      ),
    }));
    if (!first) return;
    for (const admin of admins) {
      try {
        await options.mailer.send({ to: admin.email, subject: text.subject, text: text.body });
      } catch (error) {
        logger.error('telling an admin the messaging allowance ran out failed', { tenantId, error });
      }
    }
  }

  return {
    ...notifier,
    async send(message: NotificationMessage): Promise<NotificationReceipt> {
      const allowance = allowances[message.channel];
      if (!allowance) return notifier.send(message);
      const now = clock.now();
      const { start, end } = monthBounds(utcMonth(now));
      const over = await store.inTenant(message.tenantId, async (repos) => {
        const plan = await repos.tenantPlan.get();
        const allowed = plan.limits[allowance.limit];
        if (allowed === null) return null;
        const used = await repos.usage.messaging(start, end);
        const count = allowance.limit === 'smsPerMonth' ? used.sms : used.voiceCalls;
        if (count < allowed) return null;
        const email =
          message.flood?.fallbacks.find((channel) => channel.type === 'email')?.address ??
          (message.contactId
            ? (await repos.contacts.get(message.contactId))?.channels.find((c) => c.type === 'email')?.address
            : undefined);
        return { allowed, plan: plan.plan.name, email, tenantName: (await repos.tenant.get()).name };
      });
      if (!over) return notifier.send(message);

      const why = `this month's ${allowance.noun} allowance of the ${over.plan} plan (${over.allowed}) is used up`;
      await tellAdmins(message.tenantId, {
        subject: `Plantwatch: ${over.tenantName} has used this month's ${allowance.noun} allowance`,
        body:
          `${over.tenantName} has sent the ${over.allowed} ${allowance.noun} messages its ${over.plan} plan allows this month (UTC).\n\n` +
          `Until the month ends, pages that would go by ${allowance.noun} go by e-mail to contacts that have an e-mail address; ` +
          'contacts without one are paged on their next channel. Move to a larger plan or add messaging to raise the allowance.\n',
      }).catch((error) => logger.error('the messaging allowance notice failed', { error }));
      if (!over.email) {
        throw new MessagingQuotaError(
          `${message.channel}: not sent, ${why}, and the contact has no e-mail address`,
        );
      }
      // The same idempotency key: a retried escalation step finds this e-mail as the page it sent.
      return notifier.send({
        ...message,
        channel: 'email',
        to: over.email,
        subject: message.subject ?? `Plantwatch alarm (by e-mail: ${allowance.noun} allowance used up)`,
        body: `${message.body}\n\n(Sent by e-mail instead of ${allowance.noun}: ${why}.)`,
      });
    },
  };
}
