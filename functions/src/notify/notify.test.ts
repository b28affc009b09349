import { describe, expect, it } from 'vitest';
import { isAckReply, twilioOutcome } from './notify.ts';

describe('which SMS replies acknowledge', () => {
  it.each([
    'ack',
    'ACK',
    'ok',
    'OK!',
    ' Okay ',
    '1',
    'yes',
    'Yes, on my way',
    'sim',
    'Sim, a caminho',
    'reconhecer',
    'Reconheço',
    'confirmo',
    'ciente',
    'si',
    'Sí',
    'vale',
    'recibido',
    'Enterado.',
  ])('acknowledges on %j', (reply) => {
    expect(isAckReply(reply)).toBe(true);
  });

  it.each(['', '   ', 'no', 'não', 'nao', 'not ok', '2', '11', 'who is this?', 'stop', 'okey-dokey later'])(
    'does not acknowledge on %j',
    (reply) => {
      expect(isAckReply(reply)).toBe(false);
    },
  );
});

describe("Twilio's status callbacks", () => {
  it.each([
    [{ MessageStatus: 'delivered' }, { status: 'delivered', error: null }],
    [
      { MessageStatus: 'undelivered', ErrorCode: '30003' },
      { status: 'failed', error: 'twilio: message undelivered (error 30003)' },
    ],
    [{ MessageStatus: 'failed' }, { status: 'failed', error: 'twilio: message failed' }],
    [{ MessageStatus: 'sent' }, null],
    [{ MessageStatus: 'queued' }, null],
    [{ CallStatus: 'completed' }, { status: 'delivered', error: null }],
    [{ CallStatus: 'no-answer' }, { status: 'failed', error: 'twilio: call no-answer' }],
    [{ CallStatus: 'busy' }, { status: 'failed', error: 'twilio: call busy' }],
    [{ CallStatus: 'ringing' }, null],
  ])('reads %j as %j', (params, outcome) => {
    expect(twilioOutcome(Object.entries(params))).toEqual(outcome);
  });
});
