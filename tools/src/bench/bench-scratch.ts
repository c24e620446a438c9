import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The name of the scratch folder whose files outlive a failed run (see {@link BenchScratch.dispose}). */
const LOGS_FOLDER = 'logs';

/**
 * One temporary root for everything a benchmark writes (its own database's
 * files, the workers' photo folders, logs), so the run removes all of it.
 */
export interface BenchScratch {
  /** The root, e.g. `/tmp/phx-bench-jobs-AbC123`. */
  readonly root: string;
  /**
   * A folder under the root, made on first use.
   *
   * @param name - a plain folder name, e.g. `db`, `images-latency`, `logs`
   * @returns its absolute path (the same for the same name)
   * @throws Error when `name` is empty or holds a path separator or `..`
   */
  folder(name: string): Promise<string>;
  /**
   * Removes the root. With `keepLogs` (a failed run), removes every folder
   * but `logs`, which is kept for the reader.
   *
   * @returns the kept logs folder, or `null` when nothing was kept
   */
  dispose(options: { readonly keepLogs: boolean }): Promise<string | null>;
}

/**
 * Makes a benchmark's scratch root in the temporary folder.
 *
 * @param prefix - the root's name prefix, e.g. `phx-bench-jobs-`
 * @returns the scratch
 */
export async function createBenchScratch(prefix: string): Promise<BenchScratch> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  return {
    root,
    async folder(name) {
      if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) throw new Error(`"${name}" is not a plain folder name`);
      const path = join(root, name);
      await mkdir(path, { recursive: true });
      return path;
    },
    async dispose({ keepLogs }) {
      const entries = await readdir(root).catch(() => [] as string[]);
      if (!keepLogs || !entries.includes(LOGS_FOLDER)) {
        await rm(root, { recursive: true, force: true });
        return null;
      }
      await Promise.all(entries.filter((e) => e !== LOGS_FOLDER).map((e) => rm(join(root, e), { recursive: true, force: true })));
      return join(root, LOGS_FOLDER);
    },
  };
}
