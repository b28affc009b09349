import { MAX_LOGO_BYTES, uploadTenantLogoSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { englishTranslator } from '../i18n/translator.ts';
import { logoUploadBody } from './logo-form.ts';

const t = englishTranslator();

const pngStart = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const file = (bytes: number[], type = '', size?: number) => {
  const body = new Uint8Array(size ?? bytes.length);
  body.set(bytes);
  return new File([body], 'logo', { type });
};

describe('the logo form file as an API body', () => {
  it.each([
    {
      behaviour: 'takes a PNG by its signature',
      input: file([...pngStart, 1, 2, 3]),
      mediaType: 'image/png',
    },
    {
      behaviour: 'takes a JPEG by its signature, whatever type the browser named',
      input: file([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'image/png'),
      mediaType: 'image/jpeg',
    },
  ])('$behaviour', async ({ input, mediaType }) => {
    const result = await logoUploadBody(input, t);
    if (!('body' in result)) throw new Error(`refused: ${result.error}`);
    expect(result.body.mediaType).toBe(mediaType);
    expect(Buffer.from(result.body.data, 'base64')).toEqual(Buffer.from(await input.arrayBuffer()));
    expect(uploadTenantLogoSchema.safeParse(result.body).success).toBe(true);
  });

  it.each([
    { behaviour: 'refuses no file', input: null, error: 'Choose a PNG or JPEG file.' },
    { behaviour: 'refuses an empty file', input: file([]), error: 'Choose a PNG or JPEG file.' },
    {
      behaviour: 'refuses text',
      input: 'a name',
      error: 'Choose a PNG or JPEG file.',
    },
    {
      behaviour: 'refuses a GIF labelled PNG',
      input: file([0x47, 0x49, 0x46, 0x38, 0x39, 0x61], 'image/png'),
      error: 'This file is not a PNG or JPEG image.',
    },
    {
      behaviour: 'refuses a PNG over 512 KB before reading it',
      input: file(pngStart, 'image/png', MAX_LOGO_BYTES + 1),
      error: 'This file is 513 KB; a logo may be at most 512 KB.',
    },
  ])('$behaviour', async ({ input, error }) => {
    expect(await logoUploadBody(input, t)).toEqual({ error });
  });

  it('accepts a PNG of exactly 512 KB', async () => {
    const result = await logoUploadBody(file(pngStart, 'image/png', MAX_LOGO_BYTES), t);
    expect('body' in result).toBe(true);
  });
});
