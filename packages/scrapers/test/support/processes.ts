import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Reads state and parent of a process from /proc, or `null` when it is gone. */
function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/** Every live (not zombie) process `pgrep chromium` finds on the machine. */
function liveChromiumPids(): number[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['chromium'], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      const stat = procStat(pid);
      return stat !== null && stat.state !== 'Z';
    });
}

/**
 * Lists the live Chromium processes started by this test process (this
 * process among their ancestors); other sessions' browsers are not counted.
 */
export function chromiumProcessesOfThisTest(): number[] {
  return liveChromiumPids().filter((pid) => {
    for (let p = procStat(pid)?.ppid ?? 0, hops = 0; p > 1 && hops < 20; hops += 1) {
      if (p === process.pid) return true;
      p = procStat(p)?.ppid ?? 0;
    }
    return false;
  });
}

/**
 * Of the given Chromium pids, those still alive (not zombies), wherever they
 * were re-parented: what a browser that was not closed properly leaves.
 */
export function stillAlive(pids: readonly number[]): number[] {
  const live = new Set(liveChromiumPids());
  return pids.filter((pid) => live.has(pid));
}
