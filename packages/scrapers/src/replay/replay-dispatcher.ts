import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { REPLAY_PAGE_HOSTS, REPLAY_PHOTO_HOSTS } from './replay-photo-server.js';

/**
 * Makes an undici dispatcher that sends requests for the given hosts to a
 * local server instead (as `/<host>/<path>` on `origin`) and refuses every
 * other host, so that replay never touches the network while the photo
 * fetcher's and the plain page client's own code (streaming, checks,
 * redirects, cookies) runs unchanged.
 *
 * @param origin - the local server, e.g. `http://127.0.0.1:41234`
 * @param hosts - hosts to redirect there. Default the photo hosts ({@link REPLAY_PHOTO_HOSTS}) and the sites'
 *   page hosts ({@link REPLAY_PAGE_HOSTS})
 * @returns the dispatcher; close it with `dispatcher.close()`
 */
export function createReplayDispatcher(
  origin: string,
  hosts: readonly string[] = [...REPLAY_PHOTO_HOSTS, ...REPLAY_PAGE_HOSTS],
): Dispatcher {
  const agent = new Agent({ connections: 16 });
  return agent.compose((dispatch) => (opts, handler) => {
    const target = new URL(String(opts.origin ?? 'http://invalid'));
    if (!hosts.includes(target.hostname)) {
      throw new Error(`phx replay: refusing to reach ${target.origin}${opts.path}: not a replayed host`);
    }
    return dispatch({ ...opts, origin, path: `/${target.hostname}${opts.path}` }, handler);
  });
}
