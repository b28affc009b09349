import { describe, expect, it } from 'vitest';
import { isAckReply } from './notify.ts';

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
