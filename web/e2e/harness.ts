// What every end-to-end suite starts: a local runtime (API + embedded store, demo tenant), the demo
// plant (simulated PLCs and a real gateway process), the web app's production build and Debian's
// headless Chromium driven by playwright-core, all on ports chosen at run time.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { type DemoPlant, startDemoPlant } from '../../infra/local/src/demo-plant.ts';
import { parseLocalEnv } from '../../infra/local/src/env.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/src/runtime.ts';
import {
  dataDirMailbox,
  type Mailbox,
  TEST_PASSWORD_COST,
  until,
} from '../../infra/local/src/testing/harness.ts';
import { startWeb, type WebServer } from '../start.ts';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const outputDir = join(webDir, 'test-output');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
/** Per browser test: the live-data tests wait for the demo plant; a loaded CI machine is slower still. */
export const E2E_TEST_MS = 180_000;
/** Setting up: a first production build on a busy 2-core machine takes a few minutes. */
export const E2E_SETUP_MS = 600_000;
export const DEMO = { email: 'demo@plantwatch.local', password: 'plantwatch-demo' };
/** The demo tenant's site with the lift station (the demo plant's PLCs and gateway). */
export const DEMO_SITE = 'North Pumping Station';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

export interface Login {
  email: string;
  password: string;
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  locale?: string;
  /** The browser's User-Agent (default Chromium's own). */
  userAgent?: string;
}

export interface E2e {
  runtime: LocalRuntime;
  plant: DemoPlant;
  web: WebServer;
  browser: Browser;
  /** Console errors, failed page scripts and failed requests seen so far, by page URL. */
  consoleErrors: string[];
  /** The account e-mails the runtime kept in DATA_DIR/outbox/accounts (no SMTP_URL), to an address. */
  mailbox: Mailbox;
  /**
   * The link of the newest account e-mail to `to` whose subject matches, on this run's web server
   * (the e-mail points at PUBLIC_WEB_URL, which the runtime fixed before the web server had a port).
   */
  mailedLink(to: string, subject: RegExp): Promise<string>;
  newPage(options?: PageOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** A new page logged in (as the demo owner unless `login` says who), on the fleet page. */
  signedIn(options?: PageOptions, login?: Login): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

/** `webEnv`: more of the web server's environment (e.g. its polling fallback's pace). */
export async function startE2e(options: { webEnv?: Record<string, string> } = {}): Promise<E2e> {
  await mkdir(outputDir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), 'plantwatch-web-e2e-'));
  const runtime = await startLocalRuntime({
    env: parseLocalEnv({ API_PORT: '0', DATA_DIR: dataDir }),
    explicitPorts: new Set(['API_PORT']),
    passwordCost: TEST_PASSWORD_COST,
    seedDemo: true,
    database: { kind: 'pglite' },
  });
  // The production build `npm start` serves: built once per source change and shared by every run (web/build.ts).
  const [web, browser] = await Promise.all([
    startWeb({
      port: 0,
      host: '127.0.0.1',
      apiUrl: runtime.apiUrl,
      dataDir,
      proxySecret: runtime.webProxySecret,
      onLog: () => {},
      // A build folder of one's own (E2E_WEB_DIST_DIR) keeps a run's server from losing its files to another run's rebuild.
      ...(process.env.E2E_WEB_DIST_DIR ? { distDir: process.env.E2E_WEB_DIST_DIR } : {}),
      ...(options.webEnv ? { env: options.webEnv } : {}),
    }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
  ]);
  const demo = runtime.demo;
  if (!demo) throw new Error('the local runtime did not seed the demo tenant');
  const plant = await startDemoPlant({
    deps: runtime.deps,
    tenantId: demo.tenantId,
    host: '127.0.0.1',
    dataDir,
  });
  if (!plant) throw new Error('the demo plant did not start');
  const consoleErrors: string[] = [];

  async function newPage(options: PageOptions = {}) {
    const context = await browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      colorScheme: options.colorScheme ?? 'light',
      locale: options.locale ?? 'en-GB',
      timezoneId: 'Europe/London',
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    });
    const page = await context.newPage();
    // A typed URL that is not there answers 404, which Chromium logs for the page itself, and so may
    // Next's router fetching that same page's data (its path with an _rsc query): that is the test.
    const pathOf = (url: string) => {
      try {
        return new URL(url, page.url()).pathname;
      } catch {
        return url.split(/[?#]/)[0] ?? url;
      }
    };
    // (Chromium may log it with no location: then it counts as the page's own.)
    const ownPage404 = (url: string, status: number) =>
      status === 404 && (url === '' || pathOf(url) === pathOf(page.url()));
    // The response listener below judges every 404 with its address and type; Chromium's console line
    // for the same load ("Failed to load resource ... 404") only repeats it. Paths whose 404 it
    // judged expected (a navigation's document, the page's own data), and console lines waiting for
    // its judgement, so either order of the two events ends the same. Any other console 404 counts,
    // with its location (the app serves /favicon.ico, which Chromium asks for where a page names no icon).
    const expected404 = new Set<string>();
    const logged404 = new Map<string, string[]>();
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const entry = `${page.url()}: ${message.text()}`;
      if (/status of 404/.test(message.text())) {
        const location = message.location().url;
        if (ownPage404(location, 404) || expected404.has(pathOf(location))) return;
        const path = pathOf(location);
        logged404.set(path, [...(logged404.get(path) ?? []), `${entry} (${location})`]);
        consoleErrors.push(`${entry} (${location})`);
        return;
      }
      consoleErrors.push(entry);
    });
    page.on('pageerror', (error) =>
      consoleErrors.push(
        `${page.url()}: ${error.message} ${error.stack?.split('\n').slice(1, 3).join(' ') ?? ''}`,
      ),
    );
    // Chromium logs a failed fetch without its address; this names it (a typed URL's 404 page is a document, not counted).
    page.on('response', (response) => {
      const document = response.request().resourceType() === 'document';
      if (response.status() === 404 && (document || ownPage404(response.url(), 404))) {
        const path = pathOf(response.url());
        expected404.add(path);
        for (const entry of logged404.get(path) ?? []) {
          const index = consoleErrors.indexOf(entry);
          if (index >= 0) consoleErrors.splice(index, 1);
        }
        logged404.delete(path);
      }
      if (response.status() >= 400 && !document && !ownPage404(response.url(), response.status())) {
        consoleErrors.push(`${page.url()}: ${response.status()} from ${response.url()}`);
      }
    });
    page.setDefaultTimeout(45_000);
    page.setDefaultNavigationTimeout(60_000);
    return { context, page };
  }

  async function signedIn(options: PageOptions = {}, login: Login = DEMO) {
    const opened = await newPage(options);
    await logIn(opened.page, web, login.email, login.password);
    return opened;
  }

  const mailbox = dataDirMailbox(dataDir);
  async function mailedLink(to: string, subject: RegExp): Promise<string> {
    let link: string | undefined;
    await expect
      .poll(
        async () => {
          const mails = (await mailbox(to)).filter((mail) => subject.test(mail.subject));
          link = mails.at(-1)?.text.match(/https?:\/\/\S+#token=[A-Za-z0-9_%-]+/)?.[0];
          return link;
        },
        { timeout: 15_000, message: `an e-mail to ${to} with a subject matching ${subject}` },
      )
      .toBeDefined();
    const url = new URL(link ?? '');
    return `${web.url}${url.pathname}${url.hash}`;
  }

  return {
    runtime,
    plant,
    web,
    browser,
    consoleErrors,
    mailbox,
    mailedLink,
    newPage,
    signedIn,
    async close() {
      await browser.close();
      await plant.close();
      await web.close();
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Lighthouse-style basics on the page as it stands: a title, and a label on every form field; then a screenshot. */
export async function checkBasics(page: Page, screenshot: string): Promise<void> {
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  // Next streams page metadata, so under load the title can land a moment after hydration.
  await expect
    .poll(() => page.title(), { timeout: 15_000 })
    .toMatch(/\S.* · Plantwatch$|^Plantwatch$|^\(\d+\) /);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => (el as HTMLInputElement).type !== 'hidden')
      .filter(
        (el) =>
          !(el as HTMLInputElement).labels?.length &&
          !el.getAttribute('aria-label') &&
          !el.getAttribute('aria-labelledby'),
      )
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unlabelled).toEqual([]);
  // The shell (alarm bar and navigation) is sticky: photographed scrolled down, it would sit mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(outputDir, `${screenshot}.png`), fullPage: true, caret: 'initial' });
}

export async function logIn(page: Page, web: WebServer, email: string, password: string) {
  await page.goto(`${web.url}/login`);
  await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/fleet/);
}

