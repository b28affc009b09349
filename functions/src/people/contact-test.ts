// A test send to one of a contact's channels (issue 12): the address is checked for its channel first
// (a phone number in an e-mail channel, an e-mail in an SMS one, a Telegram chat not linked yet…: 422
// with a message saying what to fix), then the message goes through the normal notifier, so it is in
// the message log as a test, with the provider's answer.
import {
  type Contact,
  type ContactTestResult,
  contactChannelSchema,
  InvalidInputError,
  NotFoundError,
  type TestContact,
} from '@plantwatch/shared';
import { NotificationFailedError } from '../notify/notifier.ts';
import { toNotification } from '../notify/notify.ts';
import { pageTranslator } from '../notify/page-messages.ts';
import type { NotificationSecrets, Notifier } from '../notify/ports.ts';
import type { NotifyRepositories } from '../notify/repositories.ts';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import type { IdGenerator } from '../platform/id-generator.ts';
import type { Principal } from '../platform/principal.ts';
import type { PeopleRepositories } from './ports.ts';

/** The ports a test send runs on: the contact, the notifier, the message log and the tenant's secrets. */
export interface ContactTestDeps {
  store: TenantStore<Pick<PeopleRepositories, 'contacts'> & Pick<NotifyRepositories, 'notifications'>>;
  notifier: Notifier;
  notify: { secrets: NotificationSecrets };
  clock: Clock;
  ids: IdGenerator;
}

const invalid = (field: string, message: string) =>
  new InvalidInputError(`${field}: ${message}`, { details: { field } });

/**
 * Country codes whose national numbers start with a trunk 0 that E.164 drops (+44 7700…, not
 * +44 07700…). Italy (+39) keeps its 0 and is not here.
 */
const TRUNK_ZERO_CODES = [
  '44',
  '49',
  '33',
  '31',
  '32',
  '41',
  '43',
  '46',
  '47',
  '353',
  '61',
  '64',
  '27',
  '81',
  '82',
  '86',
  '91',
  '55',
  '62',
  '66',
  '90',
];

function trunkZero(number: string): string | null {
  const code = TRUNK_ZERO_CODES.find((candidate) => number.startsWith(`+${candidate}0`));
  return code ? `+${code} ${number.slice(code.length + 2)}` : null;
}

function pickChannel(contact: Contact, which: TestContact['channel']): number {
  if (typeof which === 'number') {
    if (which >= contact.channels.length) {
      throw invalid(
        'channel',
        `the contact has ${contact.channels.length} channel${contact.channels.length === 1 ? '' : 's'} (0 to ${contact.channels.length - 1})`,
      );
    }
    return which;
  }
  const index = contact.channels.findIndex((channel) => channel.type === which);
  if (index < 0) throw invalid('channel', `the contact has no ${which} channel`);
  return index;
}

/** The address checked for its channel before anything is sent. */
async function checkAddress(deps: ContactTestDeps, principal: Principal, contact: Contact, index: number) {
  const channel = contact.channels[index];
  const field = `channels.${index}.address`;
  if (!channel) throw invalid('channel', 'no such channel');
  if (channel.type === 'telegram' && !channel.address) {
    throw invalid(
      field,
      'the Telegram chat is not linked yet: get a code with POST /v1/contacts/{contactId}/telegram-link and have the person send it to the bot',
    );
  }
  const parsed = contactChannelSchema.safeParse(channel);
  if (!parsed.success)
    throw invalid(field, parsed.error.issues[0]?.message ?? 'is not valid for this channel');
  const address = channel.address ?? '';
  if (channel.type === 'sms' || channel.type === 'voice' || channel.type === 'whatsapp') {
    const fixed = trunkZero(address);
    if (fixed) {
      throw invalid(
        field,
        `keeps the national 0 after the country code: write it as ${fixed.replace(' ', '')} (${address} cannot be dialled)`,
      );
    }
  }
  if (channel.type === 'telegram' && !(await deps.notify.secrets.get(principal.tenantId)).telegramBotToken) {
    throw invalid(
      'channel',
      'the tenant has no Telegram bot: an admin sets its token in the notification settings (telegramBotToken) first',
    );
  }
  return { type: channel.type, address };
}

export async function testContactChannel(
  deps: ContactTestDeps,
  principal: Principal,
  contactId: string,
  input: TestContact,
): Promise<ContactTestResult> {
  const contact = await deps.store.inTenant(principal.tenantId, (repos) => repos.contacts.get(contactId));
  if (!contact) throw new NotFoundError('contact not found');
  const index = pickChannel(contact, input.channel);
  const channel = await checkAddress(deps, principal, contact, index);
  const at = deps.clock.now().toISOString().slice(0, 16).replace('T', ' ');
  // In the contact's language, as their pages are.
  const t = pageTranslator(contact.language);
  const body = t('testBody', { name: contact.name, channel: t(`channel.${channel.type}`), time: at });
  let notificationId: string | undefined;
  let error: string | null = null;
  try {
    const receipt = await deps.notifier.send({
      tenantId: principal.tenantId,
      channel: channel.type,
      to: channel.address,
      ...(channel.type === 'email' ? { subject: t('testSubject') } : {}),
      body,
      contactId,
      purpose: 'test',
      idempotencyKey: `test:${contactId}:${index}:${deps.ids.newId()}`,
    });
    notificationId = receipt.notificationId;
  } catch (failure) {
    if (!(failure instanceof NotificationFailedError)) throw failure;
    notificationId = failure.notificationId;
    error = failure.message;
  }
  const row = notificationId
    ? await deps.store.inTenant(principal.tenantId, (repos) => repos.notifications.get(notificationId))
    : null;
  if (!row) throw new Error('the test message is not in the message log');
  return {
    ok: error === null,
    channelIndex: index,
    channel: channel.type,
    error,
    notification: toNotification(row),
  };
}
