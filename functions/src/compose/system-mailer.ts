// The service's own e-mail (accounts' links, notices to admins) over the transport reports already use
// in each runtime (SMTP or the outbox locally, SES on AWS): one mail path, not a third.
import type { SystemMailer } from '../platform/mailer.ts';
import type { ReportMailer } from '../reports/ports.ts';

export function systemMailerOver(mailer: ReportMailer): SystemMailer {
  return {
    send: (mail) =>
      mailer.send({ to: [mail.to], subject: mail.subject, text: mail.text, html: '', attachments: [] }),
  };
}
