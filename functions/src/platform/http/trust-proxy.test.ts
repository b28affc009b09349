import { describe, expect, it } from 'vitest';
import { PROXY_HEADERS, trustProxy } from './handler.ts';
import type { ApiEvent } from './http.ts';

const event = (headers: Record<string, string>): ApiEvent =>
  ({
    headers,
    requestContext: { http: { sourceIp: '10.0.0.5', userAgent: 'node' } },
  }) as unknown as ApiEvent;

describe("the web app's forwarded client address", () => {
  const secret = 'a-proxy-secret-of-enough-length-0123456789';

  it("is taken, with the browser's User-Agent, when the proxy secret matches", () => {
    const trusted = trustProxy(
      event({
        [PROXY_HEADERS.secret]: secret,
        [PROXY_HEADERS.clientIp]: '203.0.113.7',
        [PROXY_HEADERS.userAgent]: 'Mozilla/5.0 (X11; Linux x86_64)',
      }),
      secret,
    );
    expect(trusted.requestContext.http).toMatchObject({
      sourceIp: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    });
    expect(Object.keys(trusted.headers ?? {})).not.toContain(PROXY_HEADERS.secret);
  });

  it('is ignored (and the headers dropped) from anyone without the secret', () => {
    for (const offered of ['wrong secret', '']) {
      const untrusted = trustProxy(
        event({ [PROXY_HEADERS.secret]: offered, [PROXY_HEADERS.clientIp]: '203.0.113.7' }),
        secret,
      );
      expect(untrusted.requestContext.http.sourceIp).toBe('10.0.0.5');
      expect(untrusted.headers).toEqual({});
    }
    // a runtime that trusts no proxy ignores it too
    const none = trustProxy(
      event({ [PROXY_HEADERS.secret]: secret, [PROXY_HEADERS.clientIp]: '203.0.113.7' }),
      undefined,
    );
    expect(none.requestContext.http.sourceIp).toBe('10.0.0.5');
  });

  it('keeps the real address when the forwarded one is not an address', () => {
    const trusted = trustProxy(
      event({ [PROXY_HEADERS.secret]: secret, [PROXY_HEADERS.clientIp]: '<script>' }),
      secret,
    );
    expect(trusted.requestContext.http.sourceIp).toBe('10.0.0.5');
  });
});
