import { ForbiddenError } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { ReportLinkSigner, reportLinkQuerySchema } from './links.ts';

const signer = new ReportLinkSigner(Buffer.alloc(32, 7));
const claims = {
  tenantId: '01900000-0000-7000-8000-000000000001',
  runId: '01900000-0000-7000-8000-000000000002',
  fileName: 'weekly_2026-03-02_2026-03-08.pdf',
  issuedTo: 'manager@example.com',
  expiresAt: Date.parse('2026-03-16T06:00:00Z'),
};
const query = (search: string) =>
  reportLinkQuerySchema.parse(Object.fromEntries(new URLSearchParams(search)));

describe('signed report links', () => {
  it('verifies a link it signed until it expires, then refuses it', () => {
    const link = query(signer.sign(claims));
    expect(signer.verify(link, claims.expiresAt - 1)).toEqual(claims);
    expect(() => signer.verify(link, claims.expiresAt)).toThrow(
      new ForbiddenError('this download link has expired; ask for a new one'),
    );
  });

  it.each([
    ['another file', { file: 'weekly_2026-03-02_2026-03-08.xlsx' }],
    ['another run', { run: '01900000-0000-7000-8000-000000000003' }],
    ['another tenant', { tenant: '01900000-0000-7000-8000-000000000009' }],
    ['a later expiry', { expires: String(claims.expiresAt + 86_400_000) }],
    ['another recipient', { to: 'thief@example.com' }],
  ])('refuses a link bent to %s', (_, change) => {
    const params = new URLSearchParams(signer.sign(claims));
    for (const [key, value] of Object.entries(change)) params.set(key, value);
    expect(() => signer.verify(query(params.toString()), claims.expiresAt - 1)).toThrow(
      'this download link is not valid',
    );
  });

  it('refuses a link signed with another secret', () => {
    const other = new ReportLinkSigner(Buffer.alloc(32, 8));
    expect(() => signer.verify(query(other.sign(claims)), claims.expiresAt - 1)).toThrow(ForbiddenError);
  });

  it('will not sign with a short secret', () => {
    expect(() => new ReportLinkSigner(Buffer.alloc(16))).toThrow('at least 32 bytes');
  });
});
