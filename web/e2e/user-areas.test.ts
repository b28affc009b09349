// People by area in Chromium (ADR 0042): an admin sees the demo's shift operator limited to Inlet
// works and paged as his contact on his user page, changes his areas there, and the operator, logged
// in, sees only his area in the site's asset tree; photographed in English, Spanish, Portuguese and Chinese.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_COOKIE } from '../src/i18n/locales.ts';
import { apiSession, checkBasics, DEMO, E2E_SETUP_MS, E2E_TEST_MS, type E2e, startE2e } from './harness.ts';

const OPERATOR = { email: 'operator@plantwatch.local', password: DEMO.password };
let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
});

const headings = [
  { locale: 'es', heading: 'Áreas y avisos', save: 'Guardar áreas y contacto' },
  { locale: 'pt-BR', heading: 'Áreas e avisos', save: 'Salvar áreas e contato' },
  { locale: 'zh-CN', heading: '区域与呼叫', save: '保存区域和联系人' },
];

describe('areas on the users page', () => {
  it(
    "shows and changes the operator's areas and paging contact, in every language",
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/users`);
      await page.getByRole('link', { name: /Sam Ortiz/ }).click();
      const areas = page.getByRole('region', { name: 'Areas and paging' });
      await areas.waitFor();
      const works = areas.getByRole('checkbox', { name: /^Inlet works/ });
      await expect.poll(() => works.isChecked()).toBe(true);
      await expect.poll(() => areas.getByLabel('Paged as').inputValue()).not.toBe('');
      expect(await areas.getByLabel('Paged as').locator('option:checked').textContent()).toContain(
        'Sam Ortiz',
      );
      await checkBasics(page, 'user-areas');

      // Pumping alone instead of the whole inlet works
      await works.uncheck();
      await areas.getByRole('checkbox', { name: /^Pumping/ }).check();
      await areas.getByRole('button', { name: 'Save areas and contact' }).click();
      await areas.getByText('Areas and contact saved.').waitFor();
      await page.reload();
      await expect.poll(() => page.getByRole('checkbox', { name: /^Pumping/ }).isChecked()).toBe(true);
      expect(await page.getByRole('checkbox', { name: /^Inlet works/ }).isChecked()).toBe(false);
      const userUrl = page.url();

      for (const { locale, heading, save } of headings) {
        const other = await e2e.newPage({ locale });
        await other.context.addCookies(
          (await context.cookies()).filter((cookie) => cookie.name !== LOCALE_COOKIE),
        );
        await other.page.goto(userUrl);
        await other.page.getByRole('heading', { level: 2, name: heading }).waitFor();
        await other.page.getByRole('button', { name: save }).waitFor();
        await checkBasics(other.page, `user-areas-${locale}`);
        await other.context.close();
      }
      await context.close();

      // the operator sees his area only: Pumping at the top of the tree, not Inlet works
      const operator = await e2e.signedIn({}, OPERATOR);
      const api = await apiSession(e2e.runtime.apiUrl, OPERATOR);
      const { sites } = await api.get<{ sites: { id: string; name: string }[] }>('/v1/sites');
      expect(sites.map((site) => site.name)).toEqual(['North Pumping Station']);
      await operator.page.goto(`${e2e.web.url}/sites/${sites[0]?.id}`);
      const tree = operator.page.getByRole('navigation', { name: 'Assets of North Pumping Station' });
      await tree
        .getByRole('link', { name: /Pumping/ })
        .first()
        .waitFor();
      expect(await tree.getByRole('link', { name: /Inlet works/ }).count()).toBe(0);
      await checkBasics(operator.page, 'user-areas-operator-site');
      await operator.context.close();
    },
    E2E_TEST_MS,
  );
});
