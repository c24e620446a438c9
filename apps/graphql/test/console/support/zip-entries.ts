import { createHash } from 'node:crypto';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** One file of a zip: its name and the SHA-256 of its unzipped bytes. */
export interface ZipEntryDigest {
  /** The entry's name, e.g. `001-<sha256>.jpg`. */
  readonly fileName: string;
  /** SHA-256 of the unzipped bytes, lower-case hex. */
  readonly sha256: string;
  /** Unzipped size in bytes. */
  readonly byteLength: number;
}

/**
 * Unzips a zip file with `yauzl` (entry sizes and CRCs validated) and hashes
 * each entry, in the order of the central directory.
 *
 * @param path - the zip file on disk (e.g. a Playwright download)
 * @returns every entry's name, SHA-256 and size
 * @throws Error when the file is no valid zip (yauzl's error)
 */
export async function readZipDigests(path: string): Promise<ZipEntryDigest[]> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  const digests: ZipEntryDigest[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        zip.openReadStream(entry, (error, stream) => {
          if (error) {
            reject(error);
            return;
          }
          // Events, not `for await`: yauzl 3.2's entry stream never ends when read through an async iterator.
          const hash = createHash('sha256');
          let byteLength = 0;
          stream.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            byteLength += chunk.length;
          });
          stream.on('error', reject);
          stream.on('end', () => {
            digests.push({ fileName: entry.fileName, sha256: hash.digest('hex'), byteLength });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return digests;
}
