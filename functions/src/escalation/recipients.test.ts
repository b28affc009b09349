import type { EscalationLevel } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { type PeopleDirectory, type ResolvedLevel, resolveLevel } from './recipients.ts';

const alice = {
  id: 'alice',
  name: 'Alice',
  channels: [
    { type: 'sms' as const, address: '+447700900001' },
    { type: 'email' as const, address: 'alice@example.com' },
    { type: 'voice' as const, address: '+447700900001' },
  ],
};
const bob = {
  id: 'bob',
  name: 'Bob',
  channels: [
    { type: 'email' as const, address: 'bob@example.com' },
    { type: 'sms' as const, address: '+447700900002' },
    { type: 'sms' as const, address: '+447700900022' },
  ],
};
const carol = {
  id: 'carol',
  name: 'Carol',
  channels: [{ type: 'webhook' as const, address: 'https://hooks.example.com/c' }],
};

const rotation = (id: string, members: string[]) => ({
  id,
  timeZone: 'UTC',
  handoffTime: '08:00',
  period: 'daily' as const,
  handoffDay: null,
  members,
  overrides: [],
  createdAt: '2026-01-05T12:00:00.000Z',
});

const directory: PeopleDirectory = {
  contacts: [alice, bob, carol],
  rotations: [
    rotation('day-shift', ['bob', 'alice']),
    rotation('ghosts', ['deleted']),
    rotation('empty', []),
  ],
};
// at this instant bob is on call in day-shift (the first member, before the first hand-off)
const at = new Date('2026-01-05T13:00:00.000Z');

const contact = (contactId: string) => ({ type: 'contact' as const, contactId });
const onCall = (rotationId: string) => ({ type: 'rotation' as const, rotationId });
const level = (
  targets: EscalationLevel['targets'],
  channels?: EscalationLevel['channels'],
): EscalationLevel => ({
  delayMinutes: 0,
  targets,
  ...(channels ? { channels } : {}),
});
const summary = (resolved: ResolvedLevel) => ({
  recipients: resolved.recipients.map((r) => `${r.contactId}:${r.channels.map((c) => c.address).join(',')}`),
  unresolved: resolved.unresolved.map((u) => `${u.index}:${u.reason}${u.contactId ? `:${u.contactId}` : ''}`),
});

describe('resolveLevel', () => {
  it.each([
    {
      name: 'notifies contacts in the order of the targets, every channel in the contact order',
      level: level([contact('carol'), contact('alice')]),
      recipients: [
        'carol:https://hooks.example.com/c',
        'alice:+447700900001,alice@example.com,+447700900001',
      ],
      unresolved: [],
    },
    {
      name: "keeps only the level's channels, in the level's order",
      level: level([contact('alice')], ['voice', 'email']),
      recipients: ['alice:+447700900001,alice@example.com'],
      unresolved: [],
    },
    {
      name: 'keeps every channel of a type in the contact order',
      level: level([contact('bob')], ['sms']),
      recipients: ['bob:+447700900002,+447700900022'],
      unresolved: [],
    },
    {
      name: 'notifies whoever is on call in a rotation',
      level: level([onCall('day-shift')]),
      recipients: ['bob:bob@example.com,+447700900002,+447700900022'],
      unresolved: [],
    },
    {
      name: 'notifies a contact named twice once, where it first appears',
      level: level([onCall('day-shift'), contact('alice'), contact('bob')], ['email']),
      recipients: ['bob:bob@example.com', 'alice:alice@example.com'],
      unresolved: [],
    },
    {
      name: 'reports an unknown contact and still notifies the others',
      level: level([contact('nobody'), contact('carol')]),
      recipients: ['carol:https://hooks.example.com/c'],
      unresolved: ['0:unknown-contact:nobody'],
    },
    {
      name: 'reports an unknown rotation',
      level: level([onCall('gone'), contact('alice')], ['sms']),
      recipients: ['alice:+447700900001'],
      unresolved: ['0:unknown-rotation'],
    },
    {
      name: 'reports a rotation whose on-call member no longer exists',
      level: level([onCall('ghosts')]),
      recipients: [],
      unresolved: ['0:unknown-contact:deleted'],
    },
    {
      name: 'reports a rotation without members',
      level: level([onCall('empty'), contact('bob')], ['email']),
      recipients: ['bob:bob@example.com'],
      unresolved: ['0:empty-rotation'],
    },
    {
      name: "reports a contact with none of the level's channels",
      level: level([contact('carol'), contact('alice')], ['sms']),
      recipients: ['alice:+447700900001'],
      unresolved: ['0:no-matching-channel:carol'],
    },
  ])('$name', ({ level: input, recipients, unresolved }) => {
    expect(summary(resolveLevel(input, directory, at))).toEqual({ recipients, unresolved });
  });

  it('gives each recipient its name and whole channels', () => {
    const resolved = resolveLevel(level([contact('alice')], ['email']), directory, at);
    expect(resolved.recipients).toEqual([
      { contactId: 'alice', name: 'Alice', channels: [{ type: 'email', address: 'alice@example.com' }] },
    ]);
  });

  it('follows the rotation to the next member after its hand-off', () => {
    const next = resolveLevel(
      level([onCall('day-shift')], ['sms']),
      directory,
      new Date('2026-01-06T08:00:00.000Z'),
    );
    expect(next.recipients.map((r) => r.contactId)).toEqual(['alice']);
  });

  it('reports the target that failed together with its index', () => {
    const resolved = resolveLevel(level([contact('alice'), onCall('gone')]), directory, at);
    expect(resolved.unresolved).toEqual([{ index: 1, target: onCall('gone'), reason: 'unknown-rotation' }]);
  });
});
