import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Reads `[state, ppid]` of a process from /proc, or `null` when it is gone. */
function procStat(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', ppid: Number(rest[1]) };
  } catch {
    return null;
  }
}

/**
 * Lists the live (not zombie) Chromium processes started by this test
 * process: `pgrep chromium`, kept when this process is among their ancestors.
 * Other sessions' browsers on the same machine are not counted.
 */
export function chromiumProcessesOfThisTest(): number[] {
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
      if (stat === null || stat.state === 'Z') return false;
      for (let p = stat.ppid, hops = 0; p > 1 && hops < 20; hops += 1) {
        if (p === process.pid) return true;
        p = procStat(p)?.ppid ?? 0;
      }
      return false;
    });
}
