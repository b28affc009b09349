// The tenant's logo (issue #7): admins upload and remove it, anyone in the tenant reads it, and the
// report job puts it on the PDF cover. Only PNG and JPEG, told apart by their first bytes (the media
// type a client declares is checked against them, never trusted), at most MAX_LOGO_BYTES.
import { InvalidInputError, MAX_LOGO_BYTES, NotFoundError, type UploadTenantLogo } from '@plantwatch/shared';
import type { Clock } from '../platform/clock.ts';
import type { TenantStore } from '../platform/database/tenant-store.ts';
import { type Principal, requireRole } from '../platform/principal.ts';
import type { LogoMediaType, LogoRepositories, StoredTenantLogo } from './logo-store.ts';

/** The ports the tenant's logo runs on. */
export interface LogoDeps {
  store: TenantStore<LogoRepositories>;
  clock: Clock;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** The image format the bytes start with, or null when they are neither PNG nor JPEG. */
export function sniffLogoType(data: Buffer): LogoMediaType | null {
  if (data.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return 'image/png';
  if (data.subarray(0, JPEG_SIGNATURE.length).equals(JPEG_SIGNATURE)) return 'image/jpeg';
  return null;
}

/** Why an upload is refused: too big (413), not a PNG or JPEG (415), or unreadable / mislabelled (400). */
export class LogoRejectedError extends InvalidInputError {
  readonly statusCode: 400 | 413 | 415;
  constructor(statusCode: 400 | 413 | 415, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** Decodes and checks an upload; throws LogoRejectedError saying what is wrong. */
export async function decodeLogo(
  upload: UploadTenantLogo,
): Promise<{ mediaType: LogoMediaType; data: Buffer }> {
  const data = Buffer.from(upload.data, 'base64');
  if (data.length > MAX_LOGO_BYTES) {
    throw new LogoRejectedError(
      413,
      `the logo is ${data.length} bytes; at most ${MAX_LOGO_BYTES} are accepted`,
    );
  }
  const sniffed = sniffLogoType(data);
  if (!sniffed) throw new LogoRejectedError(415, 'the logo must be a PNG or JPEG image');
  if (sniffed !== upload.mediaType) {
    throw new LogoRejectedError(400, `the data is ${sniffed}, not the ${upload.mediaType} the request names`);
  }
  // pdfkit is loaded at the first upload or PDF, not with the process (ADR 0054).
  const { checkLogoImage } = await import('./pdf-logo.ts');
  try {
    checkLogoImage(data);
  } catch (error) {
    throw new LogoRejectedError(400, `the ${sniffed} image cannot be read: ${(error as Error).message}`);
  }
  return { mediaType: sniffed, data };
}

export async function putTenantLogo(
  deps: LogoDeps,
  principal: Principal,
  upload: UploadTenantLogo,
): Promise<void> {
  requireRole(principal, 'admin');
  const logo = await decodeLogo(upload);
  await deps.store.inTenant(principal.tenantId, (repos) =>
    repos.tenantLogo.put({ ...logo, updatedAt: deps.clock.now() }),
  );
}

export async function getTenantLogo(deps: LogoDeps, principal: Principal): Promise<StoredTenantLogo> {
  const logo = await deps.store.inTenant(principal.tenantId, (repos) => repos.tenantLogo.get());
  if (!logo) throw new NotFoundError('the tenant has no logo');
  return logo;
}

export async function removeTenantLogo(deps: LogoDeps, principal: Principal): Promise<void> {
  requireRole(principal, 'admin');
  const removed = await deps.store.inTenant(principal.tenantId, (repos) => repos.tenantLogo.remove());
  if (!removed) throw new NotFoundError('the tenant has no logo');
}
