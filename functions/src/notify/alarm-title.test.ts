// Pages name the asset an alarm's tag is bound to (ADR 0042): "Inlet works / Pumping / Pump 1 — Motor
// current high" in the SMS, the call, the e-mail and the digest line, once, and not when there is none.
import { describe, expect, it } from 'vitest';
import { type AlarmPlace, alarmPageText, alarmTitle, digestLine, type PageContext } from './alarm-text.ts';

const PATH = 'Inlet works / Pumping / Pump 1';

const page = (name: string, assetPath: string | null): PageContext => {
  const place: AlarmPlace = {
    siteName: 'North Pumping Station',
    deviceName: 'Drive',
    tagName: 'Motor current',
    unit: 'A',
    limit: '> 45 A',
    timeZone: 'Europe/London',
    assetPath,
  };
  return {
    alarm: {
      id: '0195f3c1-0000-5000-8000-0000000000b1',
      name,
      severity: 'medium',
      value: 52,
      activeSince: null,
    },
    place,
  };
};
const step = { level: 0, round: 0, show: false };

describe('alarm messages name the asset path', () => {
  it('puts the path before the name, and leaves a name that already starts with it alone', () => {
    expect(alarmTitle(page('Motor current high', PATH))).toBe(`${PATH} — Motor current high`);
    expect(alarmTitle(page(`${PATH}: Tripped`, PATH))).toBe(`${PATH}: Tripped`);
    expect(alarmTitle(page('Motor current high', null))).toBe('Motor current high');
  });

  it('says it in the SMS, the call, the e-mail subject and body, and the digest line', () => {
    const paged = page('Motor current high', PATH);
    const sms = alarmPageText(paged, step, 'sms').body;
    expect(sms).toContain(`${PATH} - Motor current high`);
    expect(alarmPageText(paged, step, 'voice').body).toContain(`${PATH} — Motor current high`);
    const email = alarmPageText(paged, step, 'email');
    expect(email.subject).toContain(`${PATH} — Motor current high`);
    expect(email.body.split('\n')[0]).toContain(`${PATH} — Motor current high`);
    expect(digestLine(paged)).toContain(`${PATH} — Motor current high`);
    // without an asset the page is as before
    expect(alarmPageText(page('Motor current high', null), step, 'email').subject).not.toContain(
      'Inlet works',
    );
  });
});
