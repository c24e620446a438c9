import { readdir, readFile } from 'node:fs/promises';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

/** Fields of `/proc/<pid>/stat` after the command name (field 3 is index 0). */
async function statFields(pid: number): Promise<string[] | null> {
  const text = await readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/**
 * CPU time a process has used so far (user + system), from `/proc` (Linux).
 *
 * @param pid - the process
 * @returns seconds of CPU, or `null` when the process is gone
 */
export async function cpuSecondsOf(pid: number): Promise<number | null> {
  const f = await statFields(pid);
  if (f === null) return null;
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/**
 * Resident memory of a process and all its descendants (a worker and its Chromium), from `/proc`.
 *
 * @param rootPid - the process
 * @returns bytes of the process alone and of the whole tree
 */
export async function treeRssBytes(rootPid: number): Promise<{ readonly ownBytes: number; readonly treeBytes: number }> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const f = await statFields(pid);
    if (f !== null) parents.set(pid, Number(f[1]));
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) if (p === rootPid) return true;
    return false;
  };
  let own = 0;
  let tree = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    const rss = await rssBytes(pid);
    tree += rss;
    if (pid === rootPid) own = rss;
  }
  return { ownBytes: own, treeBytes: tree };
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readText(`/proc/${pid}/status`);
  const kb = /VmRSS:\s+(\d+) kB/.exec(status ?? '')?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

/**
 * Finds the FerretDB process serving the benchmark, if it runs on this machine.
 *
 * @param port - the port of `MONGODB_URI`
 * @returns its pid, or `null` when none (or several) match
 */
export async function findFerretDbPid(port: number): Promise<number | null> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const cmd = (await readText(`/proc/${pid}/cmdline`))?.replaceAll('\0', ' ') ?? '';
    if (/ferretdb/i.test(cmd) && cmd.includes(String(port))) found.push(pid);
  }
  return found.length === 1 ? (found[0] ?? null) : null;
}
