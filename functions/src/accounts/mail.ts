// The e-mails accounts sends: what they say, and where their links point (the web app's pages, with
// the token after # so it never reaches a server log or a Referer header).

export interface AccountLinks {
  /** The web app's public address; null when unknown (the e-mail then gives the token to paste). */
  webAppUrl(): string | null;
}

function link(links: AccountLinks, page: string, token: string): string {
  const base = links.webAppUrl();
  return base
    ? `${base.replace(/\/+$/, '')}/${page}#token=${encodeURIComponent(token)}`
    : `the ${page} page of Plantwatch, with this code: ${token}`;
}

export const accountMail = {
  verifyAddress: (links: AccountLinks, token: string, tenantName: string) => ({
    subject: 'Plantwatch: confirm your e-mail address',
    text:
      `Someone (we hope you) signed up to Plantwatch for ${tenantName} with this address.\n\n` +
      `To confirm the address and log in, open this link within 24 hours:\n${link(links, 'verify-email', token)}\n\n` +
      'If you did not sign up, ignore this e-mail: nothing happens without the link.\n',
  }),
  alreadyRegistered: (links: AccountLinks) => ({
    subject: 'Plantwatch: someone tried to sign up with your address',
    text:
      'Someone tried to sign up to Plantwatch with this e-mail address, which already has an account.\n\n' +
      `If it was you, log in instead, or reset your password: ${links.webAppUrl() ? `${links.webAppUrl()?.replace(/\/+$/, '')}/forgot-password` : 'use "Forgot password" on the login page'}.\n` +
      'If it was not you, ignore this e-mail: your account is unchanged.\n',
  }),
  resetPassword: (links: AccountLinks, token: string) => ({
    subject: 'Plantwatch: reset your password',
    text:
      'Someone (we hope you) asked to reset the Plantwatch password of this address.\n\n' +
      `To choose a new password, open this link within 15 minutes; it works once:\n${link(links, 'reset-password', token)}\n\n` +
      'If you did not ask, ignore this e-mail: your password is unchanged.\n',
  }),
  passwordChanged: (how: 'changed' | 'reset') => ({
    subject: 'Plantwatch: your password was changed',
    text:
      `The Plantwatch password of this address was just ${how}, and your other sessions were signed out.\n\n` +
      'If that was not you, reset your password now and tell your organisation’s Plantwatch admin.\n',
  }),
  mfaChanged: (enabled: boolean) => ({
    subject: enabled ? 'Plantwatch: two-step login is on' : 'Plantwatch: two-step login was turned off',
    text: enabled
      ? 'Logging in to Plantwatch with this address now needs a code from your authenticator app. Keep your recovery codes somewhere safe.\n'
      : 'Logging in to Plantwatch with this address no longer needs a code. If that was not you, reset your password now.\n',
  }),
};
