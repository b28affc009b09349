import 'server-only';
// Reads for the outbox page (issue #5): every message the notifier sent, newest first. Operators and
// above: the log holds contacts' numbers and, locally, working acknowledgement links.
import {
  type ContactChannelType,
  type Notification,
  type NotificationPurpose,
  notificationSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { callApi } from './api.ts';
import { query } from './data.ts';
import { viewerWithRole } from './viewer.ts';

export async function listOutbox(filter: {
  channel?: ContactChannelType | undefined;
  purpose?: NotificationPurpose | undefined;
  contactId?: string | undefined;
  limit?: number;
}): Promise<Notification[]> {
  const viewer = await viewerWithRole('operator');
  const path = `/v1/outbox${query({
    channel: filter.channel,
    purpose: filter.purpose,
    contactId: filter.contactId,
    limit: String(filter.limit ?? 100),
  })}`;
  return z
    .object({ notifications: z.array(notificationSchema) })
    .parse(await callApi('GET', path, { token: viewer.token })).notifications;
}
