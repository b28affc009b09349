// The logo form's file as an API body (PUT /v1/tenant/logo): checked here first, by size and by the
// file's first bytes (a browser's file type comes from the name), so a wrong file is refused before
// it is sent; the API checks the same again.
import { type LogoMediaType, MAX_LOGO_BYTES, type UploadTenantLogo } from '@plantwatch/shared';
import type { Translator } from '../i18n/translator.ts';

/** The image format the bytes start with (PNG or JPEG signature), or null. */
export function logoTypeOf(bytes: Uint8Array): LogoMediaType | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= png.length && png.every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** The request body for the chosen file, or the reason to refuse it (shown beside the field). */
export async function logoUploadBody(
  file: FormDataEntryValue | null,
  t: Translator,
): Promise<{ body: UploadTenantLogo } | { error: string }> {
  if (!(file instanceof Blob) || file.size === 0) return { error: t('organisation.chooseFile') };
  if (file.size > MAX_LOGO_BYTES)
    return { error: t('organisation.tooBig', { kb: Math.ceil(file.size / 1024) }) };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const mediaType = logoTypeOf(bytes);
  if (!mediaType) return { error: t('organisation.notImage') };
  return { body: { mediaType, data: Buffer.from(bytes).toString('base64') } };
}
