// The tenant's logo on the local runtime: an admin uploads a PNG or JPEG (checked by its bytes, not
// its label), everyone in the tenant reads it back byte for byte, an admin removes it; the report
// job puts it on the PDF cover (pdfimages lists it) and, once removed, draws the initials again.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { type ApiPlant, createPlantOverApi, tagIdOf } from './testing/plant.ts';

const run = promisify(execFile);

/** A real PNG of `width` × `height` grey RGB pixels (every chunk's CRC right). */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x3c)]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: height }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const logo = png(120, 40);

describe('the tenant logo through the API', () => {
  let api: TestApi;
  let plant: ApiPlant;
  let viewerToken: string;
  let adminToken: string;
  let dir: string;

  const put = (token: string, body: unknown) => api.call('PUT', '/v1/tenant/logo', { token, body });
  const getBytes = async (token: string) => {
    const res = await fetch(`${api.runtime.apiUrl}/v1/tenant/logo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      bytes: Buffer.from(await res.arrayBuffer()),
    };
  };
  const invite = async (role: string) => {
    const email = `${role}-${Date.now()}@example.com`;
    const invited = await api.call('POST', '/v1/users', {
      token: plant.token,
      body: { email, name: role, role },
    });
    const session = await api.call('POST', '/v1/auth/accept-invite', {
      body: { token: invited.body.inviteToken, password: `${role} password 123` },
    });
    return session.body.token as string;
  };

  beforeAll(async () => {
    api = await startTestApi();
    plant = await createPlantOverApi(api, 'logo', {
      device: { key: 'pump-1', name: 'Pump 1', connection: { protocol: 'modbus-tcp', host: '127.0.0.1' } },
      tags: [{ key: 'flow', name: 'Inlet flow', unit: 'm³/h' }],
    });
    viewerToken = await invite('viewer');
    adminToken = await invite('admin');
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-logo-'));
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets an admin upload a PNG that a viewer then reads back byte for byte, and an admin remove it', async () => {
    expect((await getBytes(viewerToken)).status).toBe(404);
    expect((await put(adminToken, { mediaType: 'image/png', data: logo.toString('base64') })).status).toBe(
      204,
    );
    const read = await getBytes(viewerToken);
    expect({ status: read.status, type: read.type }).toEqual({ status: 200, type: 'image/png' });
    expect(Buffer.compare(read.bytes, logo)).toBe(0);

    expect((await api.call('DELETE', '/v1/tenant/logo', { token: adminToken })).status).toBe(204);
    expect((await getBytes(viewerToken)).status).toBe(404);
    const again = await api.call('DELETE', '/v1/tenant/logo', { token: adminToken });
    expect({ status: again.status, code: again.body.error.code }).toEqual({ status: 404, code: 'not_found' });
  });

  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
  const brokenPng = Buffer.concat([logo.subarray(0, 40), Buffer.alloc(40, 0x55), logo.subarray(80)]);
  it.each([
    {
      why: 'a GIF, even labelled PNG',
      body: { mediaType: 'image/png', data: gif.toString('base64') },
      status: 415,
      message: 'must be a PNG or JPEG',
    },
    {
      why: 'a PNG labelled JPEG',
      body: { mediaType: 'image/jpeg', data: logo.toString('base64') },
      status: 400,
      message: 'the data is image/png, not the image/jpeg',
    },
    {
      why: 'over 512 KB',
      body: {
        mediaType: 'image/png',
        data: Buffer.concat([logo, Buffer.alloc(512 * 1024)]).toString('base64'),
      },
      status: 413,
      message: 'at most 524288 are accepted',
    },
    {
      why: 'a PNG whose pixel data is damaged',
      body: { mediaType: 'image/png', data: brokenPng.toString('base64') },
      status: 400,
      message: 'cannot be read',
    },
    {
      why: 'text that is not base64',
      body: { mediaType: 'image/png', data: 'not base64!' },
      status: 400,
      message: 'is not base64',
    },
    {
      why: 'a type other than PNG or JPEG',
      body: { mediaType: 'image/gif', data: gif.toString('base64') },
      status: 400,
      message: 'body.mediaType',
    },
  ])('refuses $why with $status', async ({ body, status, message }) => {
    const res = await put(adminToken, body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toContain(message);
    expect((await getBytes(viewerToken)).status).toBe(404);
  });

  it('puts the logo on the PDF cover, and the initials back once it is removed', async () => {
    const flow = tagIdOf(plant, 'flow');
    await api.runtime.telemetry.write(
      Array.from({ length: 60 }, (_, minute) => ({
        tenantId: plant.tenantId,
        siteId: plant.siteId,
        gatewayId: plant.gatewayId,
        deviceKey: 'pump-1',
        tagKey: 'flow',
        ts: Date.parse('2026-03-02T00:00:00Z') + minute * 60_000,
        value: 40 + minute / 10,
        quality: 'good' as const,
      })),
    );
    const report = await api.call('POST', '/v1/reports', {
      token: plant.token,
      body: {
        name: 'Logo check',
        scope: { tagIds: [flow] },
        period: { from: '2026-03-02T00:00:00Z', to: '2026-03-02T01:00:00Z' },
        bucket: 'hour',
        metrics: ['avg'],
        sections: ['summary'],
        formats: ['pdf'],
        recipients: ['manager@example.com'],
        schedule: { kind: 'daily', at: '06:00' },
        timeZone: 'UTC',
      },
    });
    expect(report.status).toBe(201);

    /** Runs the report and lists the PDF's images (pdfimages -list: two header lines, then one per image). */
    const pdfImages = async (label: string) => {
      const queued = await api.call('POST', `/v1/reports/${report.body.id}/runs`, { token: plant.token });
      const finished = await until(
        'the run to finish',
        async () => {
          const res = await api.call('GET', `/v1/reports/${report.body.id}/runs/${queued.body.id}`, {
            token: plant.token,
          });
          return ['succeeded', 'failed'].includes(res.body.status) ? res.body : undefined;
        },
        60_000,
      );
      expect(finished.status).toBe('succeeded');
      const link = await api.call(
        'POST',
        `/v1/reports/${report.body.id}/runs/${finished.id}/files/${encodeURIComponent(finished.files[0].name)}/link`,
        { token: plant.token },
      );
      const file = join(dir, `${label}.pdf`);
      await writeFile(file, Buffer.from(await (await fetch(link.body.url)).arrayBuffer()));
      const { stdout } = await run('pdfimages', ['-list', file]);
      return stdout
        .trim()
        .split('\n')
        .slice(2)
        .map((line) => line.trim().split(/\s+/))
        .map((cols) => ({ page: Number(cols[0]), width: Number(cols[3]), height: Number(cols[4]) }));
    };

    expect(await pdfImages('initials')).toEqual([]);
    expect((await put(adminToken, { mediaType: 'image/png', data: logo.toString('base64') })).status).toBe(
      204,
    );
    expect(await pdfImages('logo')).toEqual([{ page: 1, width: 120, height: 40 }]);
    expect((await api.call('DELETE', '/v1/tenant/logo', { token: adminToken })).status).toBe(204);
    expect(await pdfImages('removed')).toEqual([]);
  }, 120_000);
});
