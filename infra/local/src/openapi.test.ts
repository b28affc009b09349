import { apiRoutes } from '@plantwatch/functions/platform/http/index';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './testing/harness.ts';

describe('OpenAPI document at /v1/openapi.json', () => {
  let api: TestApi;
  // biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is read as plain JSON here
  let document: any;
  beforeAll(async () => {
    api = await startTestApi();
    const res = await api.call('GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    document = res.body;
  });
  afterAll(async () => {
    await api.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document));
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('describes every route with its operation id, security and error envelope', () => {
    for (const route of apiRoutes) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(operation.security).toEqual(route.access === 'public' ? [] : [{ bearer: [] }]);
      expect(operation.responses[String(route.status)]).toBeDefined();
      expect(operation.responses['400'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/Error',
      );
    }
  });

  it('generates request and response schemas from the zod schemas, constraints included', () => {
    const createSite = document.components.schemas.CreateSite;
    expect(createSite.properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 200 });
    expect(createSite.additionalProperties).toBe(false);
    const device = document.paths['/v1/devices'].post.requestBody.content['application/json'].schema;
    expect(device.$ref).toBe('#/components/schemas/CreateDevice');
    expect(document.components.schemas.Site.required).toEqual(
      expect.arrayContaining(['id', 'tenantId', 'name']),
    );
  });
});
