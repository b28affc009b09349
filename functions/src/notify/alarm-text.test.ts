// What a page says: site, device, tag, value with its unit, limit, severity and how to acknowledge,
// and an SMS that stays in one segment where it can, shortened in a fixed order.
import type { Language } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import {
  type AlarmPlace,
  alarmPageText,
  describeLimit,
  describeLimitInEveryLanguage,
  digestText,
  type PageContext,
  type PageStep,
  smsPageText,
  smsSize,
  toGsm,
} from './alarm-text.ts';
import { type PageMessageKey, pageMessage, pageMessages } from './page-messages.ts';

const place = (overrides: Partial<AlarmPlace> = {}): AlarmPlace => ({
  siteName: 'North Pumping Station',
  deviceName: 'PLC-1',
  tagName: 'Wet well level',
  unit: 'm',
  limit: 'HiHi 4.5 m',
  timeZone: 'Europe/London',
  ...overrides,
});

const page = (
  overrides: Partial<PageContext['alarm']> = {},
  where: Partial<AlarmPlace> = {},
): PageContext => ({
  alarm: {
    id: '0195f3c1-0000-5000-8000-0000000000b1',
    name: 'Wet well level HiHi',
    severity: 'critical',
    value: 4.72,
    activeSince: '2026-11-22T03:10:00.000Z',
    ...overrides,
  },
  place: place(where),
});

const first: PageStep = { level: 0, round: 0, show: false };
const second: PageStep = { level: 1, round: 0, show: true };

