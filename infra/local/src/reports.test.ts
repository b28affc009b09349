// Scheduled reports on the local runtime, end to end: seeded telemetry → "run now" → files → signed
// download links; a scheduled run through a real SMTP server on 127.0.0.1 with a stepping clock and
// the missed-run rule; a failing mail server retried and recorded without holding up another tenant.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSmtpReportMailer } from '@plantwatch/functions/reports/adapters/local/report-mailer';
import type { ReportMail } from '@plantwatch/functions/reports/ports';
import type { TelemetryPointRecord } from '@plantwatch/shared';
import ExcelJS from 'exceljs';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi, until } from './testing/harness.ts';
import { createPlantOverApi, tagIdOf } from './testing/plant.ts';

const run = promisify(execFile);
const HOUR = 3_600_000;

interface Plant {
  token: string;
  tenantId: string;
  userId: string;
  siteId: string;
  gatewayId: string;
  tagIds: { flow: string; total: string };
}

async function createPlant(api: TestApi, label: string): Promise<Plant> {
  const plant = await createPlantOverApi(api, label, {
    device: {
      key: 'pump-1',
      name: 'Pump station 1',
      connection: { protocol: 'modbus-tcp', host: '127.0.0.1' },
    },
    tags: [
      // As a PLC tag spells them; the report writes them as people do (m³/h, m³).
      { key: 'flow', name: 'Inlet flow', unit: 'm3/h' },
      { key: 'total', name: 'Flow total', unit: 'm3' },
    ],
  });
  return { ...plant, tagIds: { flow: tagIdOf(plant, 'flow'), total: tagIdOf(plant, 'total') } };
}

/** A point a minute for `hours` hours from `from`: flow 40 ± 10 over the day, the totaliser integrating it. */
async function seedTelemetry(api: TestApi, plant: Plant, from: number, hours: number): Promise<void> {
  const points: TelemetryPointRecord[] = [];
  let total = 1000;
  for (let minute = 0; minute < hours * 60; minute++) {
    const ts = from + minute * 60_000;
    const flow = 40 + 10 * Math.sin((2 * Math.PI * minute) / (24 * 60));
    total += flow / 60;
    const base = {
      tenantId: plant.tenantId,
      siteId: plant.siteId,
      gatewayId: plant.gatewayId,
      deviceKey: 'pump-1',
    };
    points.push({ ...base, tagKey: 'flow', ts, value: flow, quality: 'good' });
    points.push({ ...base, tagKey: 'total', ts, value: total, quality: 'good' });
  }
  for (let i = 0; i < points.length; i += 5000) await api.runtime.telemetry.write(points.slice(i, i + 5000));
}

const reportBody = (plant: Plant, overrides: Record<string, unknown> = {}) => ({
  name: 'Daily pumping',
  scope: { siteIds: [plant.siteId] },
  period: { from: '2026-03-02T00:00:00+01:00', to: '2026-03-04T00:00:00+01:00' },
  bucket: 'hour',
  metrics: ['avg', 'min', 'max', 'difference'],
  sections: ['summary', 'trends', 'table', 'alarms'],
  formats: ['pdf', 'xlsx', 'csv'],
  recipients: ['manager@example.com'],
  schedule: { kind: 'daily', at: '06:00' },
  timeZone: 'Europe/Berlin',
  ...overrides,
});

