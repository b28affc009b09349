// The five operations of a configuration resource (list, create, get, update, delete), made by one
// function for the plant model and the people routes; names, summaries, errors and use-cases are
// spelled out by each resource.
import { idSchema } from '@plantwatch/shared';
import { z } from 'zod';
import type { Principal } from '../principal.ts';
import { type Route, routesOn } from './route.ts';

export interface CrudResource<D, T, C, U, F = undefined> {
  tag: string;
  /** Site, Sites: operation ids are list<plural>, create<one>, get<one>, update<one>, delete<one>. */
  one: string;
  plural: string;
  /** The collection's path, its item's id parameter, and the list response's key. */
  path: string;
  param: string;
  listKey: string;
  schema: z.ZodType<T>;
  create: z.ZodType<C>;
  update: z.ZodType<U>;
  /** The list's query string (absent: the list takes none). */
  filter?: z.ZodType<F>;
  summaries: { list: string; create: string; get: string; update: string; delete: string };
  /** Error statuses worth documenting for list, create and update; get gives 404, delete 404 and 409. */
  errors: { list?: number[]; create?: number[]; update: number[] };
  useCases: {
    list(deps: D, principal: Principal, filter: F): Promise<T[]>;
    get(deps: D, principal: Principal, id: string): Promise<T>;
    create(deps: D, principal: Principal, input: C): Promise<T>;
    update(deps: D, principal: Principal, id: string, patch: U): Promise<T>;
    remove(deps: D, principal: Principal, id: string): Promise<void>;
  };
}

export function crudRoutes<D, T, C, U, F = undefined>(r: CrudResource<D, T, C, U, F>): Route<D>[] {
  const { defineRoute } = routesOn<D>();
  const params = z.object({ [r.param]: idSchema });
  const idOf = (p: Record<string, string>) => p[r.param] as string;
  const item = `${r.path}/{${r.param}}`;
  const common = { tag: r.tag } as const;
  return [
    defineRoute({
      ...common,
      operationId: `list${r.plural}`,
      method: 'GET',
      path: r.path,
      summary: r.summaries.list,
      access: 'viewer',
      ...(r.filter ? { query: r.filter } : {}),
      response: z.object({ [r.listKey]: z.array(r.schema) }),
      status: 200,
      ...(r.errors.list ? { errors: r.errors.list } : {}),
      handle: async ({ deps, principal, query }) => ({
        [r.listKey]: await r.useCases.list(deps, principal, query as F),
      }),
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
      ...(r.errors.create ? { errors: r.errors.create } : {}),
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
      errors: r.errors.update,
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
