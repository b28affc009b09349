// End-to-end in real headless Chromium (Debian's, driven by playwright-core): the journeys of a new
// tenant, the demo tenant, a viewer and a second tenant, against a local runtime and the web app's
// production build, on ports chosen at run time (harness.ts).
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiSession,
  checkBasics as checkPage,
  E2E_SETUP_MS,
  E2E_TEST_MS,
  type E2e,
  logOut,
  navigate,
  navigateOnPhone,
  PHONE,
  startE2e,
} from './harness.ts';

let e2e: E2e;
let web: E2e['web'];
let runtime: E2e['runtime'];
let browser: E2e['browser'];
let consoleErrors: string[];
const newPage = (viewport?: { width: number; height: number }) => e2e.newPage(viewport ? { viewport } : {});
const checkBasics = (page: Page, screenshot: string) => checkPage(page, screenshot);

beforeAll(async () => {
  e2e = await startE2e();
  ({ web, runtime, browser, consoleErrors } = e2e);
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

describe('the web app in Chromium', () => {
  const owner = {
    email: `owner-${Date.now()}@riverside.example`,
    password: 'riverside water works',
  };
  let riversideSiteUrl = '';
  let demoSiteUrl = '';
  let alarmRuleId = '';
  let inflowTagId = '';

  it(
    'signs up a new tenant, lands on the empty state, and adds a site and a gateway',
    async () => {
      const { context, page } = await newPage();
      await page.goto(`${web.url}/signup`);
      await checkBasics(page, 'signup');
      await page.getByLabel('Organisation name').fill('Riverside Water');
      await page.getByLabel('Your name').fill('Rita Rivers');
      await page.getByLabel('E-mail').fill(owner.email);
      await page.getByLabel('Password').fill(owner.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      // Nothing is signed in until the e-mailed link is opened (ADR 0031).
      await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
      await page.getByText(owner.email, { exact: false }).first().waitFor();
      await checkBasics(page, 'signup-check-inbox');
      const link = await e2e.mailedLink(owner.email, /confirm your e-mail address/);
      expect(link).toMatch(/\/verify-email#token=pwv_/);
      await page.goto(link);
      await page.waitForURL(/\/fleet\?welcome=1/);
      await expect.poll(() => page.getByRole('heading', { name: 'Add your first site' }).count()).toBe(1);
      await checkBasics(page, 'fleet-empty');

      await page.getByRole('link', { name: 'Add a site' }).click();
      await page.waitForURL(/\/config\/sites/);
      await page.getByLabel('Name').fill('Riverside Treatment Works');
      await page.getByLabel('Time zone').fill('Europe/Paris');
      await page.getByRole('button', { name: 'Add site' }).click();
      await page.getByRole('link', { name: 'Riverside Treatment Works', exact: true }).waitFor();
      await checkBasics(page, 'config-sites');
      await page.getByRole('link', { name: 'Edit Riverside Treatment Works' }).click();
      await page.getByRole('heading', { name: 'Edit Riverside Treatment Works' }).waitFor();
      await page.getByLabel('Description').fill('Drinking water, 40 Ml/d');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved.').waitFor();
      await checkBasics(page, 'config-site-edit');

      await navigate(page, 'Configure', 'Gateways');
      await page.getByRole('heading', { name: 'New gateway' }).waitFor();
      await page.getByLabel('Name').fill('gw-riverside');
      await page.getByRole('button', { name: 'Add gateway' }).click();
      await page.getByRole('rowheader', { name: 'gw-riverside' }).waitFor();
      await checkBasics(page, 'config-gateways');

      // The set-up wizard: the bundle as a file download, the docker line, then the wait for first data.
      await page.getByRole('button', { name: 'Start the set-up' }).click();
      const wizard = page.getByRole('region', { name: 'Set up a gateway' });
      await expect(wizard.getByLabel('Gateway', { exact: true }).inputValue()).resolves.not.toBe('new');
      await wizard.getByRole('button', { name: 'Next' }).click();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        wizard.getByRole('button', { name: 'Download the bundle' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('bundle.json');
      const bundle = JSON.parse(await readFile(await download.path(), 'utf8'));
      expect(bundle.key).toContain('PRIVATE KEY');
      await wizard.getByText('Downloaded.').waitFor();
      await wizard.getByRole('button', { name: 'Next' }).click();
      const docker = await wizard.locator('.command code').first().textContent();
      expect(docker).toContain('--restart unless-stopped');
      expect(docker).toContain('-v plantwatch-gateway:/data plantwatch/edge-gateway');
      await wizard.getByRole('button', { name: 'Copy the npx commands' }).waitFor();
      await checkBasics(page, 'gateway-wizard');
      await wizard.getByRole('button', { name: 'Next' }).click();
      await wizard.getByText('Waiting for the gateway to report').waitFor();

      await navigate(page, 'Monitor', 'Fleet');
      await page.getByRole('link', { name: 'Riverside Treatment Works' }).click();
      await page.getByRole('heading', { name: 'gw-riverside' }).waitFor();
      riversideSiteUrl = page.url();
      await page.getByText('Drinking water, 40 Ml/d').waitFor();
      await checkBasics(page, 'site-riverside');

      // The API token stays server-side: not in the session the browser can read, not in a readable cookie.
      const session = await page.evaluate(() => fetch('/api/auth/session').then((r) => r.text()));
      expect(session).toContain('Riverside Water');
      expect(session).not.toContain('pws_');
      expect((await context.cookies()).map((c) => c.value).join(' ')).not.toContain('pws_');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'logs in as the demo tenant and shows its site, devices and tags with units',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.getByRole('link', { name: 'North Pumping Station', exact: true }).waitFor();
      await checkBasics(page, 'fleet');

      await page.getByLabel('Filter sites').fill('nothing like this');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByText('No site matches').waitFor();
      await page.getByRole('link', { name: 'Clear' }).click();

      await page.getByRole('link', { name: 'North Pumping Station', exact: true }).click();
      await page.getByRole('heading', { name: 'gw-north' }).waitFor();
      demoSiteUrl = page.url();
      // Live values: the inflow arrives, then changes while the page is open (the simulator varies it each second).
      const inflow = page.locator('tr[data-tag="inflow"] .live-value');
      await expect.poll(() => inflow.textContent(), { timeout: 60_000 }).toMatch(/\d/);
      const firstInflow = await inflow.textContent();
      await expect.poll(() => inflow.textContent(), { timeout: 30_000 }).not.toBe(firstInflow);
      await page.getByText(/^Live · updated/).waitFor();
      // The live route answers from the session cookie; the API token never appears in what it sends.
      const live = await context.request.get(`${web.url}/api/sites/${demoSiteUrl.split('/').pop()}/live`);
      expect(live.status()).toBe(200);
      expect(await live.text()).not.toContain('pws_');
      expect(await page.getByRole('row', { name: /motor temperature/ }).textContent()).toContain('°C');
      // The trend draws the first two tags over the last 15 minutes, then a day of rollups.
      await page.locator('.chart canvas').waitFor();
      await page
        .getByText(/samples|intervals/)
        .first()
        .waitFor();
      await page.getByLabel('Range').selectOption('24h');
      await page
        .getByRole('group', { name: 'Tags on the chart' })
        .getByLabel(/motor temperature/)
        .check();
      await page.locator('.chart canvas').waitFor();
      await page.getByRole('button', { name: 'Zoom in' }).click();
      await expect.poll(() => page.getByRole('button', { name: 'Reset zoom' }).isEnabled()).toBe(true);
      // Zooming keeps the newest end, so the last minutes' data is still on the chart.
      await page.getByText(/(samples|intervals) · Drag across/).waitFor();
      await checkBasics(page, 'site');

      // Pin the inflow to the home page, which then shows its live value.
      const inflowRow = page.locator('tr[data-tag="inflow"]');
      await inflowRow.getByRole('button', { name: /^Pin .* to your home page$/ }).click();
      await inflowRow.getByRole('button', { name: /^Unpin / }).waitFor();
      await navigate(page, 'Monitor', 'Home');
      const pinned = page.locator('tr[data-pinned-tag] .live-value');
      await expect.poll(() => pinned.textContent(), { timeout: 30_000 }).toMatch(/\d/);
      await checkBasics(page, 'home');

      for (const [group, link, shot, expected] of [
        ['Configure', 'Devices', 'config-devices', 'plc-2'],
        ['Configure', 'Tags', 'config-tags', 'Wet well level'],
        ['People', 'Users', 'users', 'demo@plantwatch.local'],
        ['Settings', 'API keys', 'api-keys', 'No API keys yet.'],
        ['Monitor', 'Alarms', 'alarms-console', 'Alarm console'],
      ] as const) {
        await navigate(page, group, link);
        await page.getByText(expected, { exact: false }).first().waitFor();
        await checkBasics(page, shot);
      }

      const sessionCookie = (await context.cookies()).filter((c) =>
        c.name.endsWith('next-auth.session-token'),
      );
      expect(sessionCookie).toHaveLength(1);
      await logOut(page);
      await page.waitForURL(/\/login/);
      await page.goto(`${web.url}/fleet`);
      await page.waitForURL(/\/login/);
      // Logging out ended the API session too: the old cookie, put back, no longer gets in.
      await context.addCookies(sessionCookie);
      await page.goto(`${web.url}/fleet`);
      await page.waitForURL(/\/login\?error=expired/);
      await page.getByText('Your session ended. Log in again.').waitFor();
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'shows an alarm the demo plant raises on the site and in the console, and acknowledges it with a comment',
    async () => {
      // An engineer's rule through the API: the inflow (about 25-55 L/s) is always above 1 L/s, so it trips on the next sample.
      const login = await fetch(`${runtime.apiUrl}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'demo@plantwatch.local', password: 'plantwatch-demo' }),
      });
      const { token } = (await login.json()) as { token: string };
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const { tags } = (await (await fetch(`${runtime.apiUrl}/v1/tags`, { headers: auth })).json()) as {
        tags: { id: string; key: string }[];
      };
      const inflowTag = tags.find((tag) => tag.key === 'inflow');
      const created = await fetch(`${runtime.apiUrl}/v1/alarm-rules`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          kind: 'comparison',
          tagId: inflowTag?.id,
          name: 'Inflow flowing',
          severity: 'high',
          op: '>',
          value: 1,
        }),
      });
      expect(created.status).toBe(201);
      inflowTagId = inflowTag?.id ?? '';
      alarmRuleId = ((await created.json()) as { id: string }).id;

      const { context, page } = await e2e.signedIn();
      await page.goto(demoSiteUrl);
      const sitePanel = page.getByRole('region', { name: 'Active alarms' });
      await sitePanel.getByText('Inflow flowing').waitFor({ timeout: 60_000 });
      await sitePanel.getByRole('button', { name: 'Acknowledge Inflow flowing' }).waitFor();
      await checkBasics(page, 'site-alarm');

      await navigate(page, 'Monitor', 'Alarms');
      const row = page.getByRole('row', { name: /Inflow flowing/ });
      await row.getByText('Active, unacknowledged').waitFor();
      await row.getByText('With a comment…').click();
      const ackForm = row.getByRole('form', { name: 'Acknowledge Inflow flowing' });
      await ackForm.getByLabel('Comment').fill('Checked on site: storm inflow');
      await ackForm.getByRole('button', { name: 'Acknowledge', exact: true }).click();
      await page
        .getByRole('row', { name: /Inflow flowing/ })
        .getByText('Active, acknowledged')
        .waitFor();
      await checkBasics(page, 'alarms');

      // Shelve for an hour with a reason, then unshelve: both land in the audit trail.
      const shelveRow = page.getByRole('row', { name: /Inflow flowing/ });
      await shelveRow
        .locator('summary')
        .filter({ hasText: /^Shelve$/ })
        .click();
      const shelveForm = shelveRow.getByRole('form', { name: 'Shelve Inflow flowing' });
      await shelveForm.getByLabel('Shelve for').selectOption('60');
      await shelveForm.getByLabel('Reason').fill('Storm: high inflow expected all afternoon');
      await shelveForm.getByRole('button', { name: 'Shelve', exact: true }).click();
      // It stays where it was, saying it is shelved and has left the active list, until the list is refreshed.
      const shelvedRow = page.getByRole('row', { name: /Inflow flowing/ });
      await shelvedRow.getByText('Shelved', { exact: true }).waitFor();
      await shelvedRow.getByText('Left this list').waitFor();
      await page.getByRole('button', { name: 'Unshelve Inflow flowing' }).click();
      await expect.poll(() => shelvedRow.getByText('Shelved', { exact: true }).count()).toBe(0);

      // Filtered by a severity it does not have, the alarm leaves the list (the demo's low-severity
      // flow-balance alarm may be there or not, depending on the plant's state).
      await page.getByLabel('Severity').selectOption('low');
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await page.waitForURL(/severity=low/);
      await expect.poll(() => page.getByRole('row', { name: /Inflow flowing/ }).count()).toBe(0);
      await page.getByRole('link', { name: 'Clear', exact: true }).click();

      await page.getByRole('link', { name: 'Inflow flowing', exact: true }).click();
      await page.getByRole('heading', { name: 'Audit trail of Inflow flowing' }).waitFor();
      const acknowledged = page
        .getByRole('row', { name: /acknowledged/ })
        .filter({ hasText: 'storm inflow' });
      expect(await acknowledged.textContent()).toMatch(/web/);
      await page
        .getByRole('row', { name: /raised/ })
        .first()
        .waitFor();
      await page
        .getByRole('row', { name: /shelved/ })
        .filter({ hasText: 'Storm: high inflow' })
        .waitFor();
      await page.getByRole('row', { name: /unshelved/ }).waitFor();
      await checkBasics(page, 'alarm-history');

      // A limit rule the API refuses: the message lands beside the Hi threshold and what was typed stays.
      await page.goto(`${web.url}/config/alarm-rules`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await page.getByLabel(/^Name/).fill('Flow totaliser limits');
      await page.getByLabel('Use HiHi').check();
      await page.getByLabel('HiHi threshold').fill('40');
      const hi = page.getByLabel('Hi threshold', { exact: true });
      await hi.fill('50');
      // Off, so it never raises an alarm in the journeys after this one.
      await page.getByLabel(/^Enabled/).uncheck();
      await page.getByRole('button', { name: 'Add alarm rule' }).click();
      await page.getByText('hi threshold (50) must be below hihi (40)').waitFor();
      expect(await hi.getAttribute('aria-invalid')).toBe('true');
      expect(await hi.getAttribute('aria-describedby')).toContain(
        await page.getByText('hi threshold (50) must be below hihi (40)').getAttribute('id'),
      );
      expect(await page.getByLabel('HiHi threshold').inputValue()).toBe('40');
      expect(await page.getByLabel(/^Name/).inputValue()).toBe('Flow totaliser limits');
      await checkBasics(page, 'config-alarm-rules-refused');
      await hi.fill('30');
      await page.getByRole('button', { name: 'Add alarm rule' }).click();
      await page.getByText('Added Flow totaliser limits.').waitFor();
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'adds a Modbus device, imports tags from CSV with row-level errors, and manages API keys',
    async () => {
      const { context, page } = await e2e.signedIn({}, owner);
      await page.goto(`${web.url}/config/devices`);
      await checkBasics(page, 'config-devices-new');
      await page.getByLabel('Key').fill('plc-river');
      await page.getByLabel(/^Name/).fill('Filter PLC');
      await page.getByLabel('Host or IP address').fill('10.0.0.5');
      await page.getByRole('button', { name: 'Add device' }).click();
      await page.getByRole('rowheader', { name: 'Filter PLC' }).waitFor();

      await page.goto(`${web.url}/config/tags`);
      await checkBasics(page, 'config-tags-import');
      const importForm = page.getByRole('form', { name: 'Import and export tags (CSV)' });
      await importForm
        .getByLabel('or paste CSV')
        .fill(
          'key,name,unit,area,address,type\nturbidity,Turbidity,NTU,holding,0,float32\nbad,Bad,,coil,1,float32\n',
        );
      await importForm.getByRole('button', { name: 'Check import' }).click();
      await importForm.getByText('Row 3, type: a coil holds one bit: type must be bool').waitFor();
      await importForm
        .getByLabel('or paste CSV')
        .fill(
          'key,name,unit,area,address,type\nturbidity,Turbidity,NTU,holding,0,float32\nrunning,Running,,coil,1,bool\n',
        );
      await importForm.getByRole('button', { name: 'Check import' }).click();
      await importForm.getByRole('heading', { name: '2 tags added' }).waitFor();
      await importForm.getByRole('button', { name: 'Import', exact: true }).click();
      await importForm.getByText(/^Imported: 2 added, 0 changed, 0 deleted; sent as v\d+\.$/).waitFor();
      await page.getByRole('rowheader', { name: 'Turbidity' }).waitFor();

      await navigate(page, 'Settings', 'API keys');
      await page.getByRole('heading', { name: 'API keys' }).waitFor();
      await page.getByLabel('Name').fill('SCADA export');
      await page.getByRole('button', { name: 'Create key' }).click();
      const secret = await page.getByLabel('Secret').inputValue();
      expect(secret).toMatch(/^pwk_/);
      await checkBasics(page, 'api-key-created');
      const me = await fetch(`${runtime.apiUrl}/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(me.status).toBe(200);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Revoke SCADA export' }).click();
      await page.getByText('Revoked').waitFor();
      await page.reload();
      expect(await page.getByLabel('Secret').count()).toBe(0);
      const revoked = await fetch(`${runtime.apiUrl}/v1/me`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(revoked.status).toBe(401);

      // Notification settings: the from number is saved; the auth token is only ever "set" or "not set".
      await navigate(page, 'Settings', 'Notifications');
      await page.getByRole('heading', { name: 'Notification settings' }).waitFor();
      await page.getByLabel('Twilio from number').fill('+15005550006');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Notification settings saved.').waitFor();
      await page.reload();
      expect(await page.getByLabel('Twilio from number').inputValue()).toBe('+15005550006');
      await page.getByText('Twilio auth token: not set').waitFor();
      await page
        .locator('code')
        .filter({ hasText: /\/v1\/webhooks\/twilio\/[0-9a-f-]{36}\/sms$/ })
        .waitFor();
      await checkBasics(page, 'notification-settings');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'invites a viewer who accepts, sees the sites, and gets no controls to change them',
    async () => {
      const { context, page } = await e2e.signedIn({}, owner);
      await navigate(page, 'People', 'Users');
      await page.getByRole('heading', { name: 'Invite a colleague' }).waitFor();
      await checkBasics(page, 'users');
      const invite = page.getByRole('form', { name: 'Invite a colleague' });
      await invite.getByLabel('E-mail').fill(`viewer-${Date.now()}@riverside.example`);
      await invite.getByLabel('Name').fill('Vic Viewer');
      await invite.getByRole('button', { name: 'Invite user' }).click();
      const link = await page.getByLabel('Invitation link').inputValue();
      expect(link).toMatch(/\/accept-invite#pwi_/);
      await context.close();

      const invited = await newPage();
      await invited.page.goto(link);
      await checkBasics(invited.page, 'accept-invite');
      await invited.page.getByLabel('Password').fill('viewer password 1');
      await invited.page.getByRole('button', { name: 'Set password and log in' }).click();
      await invited.page.waitForURL(/\/fleet/);
      await invited.page.getByRole('link', { name: 'Riverside Treatment Works' }).waitFor();
      // People lists contacts, rotations and policies for a viewer, not users.
      await invited.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('button', { name: 'People' })
        .click();
      await invited.page.getByRole('menuitem', { name: 'Contacts' }).waitFor();
      expect(await invited.page.getByRole('menuitem', { name: 'Users' }).count()).toBe(0);
      await invited.page.keyboard.press('Escape');
      // Settings holds their own display units and data retention to read, none of the organisation's others.
      await invited.page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('button', { name: 'Settings' })
        .click();
      await invited.page.getByRole('menuitem', { name: 'Data retention' }).waitFor();
      await invited.page.getByRole('menuitem', { name: 'Display units' }).waitFor();
      await invited.page.getByRole('menuitem', { name: 'Your account' }).waitFor();
      expect(await invited.page.getByRole('menuitem').count()).toBe(3);
      await invited.page.keyboard.press('Escape');
      await invited.page.goto(`${web.url}/config/sites`);
      await invited.page.getByText('changing it needs the engineer role').waitFor();
      expect(await invited.page.getByRole('button', { name: 'Add site' }).count()).toBe(0);
      expect(await invited.page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
      await invited.page.goto(`${web.url}/users`);
      await invited.page.getByText('Managing users needs the admin role.').waitFor();
      await invited.page.goto(`${web.url}/settings/notifications`);
      await invited.page.getByText('ask an admin to change them').waitFor();
      expect(await invited.page.getByLabel('Twilio from number').count()).toBe(0);
      await invited.context.close();
    },
    E2E_TEST_MS,
  );

  it(
    'works on a phone and from the keyboard alone',
    async () => {
      const { context, page } = await newPage(PHONE);
      await page.goto(`${web.url}/login`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      // Keyboard only: the skip link comes first, then the fields in order, Enter submits.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await page.keyboard.press('Tab');
      await page.keyboard.type('demo@plantwatch.local');
      await page.keyboard.press('Tab');
      await page.keyboard.type('plantwatch-demo');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/fleet/);
      await page.getByRole('link', { name: 'North Pumping Station', exact: true }).waitFor();
      await checkBasics(page, 'phone-fleet');
      await page.getByRole('link', { name: 'North Pumping Station', exact: true }).click();
      await page.getByRole('heading', { name: 'gw-north' }).waitFor();
      await checkBasics(page, 'phone-site');
      // Wide tables scroll inside their own box; the page itself never scrolls sideways.
      const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await navigateOnPhone(page, 'Alarms');
      await page.getByRole('heading', { name: 'Alarm console' }).waitFor();
      await checkBasics(page, 'phone-alarms');
      expect(await overflow()).toBeLessThanOrEqual(0);
      // An empty report definition is refused with the reason, not sent.
      await page.goto(`${web.url}/reports`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await page.getByRole('button', { name: 'Add report' }).click();
      await page.getByText('must name at least one site, asset, device or tag').waitFor();
      await checkBasics(page, 'phone-reports-refused');
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    "shows a second tenant none of the others' data, not even by a typed URL",
    async () => {
      const email = `owner-${Date.now()}@hilltop.example`;
      const password = 'hilltop energy co-op';
      const signUp = await fetch(`${runtime.apiUrl}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantName: 'Hilltop Energy', name: 'Hal Hill', email, password }),
      });
      expect(signUp.status).toBe(202);

      // The account works once the e-mailed link is opened, which signs the browser in.
      const { context, page } = await newPage();
      await page.goto(await e2e.mailedLink(email, /confirm your e-mail address/));
      await page.waitForURL(/\/fleet/);
      await page.getByRole('heading', { name: 'Add your first site' }).waitFor();
      const text = await page.locator('main').textContent();
      expect(text).not.toContain('Riverside');
      expect(text).not.toContain('North Pumping Station');

      for (const url of [riversideSiteUrl, demoSiteUrl]) {
        expect(url).toMatch(/\/sites\/[0-9a-f-]{36}$/);
        await page.goto(url);
        await page.getByRole('heading', { name: 'Page not found' }).waitFor();
        expect(await page.locator('main').textContent()).not.toMatch(/Riverside|North Pumping|gw-/);
        await checkBasics(page, 'not-found');
      }
      await page.goto(`${web.url}/alarms/${alarmRuleId}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await page.goto(`${web.url}/alarms`);
      await page.getByRole('heading', { name: 'Alarm console' }).waitFor();
      expect(await page.locator('main').textContent()).not.toMatch(/Inflow flowing|North Pumping/);
      // The browser's own JSON routes answer another tenant's ids as the API does: not found.
      const demoSiteId = demoSiteUrl.split('/').pop();
      // (Through the context's request client, with the browser's cookies: a 404 in the page would log a console error.)
      const probes = await Promise.all([
        context.request.get(`${web.url}/api/sites/${demoSiteId}/live`),
        context.request.get(`${web.url}/api/sites/${demoSiteId}/live?since=0`),
        context.request.get(`${web.url}/api/series?tagIds=${inflowTagId}&from=0&to=${Date.now()}`),
      ]);
      expect(probes.map((probe) => probe.status())).toEqual([404, 404, 404]);
      expect(await probes[1]?.text()).not.toMatch(/Inflow|inflow|level/);
      // Without a session the JSON routes refuse outright.
      const anonymous = await browser.newContext();
      expect((await anonymous.request.get(`${web.url}/api/sites/${demoSiteId}/live`)).status()).toBe(401);
      await anonymous.close();
      for (const path of ['/config/sites', '/config/gateways', '/config/devices']) {
        await page.goto(`${web.url}${path}`);
        expect(await page.locator('main').textContent()).not.toMatch(
          /Riverside|North Pumping|gw-north|gw-riverside|plc-1/,
        );
      }
      await context.close();
    },
    E2E_TEST_MS,
  );

  it(
    "makes an HTTP push device's key on its page, shows it once, and the key stops working once revoked",
    async () => {
      const api = await apiSession(runtime.apiUrl);
      const sites = await api.get<{ sites: { id: string; name: string }[] }>('/v1/sites');
      const site = sites.sites.find((s) => s.name === 'North Pumping Station') ?? sites.sites[0];
      const gateways = await api.get<{ gateways: { id: string; siteId: string }[] }>('/v1/gateways');
      const gateway = gateways.gateways.find((g) => g.siteId === site?.id);
      const device = await api.post('/v1/devices', {
        gatewayId: gateway?.id,
        key: `esp-${Date.now()}`,
        name: 'Tank sensor',
        connection: { protocol: 'http-push' },
      });
      expect(device.status).toBe(201);
      const deviceId = ((await device.json()) as { id: string }).id;
      expect(
        (
          await api.post('/v1/tags', {
            deviceId,
            key: 'level',
            name: 'Tank level',
            address: { kind: 'http' },
          })
        ).status,
      ).toBe(201);

      const { context, page } = await e2e.signedIn();
      await page.goto(`${web.url}/config/devices/${deviceId}`);
      await page.getByRole('heading', { name: 'Device keys' }).waitFor();
      await page.getByText('No keys yet').waitFor();
      await page.getByLabel('Name').fill('Tank sensor key');
      await page.getByRole('button', { name: 'Make a key' }).click();
      await page.getByText('Copy it into the device now').waitFor();
      const key = await page.getByRole('textbox', { name: 'Device key' }).inputValue();
      expect(key).toMatch(/^pwh_/);
      await checkBasics(page, 'device-keys');

      const push = (v: number) =>
        fetch(`${runtime.apiUrl}/v1/ingest/http`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ readings: [{ tag: 'level', v }] }),
        });
      expect((await push(1.5)).status).toBe(200);

      // Listed by its first characters only; after a reload the key itself is nowhere on the page.
      await page.reload();
      await page.getByRole('cell', { name: 'Tank sensor key' }).waitFor();
      expect(await page.content()).not.toContain(key);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.getByRole('button', { name: 'Revoke Tank sensor key' }).click();
      await page.getByText('revoked', { exact: false }).first().waitFor();
      expect((await push(2.5)).status).toBe(401);
      await context.close();
    },
    E2E_TEST_MS,
  );

  it('logged no console errors during the journey', () => {
    expect(consoleErrors).toEqual([]);
  });
});
