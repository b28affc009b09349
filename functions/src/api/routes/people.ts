// Contacts, on-call rotations and escalation policies (issue #5): readable by every role, changed by
// engineers and above, like the rest of the configuration. The three resources have the same five
// operations, made by one function; summaries, errors and use-cases are spelled out per resource.
import {
  contactSchema,
  createContactSchema,
  createEscalationPolicySchema,
  createOnCallRotationSchema,
  escalationPolicySchema,
  idSchema,
  onCallRotationSchema,
  updateContactSchema,
  updateEscalationPolicySchema,
  updateOnCallRotationSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import type { ApiDeps } from '../../use-cases/deps.ts';
import * as people from '../../use-cases/people.ts';
import type { Principal } from '../../use-cases/principal.ts';
import { defineRoute, type Route } from '../route.ts';

interface PeopleResource<T, C, U> {
  /** Contact, Contacts: operation ids are list<plural>, create<one>, … */
  one: string;
  plural: string;
  /** The collection's path, its item's id parameter, and the list response's key. */
  path: string;
  param: string;
  listKey: string;
  schema: z.ZodType<T>;
  create: z.ZodType<C>;
  update: z.ZodType<U>;
  summaries: { list: string; create: string; get: string; update: string; delete: string };
  /** Error statuses worth documenting besides 404 (get, update, delete) and 409 (delete). */
  createErrors?: number[];
  updateErrors?: number[];
  useCases: {
    list(deps: ApiDeps, principal: Principal): Promise<T[]>;
    get(deps: ApiDeps, principal: Principal, id: string): Promise<T>;
    create(deps: ApiDeps, principal: Principal, input: C): Promise<T>;
    update(deps: ApiDeps, principal: Principal, id: string, patch: U): Promise<T>;
    remove(deps: ApiDeps, principal: Principal, id: string): Promise<void>;
  };
}

function peopleRoutesFor<T, C, U>(r: PeopleResource<T, C, U>): Route[] {
  const params = z.object({ [r.param]: idSchema });
  const idOf = (p: Record<string, string>) => p[r.param] as string;
  const item = `${r.path}/{${r.param}}`;
  const common = { tag: 'people' } as const;
  return [
    defineRoute({
      ...common,
      operationId: `list${r.plural}`,
      method: 'GET',
      path: r.path,
      summary: r.summaries.list,
      access: 'viewer',
      response: z.object({ [r.listKey]: z.array(r.schema) }),
      status: 200,
      handle: async ({ deps, principal }) => ({ [r.listKey]: await r.useCases.list(deps, principal) }),
    }),
    defineRoute({
      ...common,
      operationId: `create${r.one}`,
      method: 'POST',
      path: r.path,
      summary: r.summaries.create,
      access: 'engineer',
      body: r.create,
      response: r.schema,
      status: 201,
      ...(r.createErrors ? { errors: r.createErrors } : {}),
      handle: ({ deps, principal, body }) => r.useCases.create(deps, principal, body),
    }),
    defineRoute({
      ...common,
      operationId: `get${r.one}`,
      method: 'GET',
      path: item,
      summary: r.summaries.get,
      access: 'viewer',
      params,
      response: r.schema,
      status: 200,
      errors: [404],
      handle: ({ deps, principal, params }) => r.useCases.get(deps, principal, idOf(params)),
    }),
    defineRoute({
      ...common,
      operationId: `update${r.one}`,
      method: 'PATCH',
      path: item,
      summary: r.summaries.update,
      access: 'engineer',
      params,
      body: r.update,
      response: r.schema,
      status: 200,
      errors: r.updateErrors ?? [404],
      handle: ({ deps, principal, params, body }) => r.useCases.update(deps, principal, idOf(params), body),
    }),
    defineRoute({
      ...common,
      operationId: `delete${r.one}`,
      method: 'DELETE',
      path: item,
      summary: r.summaries.delete,
      access: 'engineer',
      params,
      status: 204,
      errors: [404, 409],
      handle: async ({ deps, principal, params }) => {
        await r.useCases.remove(deps, principal, idOf(params));
        return undefined;
      },
    }),
  ];
}

export const peopleRoutes: Route[] = [
  ...peopleRoutesFor({
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
    useCases: {
      list: people.listContacts,
      get: people.getContact,
      create: people.createContact,
      update: people.updateContact,
      remove: people.deleteContact,
    },
  }),
  ...peopleRoutesFor({
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
    createErrors: [422],
    updateErrors: [404, 422],
    useCases: {
      list: people.listOnCallRotations,
      get: people.getOnCallRotation,
      create: people.createOnCallRotation,
      update: people.updateOnCallRotation,
      remove: people.deleteOnCallRotation,
    },
  }),
  ...peopleRoutesFor({
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
    createErrors: [422],
    updateErrors: [404, 422],
    useCases: {
      list: people.listEscalationPolicies,
      get: people.getEscalationPolicy,
      create: people.createEscalationPolicy,
      update: people.updateEscalationPolicy,
      remove: people.deleteEscalationPolicy,
    },
  }),
];
