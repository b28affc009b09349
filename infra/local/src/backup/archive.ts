// The backup file: a folder packed as one tar, gzipped, encrypted with a key derived from a passphrase
// (scrypt, AES-256-GCM). Layout: "PWBACKUP1\n", 32 bytes of salt, 12 bytes of IV, the ciphertext, and
// the 16-byte GCM tag at the end. A restore authenticates the whole file first (a wrong passphrase or
// a damaged file fails there) and only then unpacks it, into a staging folder.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import tar from 'tar-stream';

const MAGIC = Buffer.from('PWBACKUP1\n');
const SALT_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** N 2^17: ~128 MB and a fraction of a second, once per backup. */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 };

export class BackupFileError extends Error {
  override name = 'BackupFileError';
}

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  if (passphrase.length < 12) throw new BackupFileError('the passphrase must be at least 12 characters');
  return new Promise((done, fail) =>
    scrypt(passphrase, salt, 32, SCRYPT, (error, key) => (error ? fail(error) : done(key))),
  );
}

async function* filesUnder(root: string, dir = root): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(root, path);
    else if (entry.isFile()) yield relative(root, path);
  }
}

/** Packs every file under `folder` into the encrypted file `to` (written 0600). */
export async function packBackup(folder: string, to: string, passphrase: string): Promise<void> {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(passphrase, salt), iv);
  const pack = tar.pack();
  const packing = (async () => {
    for await (const name of filesUnder(folder)) {
      const path = join(folder, name);
      const { size, mode, mtime } = await stat(path);
      const entry = pack.entry({ name: name.split(sep).join('/'), size, mode: mode & 0o777, mtime });
      await pipeline(createReadStream(path), entry);
    }
    pack.finalize();
  })();
  await mkdir(dirname(resolve(to)), { recursive: true });
  const out = createWriteStream(to, { mode: 0o600 });
  out.write(Buffer.concat([MAGIC, salt, iv]));
  await Promise.all([packing, pipeline(pack, createGzip(), cipher, out, { end: false })]);
  await new Promise<void>((done, fail) => out.end(cipher.getAuthTag(), () => done()).once('error', fail));
}

/** Unpacks the encrypted file `from` into the folder `into` (files 0600, folders 0700). */
export async function unpackBackup(from: string, into: string, passphrase: string): Promise<void> {
  const file = await open(from, 'r');
  let size: number;
  let header: Buffer;
  try {
    size = (await file.stat()).size;
    header = Buffer.alloc(MAGIC.length + SALT_BYTES + IV_BYTES);
    await file.read(header, 0, header.length, 0);
  } finally {
    await file.close();
  }
  if (size < header.length + TAG_BYTES || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupFileError(`${from} is not a Plantwatch backup`);
  }
  const salt = header.subarray(MAGIC.length, MAGIC.length + SALT_BYTES);
  const iv = header.subarray(MAGIC.length + SALT_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  const tagFile = await open(from, 'r');
  try {
    await tagFile.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await tagFile.close();
  }
  const key = await deriveKey(passphrase, salt);
  const decipherer = () => {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return decipher;
  };
  const ciphertext = () => createReadStream(from, { start: header.length, end: size - TAG_BYTES - 1 });
  // First the whole file is authenticated (a wrong passphrase or a damaged file fails here), and
  // only then unpacked: nothing unauthenticated is ever parsed.
  try {
    await pipeline(ciphertext(), decipherer(), new Writable({ write: (_chunk, _encoding, next) => next() }));
  } catch (error) {
    throw new BackupFileError('the passphrase is wrong or the file is damaged', { cause: error });
  }
  const root = resolve(into);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const extract = tar.extract();
  const writing = (async () => {
    for await (const entry of extract) {
      const target = resolve(root, entry.header.name);
      if (!target.startsWith(`${root}${sep}`)) throw new BackupFileError(`unsafe path ${entry.header.name}`);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await pipeline(entry, createWriteStream(target, { mode: 0o600 }));
    }
  })();
  await Promise.all([writing, pipeline(ciphertext(), decipherer(), createGunzip(), extract)]);
}
