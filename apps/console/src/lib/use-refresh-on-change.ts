import { useEffect, useRef } from 'react';
import { refreshDelayMs } from './job-progress.js';

/** The least time between two reads a live page makes while a job runs, in ms. */
export const LIVE_REFRESH_INTERVAL_MS = 1_500;

/**
 * Calls `refresh` each time `version` changes after the first render, at most once per `minIntervalMs`; a change
 * inside the interval is read at its end (the last change is never dropped). A pending read is cancelled when
 * the component unmounts.
 *
 * @param version - what the data depends on (e.g. {@link jobDataVersion})
 * @param refresh - reads the data again (e.g. urql's reexecute with `network-only`)
 * @param minIntervalMs - the least time between two reads, in ms (default {@link LIVE_REFRESH_INTERVAL_MS})
 */
export function useRefreshOnChange(version: string, refresh: () => void, minIntervalMs = LIVE_REFRESH_INTERVAL_MS): void {
  const seen = useRef(version);
  const lastReadAt = useRef<number | null>(null);
  const latestRefresh = useRef(refresh);
  latestRefresh.current = refresh;
  useEffect(() => {
    if (seen.current === version) return undefined;
    seen.current = version;
    const read = () => {
      lastReadAt.current = Date.now();
      latestRefresh.current();
    };
    const delay = refreshDelayMs(lastReadAt.current, Date.now(), minIntervalMs);
    if (delay === 0) {
      read();
      return undefined;
    }
    const timer = setTimeout(read, delay);
    return () => clearTimeout(timer);
  }, [version, minIntervalMs]);
}
