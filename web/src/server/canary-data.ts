import 'server-only';
// The tenant canary's settings (admins) and its runs (everyone), as the API keeps them.
import {
  type CanaryRun,
  type CanarySettings,
  canaryRunSchema,
  canarySettingsSchema,
} from '@plantwatch/shared';
import { z } from 'zod';
import { query, read } from './data.ts';

export const getCanarySettings = (): Promise<CanarySettings> =>
  read('/v1/settings/canary', canarySettingsSchema, 'admin');

export const listCanaryRuns = async (limit = 50): Promise<CanaryRun[]> =>
  (
    await read(
      `/v1/canary/runs${query({ limit: String(limit) })}`,
      z.object({ runs: z.array(canaryRunSchema) }),
    )
  ).runs;
