// Who one escalation level notifies, and how (issue #5). Pure: the caller loads the tenant's
// contacts and rotations and passes the instant; a reference to nothing is reported, not thrown.
import type {
  Contact,
  ContactChannelType,
  EscalationLevel,
  EscalationTarget,
  Language,
  OnCallRotation,
  ReachableChannel,
} from '@plantwatch/shared';
import { isReachable } from '@plantwatch/shared';
import { onCallContactId, type RotationForOnCall } from './on-call.ts';

export interface Recipient {
  contactId: string;
  name: string;
  /**
   * The channels to try, in order: the level's channel order if it names channels, else the contact's.
   * A Telegram channel whose chat is not linked yet is left out (there is nowhere to send).
   */
  channels: ReachableChannel[];
  /** The language the contact's pages go out in (English when the directory does not say). */
  language?: Language | undefined;
}

/** A target that reached nobody, and why; the chain logs it and carries on with the others. */
export interface UnresolvedTarget {
  /** The target's index in the level's `targets`. */
  index: number;
  target: EscalationTarget;
  reason: 'unknown-contact' | 'unknown-rotation' | 'empty-rotation' | 'no-matching-channel';
  /** The contact concerned, when there is one (the on-call contact of a rotation, for example). */
  contactId?: string;
}

export interface ResolvedLevel {
  recipients: Recipient[];
  unresolved: UnresolvedTarget[];
}

export interface PeopleDirectory {
  contacts: readonly (Pick<Contact, 'id' | 'name' | 'channels'> & Partial<Pick<Contact, 'language'>>)[];
  rotations: readonly (RotationForOnCall & Pick<OnCallRotation, 'id'>)[];
}

function channelsFor(
  contact: Pick<Contact, 'channels'>,
  only: readonly ContactChannelType[] | undefined,
): ReachableChannel[] {
  const channels = contact.channels;
  const ordered = only
    ? only.flatMap((type) => channels.filter((channel) => channel.type === type))
    : channels;
  return ordered.filter(isReachable);
}

/**
 * The level's recipients at `at`, in the order of its targets (a rotation stands for whoever is on
 * call), each contact once (where it first appears), with the level's channel filter and order applied.
 */
export function resolveLevel(level: EscalationLevel, directory: PeopleDirectory, at: Date): ResolvedLevel {
  const contacts = new Map(directory.contacts.map((contact) => [contact.id, contact]));
  const rotations = new Map(directory.rotations.map((rotation) => [rotation.id, rotation]));
  const recipients: Recipient[] = [];
  const unresolved: UnresolvedTarget[] = [];
  const seen = new Set<string>();

  level.targets.forEach((target, index) => {
    let contactId: string;
    if (target.type === 'contact') {
      contactId = target.contactId;
    } else {
      const rotation = rotations.get(target.rotationId);
      if (!rotation) {
        unresolved.push({ index, target, reason: 'unknown-rotation' });
        return;
      }
      try {
        contactId = onCallContactId(rotation, at);
      } catch (error) {
        // without members only an override in force names someone
        if (rotation.members.length > 0) throw error;
        unresolved.push({ index, target, reason: 'empty-rotation' });
        return;
      }
    }
    const contact = contacts.get(contactId);
    if (!contact) {
      unresolved.push({ index, target, reason: 'unknown-contact', contactId });
      return;
    }
    if (seen.has(contactId)) return;
    const channels = channelsFor(contact, level.channels);
    if (channels.length === 0) {
      unresolved.push({ index, target, reason: 'no-matching-channel', contactId });
      return;
    }
    seen.add(contactId);
    recipients.push({
      contactId,
      name: contact.name,
      channels,
      ...(contact.language ? { language: contact.language } : {}),
    });
  });
  return { recipients, unresolved };
}
