/**
 * E-mail the service itself sends to a person (a verification or password-reset link, a notice to a
 * tenant's admins). Composition hands it the same transport reports use: SMTP or the local outbox
 * (.eml files under DATA_DIR) locally, SES on AWS. Alarm e-mail goes through the notifier instead.
 */
export interface SystemMailer {
  /** Resolves once the server (or the outbox) took the message; rejects when it did not. */
  send(mail: { to: string; subject: string; text: string }): Promise<{ messageId: string }>;
}
