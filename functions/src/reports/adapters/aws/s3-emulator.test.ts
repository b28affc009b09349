// Report files in S3, against the local AWS emulator (moto on 127.0.0.1, a port chosen at run time):
// the worker stores a run's files under the tenant's key and the API reads them back for download.
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEmulator, startAwsEmulator } from '../../../compose/aws-emulator.ts';
import { createS3ReportFiles } from './reports.ts';

let emulator: AwsEmulator;
let s3: S3Client;
const bucket = 'plantwatch-reports';

beforeAll(async () => {
  emulator = await startAwsEmulator();
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}, 120_000);
afterAll(() => emulator?.stop());

describe('report files in S3 on the emulator', () => {
  it('stores a file with its content type and reads the same bytes back; a missing one is null', async () => {
    const files = createS3ReportFiles(s3, bucket);
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0xff, 0x00]);
    const key = 'tenants/t-1/reports/r-1/runs/run-1/daily.pdf';

    await files.put(key, pdf, 'application/pdf');

    expect(await files.get(key)).toEqual(pdf);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentType).toBe('application/pdf');
    expect(await files.get('tenants/t-1/reports/r-1/runs/run-2/none.pdf')).toBeNull();
  });
});
