import { MAX_LOGO_BYTES, uploadTenantLogoSchema } from '@plantwatch/shared';
import { describe, expect, it } from 'vitest';
import { strings } from '../strings.ts';
import { logoUploadBody } from './logo-form.ts';

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
    const result = await logoUploadBody(input);
    if (!('body' in result)) throw new Error(`refused: ${result.error}`);
    expect(result.body.mediaType).toBe(mediaType);
    expect(Buffer.from(result.body.data, 'base64')).toEqual(Buffer.from(await input.arrayBuffer()));
    expect(uploadTenantLogoSchema.safeParse(result.body).success).toBe(true);
  });

  it.each([
    { behaviour: 'refuses no file', input: null, error: strings.organisation.chooseFile },
    { behaviour: 'refuses an empty file', input: file([]), error: strings.organisation.chooseFile },
    {
      behaviour: 'refuses text',
      input: 'a name',
      error: strings.organisation.chooseFile,
    },
    {
      behaviour: 'refuses a GIF labelled PNG',
      input: file([0x47, 0x49, 0x46, 0x38, 0x39, 0x61], 'image/png'),
      error: strings.organisation.notImage,
    },
    {
      behaviour: 'refuses a PNG over 512 KB before reading it',
      input: file(pngStart, 'image/png', MAX_LOGO_BYTES + 1),
      error: strings.organisation.tooBig(513),
    },
  ])('$behaviour', async ({ input, error }) => {
    expect(await logoUploadBody(input)).toEqual({ error });
  });

  it('accepts a PNG of exactly 512 KB', async () => {
    const result = await logoUploadBody(file(pngStart, 'image/png', MAX_LOGO_BYTES));
    expect('body' in result).toBe(true);
  });
});
