// The tenant's logo (issue #7) on the API: uploaded as JSON (the API speaks JSON) holding the image
// base64-encoded; read back as the image itself from GET /v1/tenant/logo.
import { z } from 'zod';

/** The largest logo accepted, in bytes of the image (not of its base64 text). */
export const MAX_LOGO_BYTES = 512 * 1024;

export const logoMediaTypeSchema = z.enum(['image/png', 'image/jpeg']);
export type LogoMediaType = z.infer<typeof logoMediaTypeSchema>;

export const uploadTenantLogoSchema = z
  .object({
    mediaType: logoMediaTypeSchema,
    /** The image, base64 (standard alphabet, padded); over MAX_LOGO_BYTES decoded is refused with 413. */
    data: z
      .string()
      .min(1, 'is empty')
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'is not base64'),
  })
  .strict();
export type UploadTenantLogo = z.infer<typeof uploadTenantLogoSchema>;
