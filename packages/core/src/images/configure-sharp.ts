import { availableParallelism } from 'node:os';
import sharp from 'sharp';

/** Options of {@link configureSharp}. */
export interface ConfigureSharpOptions {
  /** libvips worker threads per image operation. Integer 1-64; default the machine's available parallelism. */
  readonly concurrency?: number;
  /**
   * libvips operation cache in MiB. Default 0 (off): every listing photo is
   * different, so cached operations are never reused and only hold memory.
   */
  readonly cacheMb?: number;
}

/** What {@link configureSharp} set. */
export interface SharpSettings {
  /** libvips threads per operation. */
  readonly concurrency: number;
  /** Operation cache limit in MiB (0 = off). */
  readonly cacheMb: number;
}

/**
 * Sets sharp's process-wide thread count and operation cache for a photo
 * pipeline: threads for the machine, cache off so memory stays flat over a
 * long run. Call it once at start-up, from the application (it changes
 * global state); the pipeline works without it.
 *
 * @param options - threads and cache size
 * @returns what is now in effect
 * @example
 * ```ts
 * configureSharp(); // in the worker's main.ts
 * ```
 */
export function configureSharp(options: ConfigureSharpOptions = {}): SharpSettings {
  const concurrency = Math.min(64, Math.max(1, Math.floor(options.concurrency ?? availableParallelism())));
  const cacheMb = Math.max(0, Math.floor(options.cacheMb ?? 0));
  sharp.concurrency(concurrency);
  if (cacheMb === 0) sharp.cache(false);
  else sharp.cache({ memory: cacheMb, files: 0, items: 200 });
  return { concurrency: sharp.concurrency(), cacheMb };
}
