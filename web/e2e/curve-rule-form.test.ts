// The alarm rule form's curve kind and derived-tag picker in Chromium (issue 17, ADRs 0048 and 0050):
// a curve rule on the demo plant made from the demo tenant's curve template (motor current against
// the discharge flow), a line of points the form refuses naming its line, and a rule on the demo
// site's flow-balance KPI chosen among the site's derived tags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSession, checkBasics, E2E_SETUP_MS, E2E_TEST_MS, type E2e, startE2e } from './harness.ts';

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
}, E2E_SETUP_MS);

afterAll(async () => {
  await e2e?.close();
}, 60_000);

describe('the alarm rule form', () => {
  it(
    'makes a curve rule from a template, refuses a bad line of points, and watches a derived tag',
    async () => {
      const { context, page } = await e2e.signedIn();
      await page.goto(`${e2e.web.url}/config/alarm-rules`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      const form = page.getByRole('form', { name: 'New alarm rule' });
      await form.getByLabel('Kind').selectOption({ label: 'Outside an operating curve (X against Y)' });
      await form.getByLabel('Site').selectOption({ label: 'North Pumping Station' });
      await form.getByLabel('Device').selectOption({ label: 'Pump drive controller (OPC UA)' });
      await form
        .getByLabel('Y tag (judged against the curve)')
        .selectOption({ label: 'Pump 1 motor current (motor_current, A)' });
      await form.getByLabel('X tag (the curve’s horizontal axis)').selectOption({
        label: 'Lift station PLC (Modbus TCP) › Discharge main, leaving (discharge_flow, L/s)',
      });
      await form.getByLabel(/^Name/).fill('E2E pump current on its curve');
      // the template list holds the demo tenant's curve
      const template = form.getByLabel('Curve template');
      expect(await template.locator('option').allTextContents()).toEqual([
        'Pump 1 motor current against flow (L/s → A): (60, 36) (85, 41) (100, 44)',
      ]);
      await form.getByRole('spinbutton', { name: /^Tolerance/ }).fill('4');
      await form.getByLabel('Alarm when Y is').selectOption({ label: 'above the band' });
      await checkBasics(page, 'alarm-rule-form-curve-template');

      // typed points: a line that is not two numbers is refused beside the box, naming its line
      await form.getByLabel('Curve', { exact: true }).selectOption({ label: 'points typed here' });
      const points = form.getByLabel('Points (x, y), one per line');
      await points.fill('60, 36\n85 41\n100');
      await form.getByRole('button', { name: 'Add alarm rule' }).click();
      await form.getByText('Line 3: write x then y, e.g. 85, 41').waitFor();
      expect(await points.getAttribute('aria-invalid')).toBe('true');
      await checkBasics(page, 'alarm-rule-form-curve-points-refused');
      await points.fill('60, 36\n85 41\n100; 44');
      await form.getByRole('button', { name: 'Add alarm rule' }).click();
      await page.getByText('Added E2E pump current on its curve.').waitFor();

      const api = await apiSession(e2e.runtime.apiUrl);
      const { alarmRules } = await api.get<{
        alarmRules: { name: string; kind: string; tagId: string; [field: string]: unknown }[];
      }>('/v1/alarm-rules');
      const { tags } = await api.get<{ tags: { id: string; key: string }[] }>('/v1/tags');
      const id = (key: string) => tags.find((tag) => tag.key === key)?.id;
      expect(alarmRules.find((rule) => rule.name === 'E2E pump current on its curve')).toMatchObject({
        kind: 'curve',
        tagId: id('motor_current'),
        xTagId: id('discharge_flow'),
        curveId: null,
        points: [
          [60, 36],
          [85, 41],
          [100, 44],
        ],
        tolerance: 4,
        toleranceMode: 'absolute',
        side: 'above',
      });

      // a derived tag, chosen like a device's tag
      await page.goto(`${e2e.web.url}/config/alarm-rules`);
      await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
      await form.getByLabel('Kind').selectOption({ label: 'Comparison' });
      await form.getByLabel('Device').selectOption({ label: 'Derived tags (site KPIs)' });
      await form
        .getByLabel('Tag', { exact: true })
        .selectOption({ label: 'Wet well flow balance (wet-well-balance, L/s)' });
      await form.getByLabel(/^Name/).fill('E2E balance negative');
      await form.getByLabel(/^Compare with/).fill('-90');
      await form.getByLabel('Operator').selectOption('<');
      await form.getByRole('button', { name: 'Add alarm rule' }).click();
      await page.getByText('Added E2E balance negative.').waitFor();
      const derived = (await api.get<{ items: { id: string; key: string }[] }>('/v1/derived-tags')).items;
      const after = (await api.get<{ alarmRules: { name: string; tagId: string }[] }>('/v1/alarm-rules'))
        .alarmRules;
      expect(after.find((rule) => rule.name === 'E2E balance negative')?.tagId).toBe(
        derived.find((tag) => tag.key === 'wet-well-balance')?.id,
      );
      await context.close();
      expect(e2e.consoleErrors).toEqual([]);
    },
    E2E_TEST_MS,
  );
});
