import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { z } from 'zod';
import { parseInput } from '../validation/index.js';
import { optionsObject } from './image-inputs.js';

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

const optionsSchema = optionsObject({
  concurrency: z.number().int().min(1).max(64).optional(),
  cacheMb: z.number().int().min(0).max(1_048_576).optional(),
});

/**
 * Sets sharp's process-wide thread count and operation cache for a photo
 * pipeline: threads for the machine, cache off so memory stays flat over a
 * long run. Call it once at start-up, from the application (it changes
 * global state); the pipeline works without it.
 *
 * @param options - threads and cache size
 * @returns what is now in effect
 * @throws {@link InvalidInputError} `configureSharp arguments` naming each bad `options` field: `concurrency`
 *   not an integer 1-64, `cacheMb` not an integer ≥ 0, an unknown key (e.g. `threads`)
 * @example
 * ```ts
 * configureSharp(); // in the worker's main.ts
 * ```
 */
export function configureSharp(options?: ConfigureSharpOptions): SharpSettings {
  const o = parseInput(z.object({ options: optionsSchema }), { options }, 'configureSharp arguments').options ?? {};
  const concurrency = Math.min(64, o.concurrency ?? availableParallelism());
  const cacheMb = o.cacheMb ?? 0;
  sharp.concurrency(concurrency);
  if (cacheMb === 0) sharp.cache(false);
  else sharp.cache({ memory: cacheMb, files: 0, items: 200 });
  return { concurrency: sharp.concurrency(), cacheMb };
}
