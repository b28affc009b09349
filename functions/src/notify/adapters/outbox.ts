// The local default: the message log row is the delivery. Nothing leaves the machine; the web app
// and GET /v1/outbox show the message, and a reply can be simulated through the Twilio webhook route.
import type { ChannelSender } from '../sender.ts';

export const outboxSender: ChannelSender = {
  provider: 'outbox',
  send: async (message) => ({ providerMessageId: message.notificationId }),
};
