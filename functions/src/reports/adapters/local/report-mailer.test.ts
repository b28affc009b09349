import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxReportMailer, outboxFileName } from './report-mailer.ts';

let dataDir = '';
afterEach(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the outbox', () => {
  it('names the kept messages so that their names sort in the order they were sent, within one second too', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-outbox-'));
    const outbox = createOutboxReportMailer(
      dataDir,
      'Plantwatch <accounts@plantwatch.localhost>',
      'accounts',
    );
    const subjects = ['first', 'second', 'third', 'fourth', 'fifth'];
    const sent = [];
    for (const subject of subjects) {
      sent.push(
        await outbox.send({ to: ['olga@example.com'], subject, text: subject, html: '', attachments: [] }),
      );
    }
    const dir = join(dataDir, 'outbox', 'accounts');
    const files = (await readdir(dir)).sort();
    expect(files.map((file) => join(dir, file))).toEqual(sent.map((s) => s.file));
    const parsed = await Promise.all(
      files.map(async (file) => simpleParser(await readFile(join(dir, file)))),
    );
    expect(parsed.map((mail) => mail.subject)).toEqual(subjects);
  });

  it('keeps the time of sending to the millisecond and a message id safe as a file name', () => {
    const at = new Date('2026-12-07T12:34:56.789Z');
    const first = outboxFileName('<a/b:c@plantwatch.localhost>', at);
    const second = outboxFileName('<0@plantwatch.localhost>', at);
    expect(first).toMatch(/^20261207T123456789Z-\d{6}-abc@plantwatch\.localhost\.eml$/);
    expect(first < second).toBe(true);
  });
});
