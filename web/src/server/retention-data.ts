import 'server-only';
// The tenant's retention (everyone may read it; admins change it) and what the nightly runs deleted.
import { type Retention, retentionDeletionSchema, retentionSchema } from '@plantwatch/shared';
import { z } from 'zod';
import { type RetentionRun, retentionRuns } from '../retention-form.ts';
import { query, read } from './data.ts';

/** The runs the page lists; a run records at most one row per kind. */
const RUNS_SHOWN = 10;
const ROWS_PER_RUN = 7;

export const getRetention = (): Promise<Retention> => read('/v1/retention', retentionSchema);

export const listRetentionRuns = async (): Promise<RetentionRun[]> =>
  retentionRuns(
    (
      await read(
        `/v1/retention/deletions${query({ limit: String(RUNS_SHOWN * ROWS_PER_RUN) })}`,
        z.object({ items: z.array(retentionDeletionSchema) }),
      )
    ).items,
    RUNS_SHOWN,
  );
