import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { telemetryEnvelopeSchema, toSqsRecord } from './sqs-envelope.ts';

describe('SQS records built by the local runtime', () => {
  it.each([
    ['JSON', Buffer.from('{"v":1}')],
    ['bytes that are not text', Buffer.from([0xff, 0x00, 0xfe])],
    ['an empty payload', Buffer.alloc(0)],
  ])('carry %s intact in the envelope, with the MD5 of the body as SQS gives it', (_, payload) => {
    const record = toSqsRecord({ topic: 'dt/t/s/g/telemetry', payload, receivedAt: 1_700_000_000_000 });
    const envelope = telemetryEnvelopeSchema.parse(JSON.parse(record.body));

    expect(Buffer.from(envelope.payload, 'base64')).toEqual(payload);
    expect(envelope).toMatchObject({ topic: 'dt/t/s/g/telemetry', receivedAt: 1_700_000_000_000 });
    expect(record.md5OfBody).toBe(createHash('md5').update(record.body).digest('hex'));
  });
});
