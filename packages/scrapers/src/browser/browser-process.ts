import type { Browser } from 'playwright-core';

const pids = new WeakMap<Browser, number>();

/**
 * Settles like `work`, or with `fallback` when `work` fails or takes longer than `timeoutMs`.
 *
 * @param work - the promise
 * @param timeoutMs - time allowed, in ms
 * @param fallback - the value when `work` fails or is late
 * @returns what `work` resolved to, or `fallback`
 */
export function within<T>(work: Promise<T>, timeoutMs: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
  });
  return Promise.race([work.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}

/**
 * Asks a freshly launched Chromium for its process id (CDP
 * `SystemInfo.getProcessInfo`) and remembers it, so that a browser that
 * stops answering can still be killed.
 *
 * @param browser - a browser this process launched
 * @returns the browser process id, or `null` when Chromium did not say
 */
export async function recordBrowserPid(browser: Browser): Promise<number | null> {
  const pid = await within(
    (async () => {
      const session = await browser.newBrowserCDPSession();
      const info = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
      await session.detach().catch(() => undefined);
      return info.processInfo.find((p) => p.type === 'browser')?.id ?? null;
    })(),
    10_000,
    null,
  );
  if (pid !== null) pids.set(browser, pid);
  return pid;
}

/**
 * The process id {@link recordBrowserPid} recorded for a browser.
 *
 * @param browser - a browser this process launched
 * @returns the pid, or `null` when unknown
 */
export function browserPid(browser: Browser): number | null {
  return pids.get(browser) ?? null;
}

/**
 * Tells whether Chromium still answers the DevTools protocol within `timeoutMs`.
 *
 * @param browser - the browser to ping
 * @param timeoutMs - how long to wait, in ms
 * @returns `false` when it is disconnected or silent
 */
export function browserAnswers(browser: Browser, timeoutMs: number): Promise<boolean> {
  if (!browser.isConnected()) return Promise.resolve(false);
  return within(
    (async () => {
      const session = await browser.newBrowserCDPSession();
      await session.send('Browser.getVersion');
      await session.detach().catch(() => undefined);
      return true;
    })(),
    timeoutMs,
    false,
  );
}

/**
 * Kills a browser's whole process group (Playwright starts Chromium as a
 * group leader, so renderers and helpers go too) with SIGKILL, which also
 * ends a stopped or hung process.
 *
 * @param browser - a browser whose pid {@link recordBrowserPid} recorded
 * @returns `true` when a signal was sent
 */
export function killBrowser(browser: Browser): boolean {
  const pid = pids.get(browser);
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 'SIGKILL');
    return true;
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
      return true;
    } catch {
      return false; // already gone
    }
  }
}

/**
 * Closes a browser, and kills it when it does not close within `timeoutMs`
 * (a hung Chromium never answers `Browser.close`).
 *
 * @param browser - the browser
 * @param timeoutMs - time allowed for a clean close, in ms
 * @returns resolves once it is closed or killed
 */
export async function closeOrKillBrowser(browser: Browser, timeoutMs: number): Promise<void> {
  const closed = await within(
    browser.close().then(() => true),
    timeoutMs,
    false,
  );
  if (!closed) killBrowser(browser);
}
