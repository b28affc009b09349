// Report e-mail locally: real SMTP when SMTP_URL is set (nodemailer), else the outbox: the rendered
// message is kept as an .eml file under DATA_DIR/outbox/reports (and logged in the notifications table
// by the report job), so a developer can open exactly what would have been sent.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { ReportMail, ReportMailer } from '../../ports.ts';

export const DEFAULT_REPORT_SENDER = 'Plantwatch reports <reports@plantwatch.localhost>';

function toNodemailer(from: string, mail: ReportMail) {
  return {
    from,
    to: [...mail.to],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename,
      content: Buffer.from(attachment.content),
      contentType: attachment.contentType,
    })),
  };
}

export function createSmtpReportMailer(
  smtpUrl: string,
  from = DEFAULT_REPORT_SENDER,
): ReportMailer & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    transport: 'smtp',
    async send(mail) {
      const info = await transport.sendMail(toNodemailer(from, mail));
      if (info.rejected.length > 0) throw new Error(`the mail server refused ${info.rejected.join(', ')}`);
      return { messageId: info.messageId };
    },
    close: () => transport.close(),
  };
}

/** A report mailer that says which file it kept each message in. */
export interface OutboxMailer extends ReportMailer {
  send(mail: ReportMail): Promise<{ messageId: string; file: string }>;
}

/** The outbox's kept messages: file names that sort in the order they were sent. */
let outboxSequence = 0;

/**
 * `<sent at, UTC to the millisecond>-<sequence>-<message id>.eml`: a directory listing (and a sort of
 * the names) is the order the messages were sent in, even for two sent within one second, which their
 * Date headers cannot tell apart.
 */
export function outboxFileName(messageId: string, sentAt: Date): string {
  outboxSequence = (outboxSequence + 1) % 1_000_000;
  const at = sentAt.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${at}-${String(outboxSequence).padStart(6, '0')}-${messageId.replace(/[^\w.@-]/g, '')}.eml`;
}

/** `folder`: reports' mail under outbox/reports; the accounts' (verification, reset links) under outbox/accounts. */
export function createOutboxReportMailer(
  dataDir: string,
  from = DEFAULT_REPORT_SENDER,
  folder: 'reports' | 'accounts' = 'reports',
): OutboxMailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = join(resolve(dataDir), 'outbox', folder);
  return {
    transport: 'outbox',
    async send(mail) {
      const info = await transport.sendMail(toNodemailer(from, mail));
      await mkdir(dir, { recursive: true });
      const file = join(dir, outboxFileName(info.messageId, new Date()));
      await writeFile(file, info.message as Buffer);
      return { messageId: info.messageId, file };
    },
  };
}

/** Tests: keeps every message in memory, as the outbox would. */
export function createMemoryReportMailer(): ReportMailer & { sent: ReportMail[] } {
  const sent: ReportMail[] = [];
  return {
    transport: 'outbox',
    sent,
    async send(mail) {
      sent.push(mail);
      return { messageId: `<report-${sent.length}@plantwatch.localhost>` };
    },
  };
}
