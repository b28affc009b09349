import 'server-only';
// Reads for the contacts, on-call rotations and escalation policies pages (issue #5), through the
// same role-checked `read` as the rest of the data layer.
import {
  type Contact,
  contactSchema,
  type EscalationPolicy,
  escalationPolicySchema,
  type OnCallRotation,
  onCallRotationSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { read } from './data.ts';

export const listContacts = async (): Promise<Contact[]> =>
  (await read('/v1/contacts', z.object({ contacts: z.array(contactSchema) }))).contacts;

export const listOnCallRotations = async (): Promise<OnCallRotation[]> =>
  (await read('/v1/on-call-rotations', z.object({ onCallRotations: z.array(onCallRotationSchema) })))
    .onCallRotations;

export const listEscalationPolicies = async (): Promise<EscalationPolicy[]> =>
  (await read('/v1/escalation-policies', z.object({ escalationPolicies: z.array(escalationPolicySchema) })))
    .escalationPolicies;

export const getOnCallRotation = (rotationId: string): Promise<OnCallRotation> =>
  read(`/v1/on-call-rotations/${encodeURIComponent(rotationId)}`, onCallRotationSchema);

export const getContact = (contactId: string): Promise<Contact> =>
  read(`/v1/contacts/${encodeURIComponent(contactId)}`, contactSchema);

export const getEscalationPolicy = (policyId: string): Promise<EscalationPolicy> =>
  read(`/v1/escalation-policies/${encodeURIComponent(policyId)}`, escalationPolicySchema);
