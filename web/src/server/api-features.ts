import 'server-only';
// Which optional alarm routes the API offers, read from its OpenAPI document: the alarm console shows
// shelving only where the API can do it, and follows whether a route is addressed by rule or alarm.
import { z } from 'zod';
import { callApi } from './api.ts';

export type AlarmAddress = 'ruleId' | 'alarmId';
export interface AlarmRouteSupport {
  shelve: AlarmAddress | null;
  unshelve: AlarmAddress | null;
}

const openApiSchema = z.object({ paths: z.record(z.string(), z.unknown()) });
const CACHE_MS = 60_000;
let cached: { at: number; support: AlarmRouteSupport } | undefined;

function addressOf(paths: string[], action: string): AlarmAddress | null {
  for (const path of paths) {
    const match = /^\/v1\/alarms\/\{(ruleId|alarmId)\}\/(\w+)$/.exec(path);
    if (match?.[2] === action) return match[1] as AlarmAddress;
  }
  return null;
}

export async function alarmRouteSupport(): Promise<AlarmRouteSupport> {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.support;
  const paths = Object.keys(openApiSchema.parse(await callApi('GET', '/v1/openapi.json')).paths);
  const support = { shelve: addressOf(paths, 'shelve'), unshelve: addressOf(paths, 'unshelve') };
  cached = { at: Date.now(), support };
  return support;
}

/** The API path for an optional alarm action, or null when the API does not offer it. */
export async function alarmActionPath(
  action: 'shelve' | 'unshelve',
  ids: { ruleId: string; alarmId: string },
): Promise<string | null> {
  const address = (await alarmRouteSupport())[action];
  return address ? `/v1/alarms/${encodeURIComponent(ids[address])}/${action}` : null;
}