describe('reports through the API', () => {
  let api: TestApi;
  let plant: Plant;
  let dir: string;

  beforeAll(async () => {
    api = await startTestApi();
    plant = await createPlant(api, 'reports');
    await seedTelemetry(api, plant, Date.parse('2026-03-01T23:00:00Z'), 48);
    dir = await mkdtemp(join(tmpdir(), 'plantwatch-reports-'));
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a definition with a clear message per field', async () => {
    const res = await api.call('POST', '/v1/reports', {
      token: plant.token,
      body: reportBody(plant, {
        formats: ['pdf', 'pdf'],
        schedule: { kind: 'cron', expression: '*/5 * * * *' },
      }),
    });
    expect(res.status).toBe(400);
    const messages = JSON.stringify(res.body.error);
    expect(messages).toContain('must list each format once');
    expect(messages).toContain('a report runs at most once an hour');
  });

  it('runs a report now, stores PDF, XLSX and CSV, and serves them through signed links', async () => {
    const report = (await api.call('POST', '/v1/reports', { token: plant.token, body: reportBody(plant) }))
      .body;
    expect(report).toMatchObject({ enabled: true, timeZone: 'Europe/Berlin', ownerUserId: plant.userId });
    const queued = await api.call('POST', `/v1/reports/${report.id}/runs`, { token: plant.token });
    expect(queued).toMatchObject({ status: 201, body: { status: 'queued', trigger: 'manual' } });
    const finished = await until(
      'the run to finish',
      async () => {
        const res = await api.call('GET', `/v1/reports/${report.id}/runs/${queued.body.id}`, {
          token: plant.token,
        });
        return ['succeeded', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      60_000,
    );
    expect(finished).toMatchObject({
      status: 'succeeded',
      requestedBy: { type: 'user', id: plant.userId },
      period: { from: '2026-03-01T23:00:00.000Z', to: '2026-03-03T23:00:00.000Z' },
      delivery: { status: 'outbox', mode: 'attachments', attempts: 1, recipients: ['manager@example.com'] },
    });
    expect(finished.files.map((f: { name: string }) => f.name)).toEqual([
      'daily-pumping_2026-03-02_2026-03-03.pdf',
      'daily-pumping_2026-03-02_2026-03-03.xlsx',
      'daily-pumping_2026-03-02_2026-03-03.csv',
    ]);

    const download = async (name: string) => {
      const link = await api.call(
        'POST',
        `/v1/reports/${report.id}/runs/${finished.id}/files/${encodeURIComponent(name)}/link`,
        { token: plant.token },
      );
      expect(link.status).toBe(201);
      const res = await fetch(link.body.url);
      expect(res.status).toBe(200);
      return { url: link.body.url as string, res, bytes: Buffer.from(await res.arrayBuffer()) };
    };

    const pdf = await download(finished.files[0].name);
    expect(pdf.res.headers.get('content-type')).toBe('application/pdf');
    await writeFile(join(dir, 'run.pdf'), pdf.bytes);
    const { stdout: text } = await run('pdftotext', ['-layout', join(dir, 'run.pdf'), '-']);
    expect(text).toContain('reports Utilities');
    expect(text).toContain('2026-03-02 00:00 CET to 2026-03-04 00:00 CET');
    expect(text).toMatch(/Inlet flow\s+m³\/h\s+40/);
    await run('pdftoppm', [
      '-r',
      '10',
      '-png',
      '-f',
      '1',
      '-l',
      '1',
      join(dir, 'run.pdf'),
      join(dir, 'page'),
    ]);

    const xlsx = await download(finished.files[1].name);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Summary', 'Pump station 1', 'Alarms']);
    // 48 hourly rows under the header
    expect(workbook.getWorksheet('Pump station 1')?.rowCount).toBe(49);

    const csv = (await download(finished.files[2].name)).bytes.toString('utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(1 + 2 * 48);
    expect(csv.filter((line) => line.includes(',m³/h,'))).toHaveLength(48);

    // the history says who downloaded what
    const history = await api.call('GET', `/v1/reports/${report.id}/runs`, { token: plant.token });
    expect(
      history.body.runs[0].downloads.map((d: { fileName: string; issuedTo: string }) => d.issuedTo),
    ).toEqual([plant.userId, plant.userId, plant.userId]);

    // a link bent to another file, or with its signature changed, is refused
    const bent = pdf.url.replace(/file=[^&]+/, `file=${encodeURIComponent(finished.files[2].name)}`);
    expect((await fetch(bent)).status).toBe(403);
    const forged = pdf.url.replace(/sig=.{5}/, 'sig=AAAAA');
    expect((await fetch(forged)).status).toBe(403);
  }, 120_000);

  it("limits a site-scoped user to reports on their sites, and keeps the report's owner's scope", async () => {
    const otherSite = (
      await api.call('POST', '/v1/sites', { token: plant.token, body: { name: 'Other works' } })
    ).body;
    const onOther = (
      await api.call('POST', '/v1/reports', {
        token: plant.token,
        body: reportBody(plant, { name: 'Other site', scope: { siteIds: [otherSite.id] } }),
      })
    ).body;
    const invite = (
      await api.call('POST', '/v1/users', {
        token: plant.token,
        body: {
          email: `eng-${Date.now()}@example.com`,
          name: 'Site engineer',
          role: 'engineer',
          siteIds: [plant.siteId],
        },
      })
    ).body;
    const engineer = (
      await api.call('POST', '/v1/auth/accept-invite', {
        body: { token: invite.inviteToken, password: 'engineer password 1' },
      })
    ).body.token;
    expect((await api.call('GET', `/v1/reports/${onOther.id}`, { token: engineer })).status).toBe(404);
    const listed = (await api.call('GET', '/v1/reports', { token: engineer })).body.reports.map(
      (r: { id: string }) => r.id,
    );
    expect(listed).not.toContain(onOther.id);
    const refused = await api.call('POST', '/v1/reports', {
      token: engineer,
      body: reportBody(plant, { scope: { siteIds: [otherSite.id] } }),
    });
    expect(refused.status).toBe(404);
  });

  it('sends download links instead of attachments when the files are over the size limit', async () => {
    const deps = api.runtime.reports.deps;
    deps.maxAttachmentBytes = 1024;
    try {
      const report = (
        await api.call('POST', '/v1/reports', {
          token: plant.token,
          body: reportBody(plant, { name: 'Large', formats: ['pdf'], recipients: ['big@example.com'] }),
        })
      ).body;
      const run = (await api.call('POST', `/v1/reports/${report.id}/runs`, { token: plant.token })).body;
      await api.runtime.reports.queue.drain();
      const finished = (
        await api.call('GET', `/v1/reports/${report.id}/runs/${run.id}`, { token: plant.token })
      ).body;
      expect(finished.delivery).toMatchObject({ status: 'outbox', mode: 'link' });
      const mail = (deps.mailer as unknown as { sent: ReportMail[] }).sent.at(-1);
      expect(mail?.to).toEqual(['big@example.com']);
      expect(mail?.attachments).toEqual([]);
      const url = /(http:\/\/\S+\/v1\/report-files\?\S+)/.exec(mail?.text ?? '')?.[1];
      expect(url).toBeDefined();
      const res = await fetch(url as string);
      expect(res.status).toBe(200);
      expect(
        Buffer.from(await res.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      const history = (await api.call('GET', `/v1/reports/${report.id}/runs`, { token: plant.token })).body;
      expect(history.runs[0].downloads).toMatchObject([{ issuedTo: 'big@example.com' }]);
    } finally {
      delete deps.maxAttachmentBytes;
    }
  }, 60_000);

  it('turns the schedule off and on', async () => {
    const report = (await api.call('POST', '/v1/reports', { token: plant.token, body: reportBody(plant) }))
      .body;
    const off = await api.call('POST', `/v1/reports/${report.id}/disable`, { token: plant.token });
    expect(off.body.enabled).toBe(false);
    const on = await api.call('POST', `/v1/reports/${report.id}/enable`, { token: plant.token });
    expect(on.body.enabled).toBe(true);
    expect((await api.call('DELETE', `/v1/reports/${report.id}`, { token: plant.token })).status).toBe(204);
    expect((await api.call('GET', `/v1/reports/${report.id}`, { token: plant.token })).status).toBe(404);
  });
});

/** The local date and time in Berlin, as the report's zone shows it. */
const berlin = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Berlin',
    dateStyle: 'short',
    timeStyle: 'short',
  }).format(new Date(iso));

describe('scheduled delivery over SMTP', () => {
  let api: TestApi;
  let smtp: SMTPServer;
  const received: { to: string[]; raw: Buffer }[] = [];
  /** Recipients this server refuses, to make a send fail. */
  const refuse = new Set<string>();
  // The API stamps new reports with the real time; the scheduler's clock is stepped from there.
  const start = Date.now();
  let now = start;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, callback) {
        if (refuse.has(address.address)) callback(new Error('mailbox unavailable'));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    api = await startTestApi({
      reports: {
        inMemory: true,
        schedule: false,
        mailer: createSmtpReportMailer(`smtp://127.0.0.1:${port}`),
        retryDelaysMs: [10, 10],
        clock: { now: () => new Date(now) },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('e-mails a scheduled report with its PDF attached, once for several missed slots', async () => {
    const plant = await createPlant(api, 'smtp');
    await seedTelemetry(api, plant, Math.floor(start / HOUR) * HOUR - 24 * HOUR, 5 * 24);
    const report = (
      await api.call('POST', '/v1/reports', {
        token: plant.token,
        body: reportBody(plant, {
          period: 'last-day',
          formats: ['pdf', 'csv'],
          sections: ['summary', 'table'],
        }),
      })
    ).body;
    expect(report.enabled).toBe(true);
    expect(await api.runtime.reports.tick()).toEqual([]);

    // The process "was down" for three and a half days: three or four 06:00 slots passed; one run.
    now = start + 3.5 * 24 * HOUR;
    const queued = await api.runtime.reports.tick();
    expect(queued).toHaveLength(1);
    expect(await api.runtime.reports.tick()).toEqual([]);
    await api.runtime.reports.queue.drain();

    const runs = (await api.call('GET', `/v1/reports/${report.id}/runs`, { token: plant.token })).body.runs;
    expect(runs).toHaveLength(1);
    const [scheduled] = runs;
    expect(scheduled).toMatchObject({
      trigger: 'schedule',
      status: 'succeeded',
      delivery: { status: 'sent', transport: 'smtp', attempts: 1, mode: 'attachments' },
      requestedBy: { type: 'user', id: plant.userId },
    });
    // the newest passed slot: 06:00 in Berlin, within the last day
    expect(berlin(scheduled.slotAt).slice(-5)).toBe('06:00');
    expect(now - Date.parse(scheduled.slotAt)).toBeLessThan(24 * HOUR);
    // last-day: the whole Berlin day before the slot's
    expect(berlin(scheduled.period.to)).toBe(`${berlin(scheduled.slotAt).slice(0, 10)} 00:00`);
    expect(berlin(scheduled.period.from).slice(-5)).toBe('00:00');
    const day = berlin(scheduled.period.from).slice(0, 10);

    expect(received).toHaveLength(1);
    expect(received[0]?.to).toEqual(['manager@example.com']);
    const mail = await simpleParser(received[0]?.raw ?? Buffer.alloc(0));
    expect(mail.subject).toBe(
      `Daily pumping: ${day} 00:00 to ${berlin(scheduled.period.to)} (Europe/Berlin)`,
    );
    expect(mail.text).toContain(`Attached: daily-pumping_${day}_${day}.pdf, daily-pumping_${day}_${day}.csv`);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      [`daily-pumping_${day}_${day}.pdf`, 'application/pdf'],
      [`daily-pumping_${day}_${day}.csv`, 'text/csv'],
    ]);
    expect(mail.attachments[0]?.content.subarray(0, 5).toString()).toBe('%PDF-');
    // the CSV attachment holds the seeded day: one row per hour and tag
    const hours = (Date.parse(scheduled.period.to) - Date.parse(scheduled.period.from)) / HOUR;
    expect(mail.attachments[1]?.content.toString('utf8').trimEnd().split('\r\n')).toHaveLength(1 + 2 * hours);
  }, 120_000);

  it("retries a refused send, records the failure, and still delivers another tenant's report", async () => {
    const broken = await createPlant(api, 'refused');
    const healthy = await createPlant(api, 'healthy');
    refuse.add('nobody@example.com');
    const brokenReport = (
      await api.call('POST', '/v1/reports', {
        token: broken.token,
        body: reportBody(broken, {
          period: 'last-day',
          formats: ['csv'],
          recipients: ['nobody@example.com'],
        }),
      })
    ).body;
    const healthyReport = (
      await api.call('POST', '/v1/reports', {
        token: healthy.token,
        body: reportBody(healthy, { period: 'last-day', formats: ['csv'], recipients: ['ops@example.com'] }),
      })
    ).body;
    received.length = 0;
    now = start + 4.6 * 24 * HOUR;
    const queued = await api.runtime.reports.tick();
    expect(queued.map((q) => q.tenantId)).toEqual(
      expect.arrayContaining([broken.tenantId, healthy.tenantId]),
    );
    await api.runtime.reports.queue.drain();

    const runOf = async (plant: Plant, reportId: string) =>
      (await api.call('GET', `/v1/reports/${reportId}/runs`, { token: plant.token })).body.runs[0];
    expect(await runOf(broken, brokenReport.id)).toMatchObject({
      status: 'succeeded',
      delivery: { status: 'failed', attempts: 3, lastError: expect.stringContaining('mailbox unavailable') },
    });
    expect(await runOf(healthy, healthyReport.id)).toMatchObject({
      delivery: { status: 'sent', attempts: 1 },
    });
    const recipients = received.flatMap((r) => r.to);
    expect(recipients).toContain('ops@example.com');
    expect(recipients).not.toContain('nobody@example.com');
  }, 120_000);
});