describe('SMS segments', () => {
  it('counts 160 GSM-7 characters as one segment and 161 as two', () => {
    expect(smsSize('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSize('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSize('a'.repeat(306)).segments).toBe(2);
    expect(smsSize('a'.repeat(307)).segments).toBe(3);
  });

  it('counts an extension character (€, [, ^) as two septets', () => {
    expect(smsSize(`${'a'.repeat(158)}€`)).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSize(`${'a'.repeat(159)}€`).segments).toBe(2);
  });

  it('needs UCS-2 for one character outside GSM-7 (°, ³), with 70 in one segment', () => {
    expect(smsSize(`${'a'.repeat(69)}°`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSize(`${'a'.repeat(70)}°`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  it('spells units and names in GSM-7 when asked', () => {
    expect(toGsm('92 °C, 12 m³/h, 40 µS/cm, São João — ok')).toBe('92 C, 12 m3/h, 40 uS/cm, Sao Joao - ok');
    expect(smsSize(toGsm('Motor temperature 92 °C')).encoding).toBe('GSM-7');
  });
});

describe('an alarm page', () => {
  it('says severity, site, alarm, device, tag, value with unit, limit, since (local time) and how to acknowledge', () => {
    const text = smsPageText(page(), first);
    expect(text).toBe(
      'CRITICAL alarm at North Pumping Station: Wet well level HiHi. PLC-1 Wet well level 4.72 m (limit HiHi 4.5 m). Since 03:10. Reply OK to acknowledge.',
    );
    expect(smsSize(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('writes units as the catalogue does (°C, not degC) where the channel allows it', () => {
    const hot = page(
      { name: 'Motor temperature Hi', value: 92.4 },
      { unit: 'degC', limit: 'Hi 90 °C', tagName: 'Motor temp' },
    );
    expect(alarmPageText(hot, first, 'email').body).toContain('Value: 92.4 °C');
    expect(alarmPageText(hot, first, 'telegram').body).toContain('Limit: Hi 90 °C');
  });

  it('shortens an SMS in the ladder order: GSM spelling first, so °C does not cost the UCS-2 limit of 70', () => {
    const hot = page({ name: 'Motor temperature Hi', value: 92.4 }, { unit: 'degC', limit: 'Hi 90 °C' });
    const text = smsPageText(hot, first);
    expect(text).toContain('92.4 C (limit Hi 90 C)');
    expect(text).toContain('North Pumping Station');
    expect(smsSize(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('drops "since", then the escalation level, then abbreviates, then drops the device, never the site, value or limit', () => {
    const long = page(
      { name: 'Primary clarifier sludge blanket level HiHi' },
      {
        siteName: 'Riverside Wastewater Treatment Works',
        deviceName: 'Clarifier PLC 3',
        tagName: 'Sludge blanket level',
      },
    );
    const text = smsPageText(long, { level: 1, round: 2, show: true });
    expect(smsSize(text).segments).toBe(1);
    expect(text).not.toContain('Since');
    expect(text).not.toContain('Level 2');
    for (const kept of ['Riverside Wastewater Treatment Works', '4.72 m', 'HiHi 4.5 m', 'Reply OK']) {
      expect(text).toContain(kept);
    }
  });

  it('drops the device before the tag, and the tag before shortening names', () => {
    const tight = page(
      { name: 'Primary clarifier sludge blanket level HiHi' },
      {
        siteName: 'Riverside Wastewater Treatment Works',
        deviceName: 'Clarifier PLC 3 north bank',
        tagName: 'Sludge blanket level',
      },
    );
    const text = smsPageText(tight, second);
    expect(smsSize(text).segments).toBe(1);
    expect(text).not.toContain('Clarifier PLC 3');
    expect(text).toContain('Primary clarifier sludge blanket level HiHi');
  });

  it('sends the shortest rung, in more than one segment, rather than lose the place or the reading', () => {
    const huge = page(
      { name: 'A'.repeat(120) },
      { siteName: 'S'.repeat(100), deviceName: 'D'.repeat(40), tagName: 'T'.repeat(40) },
    );
    const text = smsPageText(huge, second);
    expect(text).toContain('4.72 m');
    expect(text).toContain('lim HiHi 4.5 m');
    expect(text).toContain('Reply OK to ack.');
    expect(text).not.toContain('D'.repeat(40));
  });

  it('says the escalation level and repeat when the policy has more than one level', () => {
    expect(smsPageText(page(), { level: 1, round: 1, show: true })).toContain('Level 2, repeat 1.');
  });

  it('gives e-mail a subject naming severity, site and alarm', () => {
    expect(alarmPageText(page(), first, 'email').subject).toBe(
      '[Plantwatch] CRITICAL alarm at North Pumping Station: Wet well level HiHi',
    );
  });
});

describe('the limit in words', () => {
  const common = {
    id: '0195f3c1-0000-7000-8000-0000000000e1',
    tenantId: '0195f3c1-0000-7000-8000-000000000001',
    siteId: '0195f3c1-0000-7000-8000-0000000000f1',
    name: 'x',
    description: '',
    deadband: 0,
    onDelayMs: 0,
    offDelayMs: 0,
    enabled: true,
    escalationPolicyId: null,
    repageHoldOffMinutes: 15,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  it('names the level and threshold of a limit stack with the unit', () => {
    const rule = {
      ...common,
      kind: 'limit' as const,
      tagId: common.id,
      levels: [
        { level: 'hihi' as const, threshold: 4.5, severity: 'critical' as const },
        { level: 'hi' as const, threshold: 4, severity: 'high' as const },
      ],
    };
    expect(describeLimit(rule, 'hi', 'm')).toBe('Hi 4 m');
    expect(describeLimit({ ...rule }, 'hihi', 'degC')).toBe('HiHi 4.5 °C');
  });
  it('words totals and counts over a window, with the volume of a rate tag', () => {
    const window = { ...common, tagId: common.id, severity: 'high' as const, windowSeconds: 3600 };
    expect(
      describeLimit({ ...window, kind: 'totalizer', input: 'ratePerHour', threshold: 500 }, null, 'm³/h'),
    ).toBe('> 500 m³ in 1 h');
    expect(
      describeLimit(
        { ...window, kind: 'totalizer', input: 'counter', threshold: 1200, windowSeconds: 1800 },
        null,
        'm³',
      ),
    ).toBe('> 1,200 m³ in 30 min');
    expect(
      describeLimit(
        {
          ...window,
          kind: 'curve',
          xTagId: window.tagId,
          curveId: null,
          points: [
            [0, 40],
            [100, 20],
          ],
          tolerance: 2,
          toleranceMode: 'absolute',
          side: 'either',
        },
        null,
        'm',
      ),
    ).toBe('off its operating curve by more than 2 m');
    expect(
      describeLimit(
        {
          ...window,
          kind: 'curve',
          xTagId: window.tagId,
          curveId: null,
          points: [
            [0, 40],
            [100, 20],
          ],
          tolerance: 5,
          toleranceMode: 'percent',
          side: 'below',
        },
        null,
        'm',
        'pt-BR',
      ),
    ).toBe('fora da curva de operação por mais de 5 %');
    expect(describeLimit({ ...window, kind: 'counter', state: true, threshold: 6 }, null, null, 'es')).toBe(
      'más de 6 veces en 1 h',
    );
  });

  it('words comparisons, rates and communication loss', () => {
    expect(
      describeLimit(
        { ...common, kind: 'comparison', tagId: common.id, severity: 'low', op: '>=', value: 80 },
        null,
        'kW',
      ),
    ).toBe('>= 80 kW');
    expect(
      describeLimit(
        {
          ...common,
          kind: 'rateOfChange',
          tagId: common.id,
          severity: 'low',
          perMinute: 0.5,
          direction: 'up',
        },
        null,
        'm',
      ),
    ).toBe('rising > 0.5 m/min');
    expect(
      describeLimit(
        {
          ...common,
          kind: 'commLoss',
          tagId: null,
          severity: 'critical',
          afterSeconds: 60,
          scope: 'gateway',
          deviceId: null,
          gatewayId: common.id,
        },
        null,
        null,
      ),
    ).toBe('no data for 60 s');
  });
});

describe('a digest', () => {
  const lines = [
    { line: 'CRITICAL Wet well level HiHi 4.72 m', name: 'Wet well level HiHi' },
    { line: 'HIGH Pump 1 fault true', name: 'Pump 1 fault' },
    { line: 'HIGH Motor temperature Hi 92.4 °C', name: 'Motor temperature Hi' },
  ];

  it('lists the alarms of one site in one SMS, with one reply for all', () => {
    const { body, subject } = digestText(lines, 'North Pumping Station', 'sms');
    expect(subject).toBe('[Plantwatch] 3 alarms at North Pumping Station');
    expect(body).toBe(
      '3 alarms at North Pumping Station: CRITICAL Wet well level HiHi 4.72 m; HIGH Pump 1 fault true; HIGH Motor temperature Hi 92.4 C. Reply OK to ack all.',
    );
    expect(smsSize(body).segments).toBe(1);
  });

  it('drops values, then names the first alarms and counts the rest, to stay in one segment', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      line: `HIGH Alarm number ${i + 1} 4.7 m`,
      name: `Alarm ${i + 1}`,
    }));
    const { body } = digestText(many, 'North Pumping Station', 'sms');
    expect(body).toMatch(
      /^40 alarms at North Pumping Station: Alarm 1; Alarm 2; .* and \d+ more\. Reply OK to ack all\.$/,
    );
    expect(smsSize(body).segments).toBe(1);
  });

  it('lists every alarm on its own line in Telegram, with how to acknowledge all', () => {
    const { body } = digestText(lines, 'North Pumping Station', 'telegram');
    expect(body.split('\n')).toEqual([
      '3 alarms at North Pumping Station:',
      '- CRITICAL Wet well level HiHi 4.72 m',
      '- HIGH Pump 1 fault true',
      '- HIGH Motor temperature Hi 92.4 °C',
      'Reply OK (or ✅) to this message to acknowledge all of them.',
    ]);
  });
});

describe('a page in the contact language', () => {
  it('words an SMS in Portuguese with the number as Brazil writes it, and the ack word kept', () => {
    const text = smsPageText(page(), first, 'OK', 'pt-BR');
    expect(text).toBe(
      'Alarme CRITICO em North Pumping Station: Wet well level HiHi. PLC-1 Wet well level 4,72 m (limite HiHi 4.5 m). Desde 03:10. Responda OK para reconhecer.',
    );
    expect(smsSize(text).segments).toBe(1);
  });

  it('words a Telegram page in Spanish, limit words from the place in Spanish', () => {
    const { body, subject } = alarmPageText(
      page({ value: 92.4 }, { unit: 'degC', limit: 'rising', limitByLanguage: { es: 'subiendo' } }),
      second,
      'telegram',
      'es',
    );
    expect(subject).toBe('[Plantwatch] Alarma CRÍTICA en North Pumping Station: Wet well level HiHi');
    expect(body.split('\n')).toEqual([
      'Alarma CRÍTICA en North Pumping Station: Wet well level HiHi',
      'PLC-1 / Wet well level',
      'Valor: 92,4 °C',
      'Límite: subiendo',
      'Severidad: crítica',
      'Desde: 03:10 (Europe/London)',
      'Escalamiento: nivel 2',
      'Responda OK (o ✅) a este mensaje para reconocer.',
    ]);
  });

  it('keeps Chinese in UCS-2 instead of spelling it as question marks, within 70 characters where it can', () => {
    const text = smsPageText(page({}, { siteName: '北泵站', tagName: '湿井液位' }), first, 'OK', 'zh-CN');
    expect(text).not.toContain('?');
    expect(text).toContain('北泵站');
    expect(text).toContain('回');
    expect(smsSize(text)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('counts a digest in each language: one alarm, several alarms, "and N more"', () => {
    const one = [{ line: 'x', name: 'Pump 1 fault' }];
    const two = [...one, { line: 'y', name: 'Pump 2 fault' }];
    expect(digestText(one, 'North', 'email', 'pt-BR').subject).toBe('[Plantwatch] 1 alarme em North');
    expect(digestText(two, 'North', 'email', 'pt-BR').subject).toBe('[Plantwatch] 2 alarmes em North');
    expect(digestText(one, 'North', 'email', 'es').subject).toBe('[Plantwatch] 1 alarma en North');
    expect(digestText(two, 'North', 'email', 'en-GB').subject).toBe('[Plantwatch] 2 alarms at North');
    expect(digestText(two, 'North', 'email', 'zh-CN').subject).toBe('[Plantwatch] North 2 条报警');
    const many = Array.from({ length: 12 }, (_, i) => ({
      line: `HIGH Pump ${i + 1} motor overtemperature fault ${i}`,
      name: `Pump ${i + 1} motor overtemperature fault`,
    }));
    const sms = digestText(many, 'North Pumping Station', 'sms', 'es').body;
    expect(sms).toMatch(/ y \d+ mas\. Responda OK para reconocer todas\.$/);
    expect(smsSize(sms).segments).toBe(1);
  });

  it('words what the limit is in each language', () => {
    const rule = {
      id: '0195f3c1-0000-7000-8000-0000000000e1',
      tenantId: '0195f3c1-0000-7000-8000-000000000001',
      siteId: '0195f3c1-0000-7000-8000-0000000000f1',
      name: 'x',
      description: '',
      deadband: 0,
      onDelayMs: 0,
      offDelayMs: 0,
      enabled: true,
      escalationPolicyId: null,
      repageHoldOffMinutes: 15,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      kind: 'commLoss' as const,
      tagId: null,
      severity: 'critical' as const,
      afterSeconds: 60,
      scope: 'gateway' as const,
      deviceId: null,
      gatewayId: '0195f3c1-0000-7000-8000-0000000000e2',
    };
    expect(describeLimitInEveryLanguage(rule, null, null)).toEqual({
      'en-GB': 'no data for 60 s',
      'pt-BR': 'sem dados há 60 s',
      es: 'sin datos durante 60 s',
      'zh-CN': '60 秒无数据',
    });
  });
});

describe('the page messages', () => {
  const argumentsOf = (message: string) =>
    [...message.matchAll(/\{(\w+)/g)]
      .map((match) => match[1])
      .sort((a, b) => (a ?? '').localeCompare(b ?? ''));

  it('has every English message in every language, with the same arguments, and each one formats', () => {
    const english = pageMessages['en-GB'];
    for (const [language, messages] of Object.entries(pageMessages)) {
      expect(Object.keys(messages).sort(), language).toEqual(Object.keys(english).sort());
      for (const [key, message] of Object.entries(messages)) {
        const expected = argumentsOf(english[key as PageMessageKey]);
        expect([...new Set(argumentsOf(message))], `${language} ${key}`).toEqual([...new Set(expected)]);
        const values = { severity: 'S', site: 'X', name: 'N', limit: 'L', time: 'T', level: 2, round: 1 };
        expect(() =>
          pageMessage(language as Language, key as PageMessageKey, {
            ...values,
            word: 'OK',
            channel: 'C',
            value: 'V',
            zone: 'Z',
            count: 3,
            seconds: 60,
            total: '500 m³',
            window: '1 h',
            band: '2 m',
          }),
        ).not.toThrow();
      }
    }
  });
});
