import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// A script whose only pending work is a retry's backoff must not exit before the retry runs.
const SCRIPT = `
import { PolitePhotoFetcher, DownloadError } from '@phx/scrapers';
let calls = 0;
const inner = {
  fetchPhoto: async ({ url }) => {
    calls += 1;
    if (calls < 2) throw new DownloadError(url, 'zillow', { message: 'HTTP 503', status: 503 });
    return { url, bytes: Buffer.from('x'), contentType: 'image/jpeg', etag: null, lastModified: null };
  },
};
const polite = new PolitePhotoFetcher({ fetcher: inner });
polite.fetchPhoto({ url: 'https://photos.zillowstatic.com/fp/0908196da96088046519d08b7d069684-cc_ft_960.jpg' })
  .then(() => console.log('done after ' + calls + ' calls'), (e) => console.log('failed ' + e.code));
`;

describe('PolitePhotoFetcher in a script of its own', () => {
  it('keeps the process alive while a retry waits, and finishes the download', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], { timeout: 60_000 });
    expect(stdout.trim()).toBe('done after 2 calls');
  });
});
