// End-to-end in Chromium: the account flows of issue 15 (ADR 0031) through the web app, against a local
// runtime whose account e-mails land in DATA_DIR/outbox/accounts: sign-up and its link, password change
// and reset, sessions, two-step login (set up, log in with a code or a recovery code, required by policy
// and set up at login), an admin's view of a user's login protection while an attacker hammers the
// account, and the plan limit on tag creation with the plan and usage page.
import { changeTenantPlan } from '@plantwatch/functions/usage/usage';
import { Secret, TOTP } from 'otpauth';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  checkBasics,
  DEMO,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  PHONE,
  startE2e,
} from './harness.ts';

let e2e: E2e;
let web: E2e['web'];

beforeAll(async () => {
  e2e = await startE2e();
  web = e2e.web;
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';

const step = (at = Date.now()) => Math.floor(at / 30_000);
/** The last 30-second step each secret's code was used in: the API accepts a step once per user. */
const usedSteps = new Map<string, number>();

/**
 * The code an authenticator app would show for `secret`, marked as used: the current step's, or the
 * next step's when the current one was used already (the API allows one step of drift).
 */
function totpCode(secret: string): string {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
  const next = Math.max(step(), (usedSteps.get(secret) ?? -1) + 1);
  usedSteps.set(secret, next);
  return totp.generate({ timestamp: next * 30_000 + 1 });
}

/** Every link of the e-mails to `to` whose subject matches, oldest first, on this run's web server. */
async function mailedLinks(to: string, subject: RegExp): Promise<string[]> {
  const mails = (await e2e.mailbox(to)).filter((mail) => subject.test(mail.subject));
  return mails.flatMap((mail) => {
    const link = mail.text.match(/https?:\/\/\S+#token=[A-Za-z0-9_%-]+/)?.[0];
    if (!link) return [];
    const url = new URL(link);
    return [`${web.url}${url.pathname}${url.hash}`];
  });
}

/** The login form's first step, on the login page already open. */
async function submitLogIn(page: Page, email: string, password: string) {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('accounts in Chromium', () => {
  const owner = {
    name: 'Olga Owner',
    email: `owner-${Date.now()}@millbrook.example`,
    password: 'amber lighthouse orchard',
  };
  const admin = { email: `admin-${Date.now()}@millbrook.example`, password: 'velvet canyon drum 42' };
  let ownerContext: BrowserContext;
  let ownerPage: Page;
  let adminContext: BrowserContext;
  let adminPage: Page;
  let ownerSecret = '';
  let ownerRecoveryCodes: string[] = [];
  let adminSecret = '';

  it(
    'signs up: a weak password refused under its field, check your inbox, another link, the older link refused, the newest signs in',
    async () => {
      ({ context: ownerContext, page: ownerPage } = await e2e.newPage());
      const page = ownerPage;
      await page.goto(`${web.url}/signup`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await page.getByLabel('Organisation name').fill('Millbrook Utilities');
      await page.getByLabel('Your name').fill(owner.name);
      await page.getByLabel('E-mail').fill(owner.email);
      const password = page.getByLabel('Password');
      await password.fill('password12345');
      await page.getByRole('button', { name: 'Create account' }).click();
      // The API's 422 reason, beside the field, and what was typed is kept.
      const reason = page.locator('.field-error', { hasText: /common passwords|too easy to guess/ });
      await reason.waitFor();
      expect(await password.getAttribute('aria-invalid')).toBe('true');
      expect(await password.getAttribute('aria-describedby')).toContain(await reason.getAttribute('id'));
      expect(await page.getByLabel('Organisation name').inputValue()).toBe('Millbrook Utilities');
      await checkBasics(page, 'accounts-signup-refused');

      await password.fill(owner.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await page.getByText(`We sent a link to ${owner.email}`).waitFor();
      // Nothing works before the link: the password does not log in yet.
      const before = await fetch(`${e2e.runtime.apiUrl}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: owner.email, password: owner.password }),
      });
      expect(before.status).toBe(401);

      await page.getByRole('button', { name: 'Send another link' }).click();
      await page.getByText('a new link is on its way').waitFor();
      await checkBasics(page, 'accounts-signup-inbox');
      await expect.poll(async () => (await mailedLinks(owner.email, /confirm your e-mail/)).length).toBe(2);
      const [older, newest] = await mailedLinks(owner.email, /confirm your e-mail/);

      // The older link was voided by the newer one: the page says so and offers another.
      const other = await e2e.newPage();
      await other.page.goto(older ?? '');
      await other.page.getByText('This link is unknown, used or expired').waitFor();
      // The token is taken out of the address bar.
      await expect.poll(() => other.page.url()).toBe(`${web.url}/verify-email`);
      await other.page.getByRole('form', { name: 'Another link' }).getByLabel('E-mail').waitFor();
      await checkBasics(other.page, 'accounts-verify-refused');
      await other.context.close();

      await page.goto(newest ?? '');
      await page.waitForURL(/\/fleet\?welcome=1/);
      await page.getByRole('heading', { name: 'Add your first site' }).waitFor();
      // The device token is kept where scripts cannot read it, for a year.
      const device = (await ownerContext.cookies()).find((cookie) =>
        cookie.name.endsWith('plantwatch-device'),
      );
      expect(device?.httpOnly).toBe(true);
      expect(device?.sameSite).toBe('Lax');
      expect((device?.expires ?? 0) * 1000 - Date.now()).toBeGreaterThan(360 * 24 * 3600_000);
    },
    E2E_TEST_MS,
  );

  it(
    'changes the password: a wrong current one refused beside its field, the other sessions signed out',
    async () => {
      const second = await e2e.signedIn({}, owner);

      const page = ownerPage;
      await page.goto(`${web.url}/settings/account`);
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      const form = page.getByRole('form', { name: 'Password' });
      await form.getByLabel('Current password').fill('not my password at all');
      await form.getByLabel('New password').fill('granite willow parade');
      await form.getByRole('button', { name: 'Change password' }).click();
      await form.getByText('the current password is wrong').waitFor();
      expect(await form.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');

      await form.getByLabel('Current password').fill(owner.password);
      await form.getByRole('button', { name: 'Change password' }).click();
      await form.getByText('Your other sessions were signed out').waitFor();
      owner.password = 'granite willow parade';
      await checkBasics(page, 'account-settings');

      // This browser is still in; the other one is out.
      await page.goto(`${web.url}/fleet`);
      await page.getByRole('heading', { name: 'Add your first site' }).waitFor();
      await second.page.goto(`${web.url}/fleet`);
      await second.page.waitForURL(/\/login\?error=expired/);
      await second.context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'lists the sessions with the browser each came from, and signs one out',
    async () => {
      const firefox = await e2e.signedIn({ userAgent: FIREFOX_ON_WINDOWS }, owner);

      const page = ownerPage;
      await page.goto(`${web.url}/settings/account`);
      const table = page.getByRole('table').filter({ hasText: 'Last used' });
      const mine = table.locator('tr[data-current="true"]');
      await mine.getByText('This device').waitFor();
      expect(await mine.textContent()).toContain('Headless Chrome on Linux');
      // The web server forwarded the browser's own User-Agent and address to the API (ADR 0031).
      const theirs = table.getByRole('row', { name: /Firefox on Windows/ });
      await theirs.waitFor();
      expect(await theirs.textContent()).toContain('127.0.0.1');
      await checkBasics(page, 'account-sessions');

      await theirs.getByRole('button', { name: 'Sign out Firefox on Windows' }).click();
      await expect.poll(() => table.getByRole('row', { name: /Firefox on Windows/ }).count()).toBe(0);
      await firefox.page.goto(`${web.url}/fleet`);
      await firefox.page.waitForURL(/\/login/);
      await firefox.context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'refuses to require two-step login until the owner has it',
    async () => {
      const page = ownerPage;
      await page.goto(`${web.url}/settings/security`);
      await page.getByRole('heading', { name: 'Security policy' }).waitFor();
      await page.getByLabel('Require two-step login for owners and admins').check();
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.getByText('Turn on two-step login for your own account first').waitFor();
      await page.getByRole('link', { name: 'Set it up on your account page' }).waitFor();
      await checkBasics(page, 'security-policy-refused');
    },
    E2E_TEST_MS,
  );

  it(
    'sets up two-step login from the QR code, then logs in with a code (a wrong one says how many tries are left) and with a recovery code',
    async () => {
      const page = ownerPage;
      await page.goto(`${web.url}/settings/account`);
      await page.getByRole('button', { name: 'Set up two-step login' }).click();
      await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
      ownerSecret =
        (await page.getByLabel('Cannot scan? Type this key into the app:').getAttribute('data-secret')) ?? '';
      expect(ownerSecret).toMatch(/^[A-Z2-7]{16,}$/);
      await checkBasics(page, 'account-mfa-setup');
      await page.getByRole('textbox', { name: /^Code/ }).fill(totpCode(ownerSecret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
      ownerRecoveryCodes = await page.locator('.code-list code').allTextContents();
      expect(ownerRecoveryCodes).toHaveLength(10);
      await checkBasics(page, 'account-mfa-codes');
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.getByText('9 recovery codes left').or(page.getByText('10 recovery codes left')).waitFor();
      await page.getByText('On', { exact: true }).first().waitFor();

      // A new browser: password, then the code step.
      const other = await e2e.newPage();
      await other.page.goto(`${web.url}/login`);
      await submitLogIn(other.page, owner.email, owner.password);
      await other.page.getByRole('heading', { name: 'Two-step login' }).waitFor();
      await checkBasics(other.page, 'login-code-step');
      await other.page.getByRole('textbox', { name: /^Code/ }).fill('000000');
      await other.page.getByRole('button', { name: 'Verify' }).click();
      await other.page.getByText('the code is wrong; 4 tries left').waitFor();
      await other.page.getByRole('textbox', { name: /^Code/ }).fill(totpCode(ownerSecret));
      await other.page.getByRole('button', { name: 'Verify' }).click();
      await other.page.waitForURL(/\/fleet/);
      await other.context.close();

      // Another browser, with a recovery code.
      const third = await e2e.newPage({ viewport: PHONE });
      await third.page.goto(`${web.url}/login`);
      await submitLogIn(third.page, owner.email, owner.password);
      await third.page.getByRole('button', { name: 'Use a recovery code instead' }).click();
      await third.page.getByLabel('Recovery code').fill(ownerRecoveryCodes[0] ?? '');
      await checkBasics(third.page, 'login-recovery-code-phone');
      await third.page.getByRole('button', { name: 'Verify' }).click();
      await third.page.waitForURL(/\/fleet/);
      await third.context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'requires two-step login of admins: an admin without it sets it up at the next login and sees the recovery codes once',
    async () => {
      const page = ownerPage;
      await page.goto(`${web.url}/users`);
      const invite = page.getByRole('form', { name: 'Invite a colleague' });
      await invite.getByLabel('E-mail').fill(admin.email);
      await invite.getByLabel('Name').fill('Adam Admin');
      await invite.getByLabel('Role').selectOption('admin');
      await invite.getByRole('button', { name: 'Invite user' }).click();
      const link = await page.getByLabel('Invitation link').inputValue();

      ({ context: adminContext, page: adminPage } = await e2e.newPage());
      await adminPage.goto(link);
      await adminPage.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await adminPage.getByLabel('Password').fill(admin.password);
      await adminPage.getByRole('button', { name: 'Set password and log in' }).click();
      await adminPage.waitForURL(/\/fleet/);

      await page.goto(`${web.url}/settings/security`);
      await page.getByLabel('Require two-step login for owners and admins').check();
      await page.getByLabel('Idle sign-out (minutes)').fill('240');
      await page.getByLabel('Session length (hours)').fill('24');
      await page.getByRole('button', { name: 'Save policy' }).click();
      await page.getByText('Policy saved.').waitFor();
      await page.reload();
      expect(await page.getByLabel('Require two-step login for owners and admins').isChecked()).toBe(true);
      expect(await page.getByLabel('Idle sign-out (minutes)').inputValue()).toBe('240');
      await checkBasics(page, 'security-policy');

      // The admin had no second factor: signed out, and the next login sets one up.
      await adminPage.goto(`${web.url}/fleet`);
      await adminPage.waitForURL(/\/login/);
      await submitLogIn(adminPage, admin.email, admin.password);
      await adminPage.getByRole('heading', { name: 'Set up two-step login' }).waitFor();
      await adminPage.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
      adminSecret =
        (await adminPage
          .getByLabel('Cannot scan? Type this key into the app:')
          .getAttribute('data-secret')) ?? '';
      await checkBasics(adminPage, 'login-mfa-enrolment');
      await adminPage.getByRole('textbox', { name: /^Code/ }).fill(totpCode(adminSecret));
      await adminPage.getByRole('button', { name: 'Turn on and log in' }).click();
      await adminPage.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
      expect(await adminPage.locator('.code-list code').count()).toBe(10);
      await checkBasics(adminPage, 'login-mfa-enrolment-codes');
      await adminPage.getByRole('button', { name: 'I have saved them: continue' }).click();
      await adminPage.waitForURL(/\/fleet/);
      // The admin's account page: on, and no way to turn it off while the policy requires it.
      await adminPage.goto(`${web.url}/settings/account`);
      await adminPage
        .getByText('requires two-step login for your role, so it cannot be turned off')
        .waitFor();
      expect(await adminPage.getByRole('button', { name: 'Turn off' }).count()).toBe(0);
    },
    E2E_TEST_MS,
  );

  it(
    'shows an admin a user locked out of new devices while their own browser still gets in, lifts it, and signs the user out everywhere',
    async () => {
      // An attacker guesses the admin's password from ten addresses (through the web server's trusted
      // forwarding, so each attempt has its own address).
      for (let i = 1; i <= 10; i++) {
        const response = await fetch(`${e2e.runtime.apiUrl}/v1/auth/login`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-plantwatch-proxy-secret': e2e.runtime.webProxySecret,
            'x-plantwatch-client-ip': `198.51.100.${i}`,
          },
          body: JSON.stringify({ email: admin.email, password: `guess number ${i}` }),
        });
        expect([401, 429]).toContain(response.status);
      }

      // A browser the admin never used is held back, and told for how long.
      const stranger = await e2e.newPage();
      await stranger.page.goto(`${web.url}/login`);
      await submitLogIn(stranger.page, admin.email, admin.password);
      await stranger.page.getByText(/Too many attempts\. Try again in \d+ minutes\./).waitFor();
      await checkBasics(stranger.page, 'login-too-many');
      await stranger.context.close();

      // The admin's own browser (its device cookie) still logs in.
      // Signed out in this browser (the session cookie gone), the device cookie kept.
      await adminContext.clearCookies({ name: 'next-auth.session-token' });
      await adminPage.goto(`${web.url}/login`);
      await submitLogIn(adminPage, admin.email, admin.password);
      await adminPage.getByRole('heading', { name: 'Two-step login' }).waitFor();
      await adminPage.getByRole('textbox', { name: /^Code/ }).fill(totpCode(adminSecret));
      await adminPage.getByRole('button', { name: 'Verify' }).click();
      await adminPage.waitForURL(/\/fleet/);

      // The owner sees the hold, the admin's devices, and lifts it.
      const page = ownerPage;
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(`${web.url}/users`);
      const row = page.getByRole('row', { name: /Adam Admin/ });
      expect(await row.locator('.acct-badge').textContent()).toBe('On');
      await checkBasics(page, 'users-two-step');
      await row.getByRole('link', { name: 'Login and devices of Adam Admin' }).click();
      await page.getByRole('heading', { name: 'Login of Adam Admin' }).waitFor();
      await page.getByText(/Locked for new devices until .+, after failed logins\./).waitFor();
      await page
        .getByRole('row', { name: /Headless Chrome on Linux/ })
        .first()
        .waitFor();
      await checkBasics(page, 'user-login-locked');
      await page.getByRole('button', { name: 'Lift the hold' }).click();
      // The page shows the new state at once (the button goes with the hold), and after a reload.
      await page.getByText('Not locked: logins from new devices are allowed.').waitFor();
      await page.reload();
      await page.getByText('Not locked: logins from new devices are allowed.').waitFor();

      await page.getByRole('button', { name: 'Sign Adam Admin out everywhere' }).click();
      await page.getByText('Signed out everywhere.').waitFor();
      await adminPage.goto(`${web.url}/fleet`);
      await adminPage.waitForURL(/\/login/);
    },
    E2E_TEST_MS,
  );

  it(
    'shows a plan limit on tag creation with a link to the plan and usage page',
    async () => {
      const demo = e2e.runtime.demo;
      if (!demo) throw new Error('no demo tenant');
      const api = await apiSession(e2e.runtime.apiUrl);
      const plain = (await api.get<{ tags: unknown[] }>('/v1/tags')).tags.length;
      expect(plain).toBeGreaterThan(0);
      // The demo's flow-balance KPI, a derived tag, counts toward the limit as a tag (ADR 0056).
      const tags = (await api.get<{ current: { tags: number } }>('/v1/usage')).current.tags;
      expect(tags).toBeGreaterThan(plain);
      const { context, page } = await e2e.signedIn();
      await page.goto(`${web.url}/config/tags`);
      // The demo tenant is on Professional; a deal that allows exactly the tags it has.
      await changeTenantPlan(e2e.runtime.deps, demo.tenantId, {
        planId: 'professional',
        overrides: { tags },
        changedBy: 'e2e',
      });

      const form = page.getByRole('form', { name: 'New tag' });
      await form.getByLabel('Device').selectOption({ label: 'Lift station PLC (Modbus TCP) (plc-1)' });
      await form.getByLabel(/^Key/).fill('spare-pressure');
      await form.getByLabel(/^Name/).fill('Spare pressure');
      await form.getByLabel(/^Register \/ coil address/).fill('40');
      await form.getByRole('button', { name: 'Add tag' }).click();
      // The plan by its name (the API's details give its id), in exact words.
      await form
        .getByText(
          new RegExp(
            `^The Professional plan allows ${tags} tags, and ${tags} are in use\\. Remove one, or move to a larger plan\\.`,
          ),
        )
        .waitFor();
      await checkBasics(page, 'plan-limit-tag');
      await form.getByRole('link', { name: 'See plan and usage' }).click();
      await page.waitForURL(/\/settings\/plan/);
      await page.getByText('Your organisation is on the Professional plan.').waitFor();
      await page.getByText(`Tags: ${tags}`).waitFor();
      const meter = page.locator('li[data-limit="tags"]');
      expect(await meter.textContent()).toContain(`${tags} of ${tags}`);
      await meter.getByText('at the limit').waitFor();
      await page.getByRole('columnheader', { name: /Professional current/ }).waitFor();
      await page.getByRole('row', { name: /^Tags 50 250 500/ }).waitFor();
      await checkBasics(page, 'plan-usage');

      await page.getByRole('textbox', { name: 'Month', exact: true }).fill('2020-01');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/month=2020-01/);
      await page.getByText('No usage recorded for this month.').waitFor();
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    "shows the account pages in the dark theme and at a phone's width, without sideways scrolling",
    async () => {
      await ownerPage.goto(`${web.url}/users`);
      const userPath = await ownerPage
        .getByRole('link', { name: 'Login and devices of Adam Admin' })
        .getAttribute('href');
      expect(userPath).toMatch(/^\/users\/[0-9a-f-]{36}$/);
      const pages = [
        { name: 'account-settings', path: '/settings/account', heading: 'Your account' },
        { name: 'security-policy', path: '/settings/security', heading: 'Security policy' },
        { name: 'plan-usage', path: '/settings/plan', heading: 'Plan and usage' },
        { name: 'user-login', path: userPath ?? '', heading: 'Login of Adam Admin' },
      ];
      for (const variant of [
        { name: 'dark', colorScheme: 'dark' as const },
        { name: 'phone', viewport: PHONE },
      ]) {
        // The owner's own browser, seen in another theme and size: the same cookies.
        const { context, page } = await e2e.newPage(variant);
        await context.addCookies(await ownerContext.cookies());
        for (const { name, path, heading } of pages) {
          await page.goto(`${web.url}${path}`);
          await page.getByRole('heading', { level: 1, name: heading }).waitFor();
          await checkBasics(page, `${name}-${variant.name}`);
          const sideways = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(sideways, `${path} scrolls sideways (${variant.name})`).toBeLessThanOrEqual(0);
        }
        await context.close();
      }
    },
    E2E_TEST_MS,
  );

  it(
    'resets a forgotten password with the e-mailed link, which works once',
    async () => {
      const { context, page } = await e2e.newPage();
      await page.goto(`${web.url}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await page.getByLabel('E-mail').fill(DEMO.email);
      await page.getByRole('button', { name: 'E-mail me a link' }).click();
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await checkBasics(page, 'forgot-password-sent');

      const link = await e2e.mailedLink(DEMO.email, /reset your password/);
      expect(link).toMatch(/\/reset-password#token=/);
      await page.goto(link);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      const field = page.getByRole('textbox', { name: /^New password/ });
      await field.fill('qwertyuiop');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.locator('.field-error', { hasText: /common passwords|too easy/ }).waitFor();
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      await field.fill('sapphire tractor meadow');
      await page.getByRole('button', { name: 'Set the new password' }).click();
      await page.getByRole('heading', { name: 'Password changed' }).waitFor();
      await checkBasics(page, 'reset-password-done');
      await page.getByRole('link', { name: 'Log in' }).click();
      await page.waitForURL(/\/login/);
      await submitLogIn(page, DEMO.email, 'sapphire tractor meadow');
      await page.waitForURL(/\/fleet/);

      // The same link again: used, and a way to ask for another.
      const again = await e2e.newPage();
      await again.page.goto(link);
      await again.page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await again.page.getByRole('textbox', { name: /^New password/ }).fill('another fine passphrase');
      await again.page.getByRole('button', { name: 'Set the new password' }).click();
      await again.page.getByText('this reset link was used already').waitFor();
      await again.page.getByRole('link', { name: 'Ask for a new link' }).waitFor();
      await checkBasics(again.page, 'reset-password-used');
      await again.context.close();
      await context.close();
    },
    E2E_TEST_MS,
  );

  it('left no console errors on the way', () => {
    // The refusals above are answers the pages show, not failures of the pages.
    expect(e2e.consoleErrors.filter((line) => !/status of (401|402|409|422|429)/.test(line))).toEqual([]);
  });
});
