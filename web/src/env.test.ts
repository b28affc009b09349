import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localAuthSecret, parseWebEnv } from './env.ts';

describe('parseWebEnv', () => {
  it('defaults to the local API, loopback, port 3000 and the production build', () => {
    expect(parseWebEnv({})).toMatchObject({
      API_URL: 'http://127.0.0.1:4000',
      HOST: '127.0.0.1',
      WEB_PORT: 3000,
      WEB_MODE: 'production',
      WEB_DIST_DIR: '.next',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => parseWebEnv({ API_URL: 'not a url' })).toThrow(/API_URL/);
    expect(() => parseWebEnv({ NEXTAUTH_SECRET: 'short' })).toThrow(/NEXTAUTH_SECRET/);
    expect(() => parseWebEnv({ WEB_DIST_DIR: '../elsewhere' })).toThrow(/WEB_DIST_DIR/);
    expect(() => parseWebEnv({ PUBLIC_API_URL: 'ftp://api.example.com' })).toThrow(/PUBLIC_API_URL/);
  });

  it('turns single sign-on on only with issuer, client id and secret together', () => {
    expect(() => parseWebEnv({ OIDC_ISSUER: 'https://id.example.com' })).toThrow(/OIDC_ISSUER/);
    expect(
      parseWebEnv({
        OIDC_ISSUER: 'https://id.example.com',
        OIDC_CLIENT_ID: 'plantwatch',
        OIDC_CLIENT_SECRET: 'shh',
      }).OIDC_NAME,
    ).toBe('single sign-on');
  });

  it('takes a map tile URL only as an http(s) template with {z}, {x} and {y}', () => {
    expect(parseWebEnv({ MAP_TILE_URL: 'https://tiles.example.com/{z}/{x}/{y}.png' }).MAP_TILE_URL).toBe(
      'https://tiles.example.com/{z}/{x}/{y}.png',
    );
    expect(() => parseWebEnv({ MAP_TILE_URL: 'https://tiles.example.com/tile.png' })).toThrow(/MAP_TILE_URL/);
    expect(() => parseWebEnv({ MAP_TILE_URL: 'ftp://tiles.example.com/{z}/{x}/{y}' })).toThrow(
      /MAP_TILE_URL/,
    );
  });

  it('treats an empty value as unset', () => {
    expect(parseWebEnv({ WEB_PORT: '', NEXTAUTH_URL: '' })).toMatchObject({ WEB_PORT: 3000 });
  });
});

describe('localAuthSecret', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('generates a secret once, readable only by its owner, and returns the same one afterwards', async () => {
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-web-secret-'));
    const first = await localAuthSecret(dir);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(await localAuthSecret(dir)).toBe(first);
    expect((await stat(join(dir, 'web', 'nextauth-secret'))).mode & 0o777).toBe(0o600);
  });
});
