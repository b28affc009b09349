// Contacts, on-call rotations and escalation policies (issue #5): readable by every role, changed by
// engineers and above, like the rest of the configuration. The three resources have the same five
// operations, made by crudRoutes (as the plant model's); summaries, errors and use-cases are spelled
// out per resource.
import {
  contactSchema,
  contactTestResultSchema,
  createContactSchema,
  createEscalationPolicySchema,
  createOnCallRotationSchema,
  escalationPolicySchema,
  idSchema,
  onCallRotationSchema,
  testContactSchema,
  updateContactSchema,
  updateEscalationPolicySchema,
  updateOnCallRotationSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { crudRoutes } from '../platform/http/crud.ts';
import { type Route, routesOn } from '../platform/http/route.ts';
import { type ContactTestDeps, testContactChannel } from './contact-test.ts';
import type { PeopleDeps } from './people.ts';
import * as people from './people.ts';

const testRoute = routesOn<ContactTestDeps>().defineRoute({
  operationId: 'testContact',
  method: 'POST',
  path: '/v1/contacts/{contactId}/test',
  summary:
    "Send a test message to one of the contact's channels (by index or type) through the normal notifier; the address is checked for its channel first (422 says what to fix), and the result is recorded in the outbox as a test",
  tag: 'people',
  access: 'engineer',
  params: z.object({ contactId: idSchema }),
  body: testContactSchema,
  response: contactTestResultSchema,
  status: 200,
  errors: [404, 422],
  handle: ({ deps, principal, params, body }) => testContactChannel(deps, principal, params.contactId, body),
});

export const peopleRoutes: Route<PeopleDeps & ContactTestDeps>[] = [
  ...crudRoutes({
    tag: 'people',
    one: 'Contact',
    plural: 'Contacts',
    path: '/v1/contacts',
    param: 'contactId',
    listKey: 'contacts',
    schema: contactSchema,
    create: createContactSchema,
    update: updateContactSchema,
    summaries: {
      list: 'The people escalation policies reach, by name',
      create: 'Add a contact with the channels to reach them on, in the order to try them',
      get: 'One contact',
      update: 'Rename a contact or replace their channels',
      delete: 'Delete a contact no rotation or policy names any more (409 says where it is still used)',
    },
    errors: { update: [404] },
    useCases: {
      list: people.listContacts,
      get: people.getContact,
      create: people.createContact,
      update: people.updateContact,
      remove: people.deleteContact,
    },
  }),
  testRoute,
  ...crudRoutes({
    tag: 'people',
    one: 'OnCallRotation',
    plural: 'OnCallRotations',
    path: '/v1/on-call-rotations',
    param: 'rotationId',
    listKey: 'onCallRotations',
    schema: onCallRotationSchema,
    create: createOnCallRotationSchema,
    update: updateOnCallRotationSchema,
    summaries: {
      list: 'The on-call rotations, by name',
      create: 'Add an on-call rotation: members in order, a daily or weekly hand-off, overrides',
      get: 'One on-call rotation',
      update: 'Change an on-call rotation (lists are replaced whole)',
      delete: 'Delete an on-call rotation no policy names any more (409 says where it is still used)',
    },
    errors: { create: [422], update: [404, 422] },
    useCases: {
      list: people.listOnCallRotations,
      get: people.getOnCallRotation,
      create: people.createOnCallRotation,
      update: people.updateOnCallRotation,
      remove: people.deleteOnCallRotation,
    },
  }),
  ...crudRoutes({
    tag: 'people',
    one: 'EscalationPolicy',
    plural: 'EscalationPolicies',
    path: '/v1/escalation-policies',
    param: 'policyId',
    listKey: 'escalationPolicies',
    schema: escalationPolicySchema,
    create: createEscalationPolicySchema,
    update: updateEscalationPolicySchema,
    summaries: {
      list: 'The escalation policies, by name',
      create: 'Add an escalation policy: levels of contacts or rotations, each after its delay, repeated',
      get: 'One escalation policy',
      update: 'Change an escalation policy (levels are replaced whole)',
      delete: 'Delete an escalation policy no alarm rule names any more (409 says which still do)',
    },
    errors: { create: [422], update: [404, 422] },
    useCases: {
      list: people.listEscalationPolicies,
      get: people.getEscalationPolicy,
      create: people.createEscalationPolicy,
      update: people.updateEscalationPolicy,
      remove: people.deleteEscalationPolicy,
    },
  }),
];
