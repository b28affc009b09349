import { EMPTY_PATCH_MESSAGE } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from './routes.ts';

const patchRoutes = apiRoutes.filter((route) => route.method === 'PATCH');

describe('PATCH routes', () => {
  it('exist (the table below is not empty)', () => {
    expect(patchRoutes.map((route) => route.operationId)).toEqual(
      expect.arrayContaining(['updateAlarmRule', 'updateReport', 'updateOnCallRotation']),
    );
  });

  it.each(patchRoutes.map((route) => [route.operationId, route] as const))(
    '%s refuses an empty body with the empty-patch message',
    (_operationId, route) => {
      expect(route.body, 'a PATCH route takes a body').toBeDefined();
      const result = route.body?.safeParse({});
      expect(result?.success).toBe(false);
      expect(result?.error?.issues).toContainEqual(
        expect.objectContaining({ path: [], message: EMPTY_PATCH_MESSAGE }),
      );
    },
  );
});
