// Signed, expiring download links: an HMAC-SHA256 over the tenant, run, file, whom the link was
// issued to and when it expires, with a server secret. Nothing is stored per link, and a link
// cannot be bent to another file, run, tenant or expiry without the secret.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForbiddenError } from '@plantwatch/shared';
import { z } from 'zod';

export interface ReportLinkClaims {
  tenantId: string;
  runId: string;
  fileName: string;
  /** A user id or a recipient's e-mail address; recorded with each download. */
  issuedTo: string;
  expiresAt: number;
}

/** The query string of a download link, as the API route reads it. */
export const reportLinkQuerySchema = z.object({
  tenant: z.uuid({ error: 'must be a tenant id' }),
  run: z.uuid({ error: 'must be a run id' }),
  file: z.string().min(1).max(200),
  to: z.string().min(1).max(320),
  expires: z.coerce.number({ error: 'must be a time in epoch ms' }).int(),
  sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a link signature'),
});
export type ReportLinkQuery = z.infer<typeof reportLinkQuerySchema>;

export class ReportLinkSigner {
  readonly #secret: Buffer;

  constructor(secret: Uint8Array) {
    if (secret.length < 32) throw new Error('the report link secret must be at least 32 bytes');
    this.#secret = Buffer.from(secret);
  }

  #mac(claims: ReportLinkClaims): Buffer {
    return createHmac('sha256', this.#secret)
      .update(
        [
          'report-link-v1',
          claims.tenantId,
          claims.runId,
          claims.fileName,
          claims.issuedTo,
          String(claims.expiresAt),
        ].join('\n'),
      )
      .digest();
  }

  /** The query string (without "?") for a download link. */
  sign(claims: ReportLinkClaims): string {
    return new URLSearchParams({
      tenant: claims.tenantId,
      run: claims.runId,
      file: claims.fileName,
      to: claims.issuedTo,
      expires: String(claims.expiresAt),
      sig: this.#mac(claims).toString('base64url'),
    }).toString();
  }

  /** The claims of a genuine, unexpired link; ForbiddenError otherwise. */
  verify(query: ReportLinkQuery, now: number): ReportLinkClaims {
    const claims: ReportLinkClaims = {
      tenantId: query.tenant,
      runId: query.run,
      fileName: query.file,
      issuedTo: query.to,
      expiresAt: query.expires,
    };
    const given = Buffer.from(query.sig, 'base64url');
    const expected = this.#mac(claims);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ForbiddenError('this download link is not valid; ask for a new one');
    }
    if (now >= claims.expiresAt)
      throw new ForbiddenError('this download link has expired; ask for a new one');
    return claims;
  }
}
