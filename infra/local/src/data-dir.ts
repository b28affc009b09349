// DATA_DIR holds the tenants' configuration, telemetry, the local CA's keys and the key that seals
// provider secrets: nobody but its owner may read it. The directory is 0700 and every file in it 0600;
// new files are created so (umask 077), and PGlite, which sets the modes of its own files (0666 from
// its initial data folder, 0644 for its cache files), is brought back into line at start, every
// minute and at close.
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '@plantwatch/functions/platform/observability';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Every file and folder under `dir` readable by others is made private; returns how many were changed. */
export async function tightenModes(dir: string): Promise<number> {
  let changed = 0;
  const walk = async (path: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (error) {
      // A folder removed while walking (a report run's temp files) is no longer anyone's to read.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isSymbolicLink()) continue;
      try {
        const mode = (await stat(child)).mode & 0o777;
        const wanted = entry.isDirectory() ? DIR_MODE : FILE_MODE;
        if ((mode & 0o077) !== 0 || (entry.isDirectory() && mode !== DIR_MODE)) {
          await chmod(child, wanted);
          changed += 1;
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (entry.isDirectory()) await walk(child);
    }
  };
  await walk(dir);
  return changed;
}

/** Creates DATA_DIR private (or makes an existing one private) and sets the umask for what follows. */
export async function secureDataDir(dir: string): Promise<void> {
  try {
    // Files this process and its children (the gateway, the web app) create from now on are private.
    process.umask(0o077);
  } catch {
    // worker threads cannot change the umask; the walks below still tighten what gets created
  }
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(dir, DIR_MODE);
  await tightenModes(dir);
}

/** Tightens DATA_DIR every `everyMs` (PGlite's cache files), and once more on stop. */
export function guardDataDir(dir: string, everyMs = 60_000): { stop(): Promise<void> } {
  const tighten = () =>
    tightenModes(dir).catch((error) =>
      logger.error('could not make DATA_DIR private; retried in a minute', { dataDir: dir, error }),
    );
  const timer = setInterval(() => void tighten(), everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await tighten();
    },
  };
}
