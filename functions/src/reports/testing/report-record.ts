// Test helper: a report definition as the store keeps it, weekly by default.
import { randomUUID } from 'node:crypto';
import type { ReportRecord } from '../ports.ts';

export const testReport = (overrides: Partial<ReportRecord> = {}): ReportRecord => ({
  id: randomUUID(),
  name: 'Weekly',
  ownerUserId: null,
  ownerSiteIds: null,
  createdBy: { type: 'apiKey' },
  scope: { siteIds: [], deviceIds: [], tagIds: [randomUUID()], assetIds: [] },
  scopeSiteIds: [],
  period: 'last-week',
  bucket: 'day',
  metrics: ['avg'],
  sections: ['summary'],
  formats: ['pdf'],
  recipients: ['m@example.com'],
  schedule: { kind: 'weekly', at: '06:00', dayOfWeek: 1 },
  timeZone: 'Europe/London',
  enabled: true,
  lastSlotAt: new Date('2026-01-05T06:00:00Z'),
  ...overrides,
});