/** Goes to a page through the navigation as a person would: a top-level link, or a group's menu. */
export async function navigate(
  page: Page,
  group: 'Monitor' | 'Configure' | 'People' | 'Settings',
  link: string,
) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  if (group === 'Monitor') {
    await nav.getByRole('link', { name: link, exact: true }).click();
    return;
  }
  await nav.getByRole('button', { name: group }).click();
  await page.getByRole('menuitem', { name: link, exact: true }).click();
}

/** The same on a phone: the Menu button, then the link in the sheet. */
export async function navigateOnPhone(page: Page, link: string) {
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('dialog', { name: 'Menu' }).getByRole('link', { name: link, exact: true }).click();
}

export async function logOut(page: Page) {
  await page.getByRole('button', { name: /^Account of / }).click();
  await page.getByRole('menuitem', { name: 'Log out' }).click();
}

/** An API session for the demo tenant, for arranging what a test needs (rules, shelving). */
export async function apiSession(apiUrl: string, login: Login = DEMO) {
  const response = await fetch(`${apiUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(login),
  });
  const { token } = (await response.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    /** The bearer token, for a call the methods below do not make. */
    token,
    async get<T>(path: string): Promise<T> {
      return (await (await fetch(`${apiUrl}${path}`, { headers })).json()) as T;
    },
    async post(path: string, body: unknown): Promise<Response> {
      return fetch(`${apiUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    },
    async put(path: string, body: unknown): Promise<Response> {
      return fetch(`${apiUrl}${path}`, { method: 'PUT', headers, body: JSON.stringify(body) });
    },
  };
}

/** The id of the demo tenant's site named `name` (default the lift station's), through an API session. */
export async function demoSiteId(
  api: Awaited<ReturnType<typeof apiSession>>,
  name = DEMO_SITE,
): Promise<string> {
  const { sites } = await api.get<{ sites: { id: string; name: string }[] }>('/v1/sites');
  const site = sites.find((candidate) => candidate.name === name);
  if (!site) throw new Error(`the demo tenant has no site ${name}`);
  return site.id;
}

/**
 * Waits, checking every second, until the demo plant has done what a suite needs (`ready`: its gateway
 * has published, the runtime has computed): its PLCs and gateway start with the suite, and on a busy
 * machine their first values take a while.
 */
export async function waitForDemo(what: string, ready: () => Promise<boolean>): Promise<void> {
  await until(what, async () => ((await ready()) ? true : undefined), 120_000, 1_000);
}
