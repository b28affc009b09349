// Report files under DATA_DIR/reports locally (S3 on AWS): the ReportFileStorage port on a directory.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { ReportFileStorage } from '../../ports.ts';

export function createDirectoryReportFiles(root: string): ReportFileStorage {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const path = resolve(base, key);
    // Keys are built by the server, but a file name never leaves the reports directory.
    if (!path.startsWith(base + sep))
      throw new Error(`report file key escapes the reports directory: ${key}`);
    return path;
  };
  return {
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      // Written aside and renamed: a reader never sees half a file.
      const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
      await writeFile(partial, body);
      await rename(partial, path);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}

/** Tests keep files in memory. */
export function createMemoryReportFiles(): ReportFileStorage & { keys(): string[] } {
  const files = new Map<string, Uint8Array>();
  return {
    async put(key, body) {
      files.set(key, body);
    },
    async get(key) {
      return files.get(key) ?? null;
    },
    async remove(key) {
      files.delete(key);
    },
    keys: () => [...files.keys()],
  };
}

/**
 * The download-link secret: REPORT_LINK_SECRET when set, else a random one generated once into
 * DATA_DIR (readable by its owner only), so links stay valid across restarts.
 */
export async function loadReportLinkSecret(dataDir: string, configured?: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const path = join(resolve(dataDir), 'report-link-secret');
  try {
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, secret.toString('base64url'), { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    // Two processes starting at once: the other one wrote it first.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
}
