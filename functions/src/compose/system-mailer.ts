// The service's own e-mail (accounts' links, notices to admins) over the transport reports already use
// in each runtime (SMTP or the outbox locally, SES on AWS): one mail path, not a third.
import type { SystemMailer } from '../platform/mailer.ts';
import type { ReportMail } from '../reports/ports.ts';

/** `Sent`: what the transport answers (the outbox adds the file it kept the message in). */
export function systemMailerOver<Sent extends { messageId: string }>(mailer: {
  send(mail: ReportMail): Promise<Sent>;
}): { send(mail: Parameters<SystemMailer['send']>[0]): Promise<Sent> } {
  return {
    send: (mail) =>
      mailer.send({ to: [mail.to], subject: mail.subject, text: mail.text, html: '', attachments: [] }),
  };
}
