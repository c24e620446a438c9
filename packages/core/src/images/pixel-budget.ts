import { z } from 'zod';
import { CancelledError, throwIfCancelled } from '../errors/index.js';
import { parseInput } from '../validation/index.js';

/** Options of {@link PixelBudget}. */
export interface PixelBudgetOptions {
  /**
   * Most pixels (width × height, summed over the photos) being decoded at
   * once. Integer ≥ 1. A photo larger than this is decoded alone.
   */
  readonly maxPixels: number;
}

interface Waiter {
  readonly pixels: number;
  readonly signal: AbortSignal | undefined;
  readonly grant: () => void;
  readonly cancel: (reason: unknown) => void;
}

/** The waiters of one abort signal and its one listener (one per signal, however many photos of a job wait). */
interface SignalWaiters {
  readonly waiters: Set<Waiter>;
  readonly onAbort: () => void;
}

const optionsSchema = z.object({ maxPixels: z.number().int().positive() }).strict();

/**
 * Bounds the pixels being decoded at once, across everything that shares the
 * budget (a worker gives one to all its extractors, so all its jobs and
 * properties share it): decoding a photo holds its pixel count until it is
 * done, and a photo waits while the photos being decoded already hold too
 * many. Decoding memory grows with pixels (about 3-4 bytes each, more for
 * rotations), so this bounds a worker's decoding memory whatever the number
 * of jobs, properties and photos in flight. Waiters are served in arrival
 * order, so a large photo is not starved by small ones.
 *
 * Concurrency: safe to share between any number of callers in one process.
 *
 * @example
 * ```ts
 * import { readUpright, type UprightImage } from '@phx/core';
 * declare const bytes: Uint8Array, widthPx: number, heightPx: number, signal: AbortSignal;
 * const budget = new PixelBudget({ maxPixels: 200_000_000 });
 * const upright: UprightImage = await budget.run(widthPx * heightPx, () => readUpright(bytes), signal);
 * ```
 */
export class PixelBudget {
  /** The bound, in pixels. */
  readonly maxPixels: number;
  #inUse = 0;
  #peak = 0;
  readonly #waiters: Waiter[] = [];
  readonly #bySignal = new WeakMap<AbortSignal, SignalWaiters>();

  /**
   * @param options - the bound
   * @throws `InvalidInputError` (core) when `maxPixels` is not a positive integer
   */
  constructor(options: PixelBudgetOptions) {
    this.maxPixels = parseInput(optionsSchema, options, 'PixelBudget options').maxPixels;
  }

  /** Pixels held now by photos being decoded. */
  get pixelsInUse(): number {
    return this.#inUse;
  }

  /** Most pixels held at once since the budget was made (for metrics and tests). */
  get peakPixelsInUse(): number {
    return this.#peak;
  }

  /**
   * Runs `decode` while holding `pixels` of the budget (at most the whole
   * budget), waiting first until they are free.
   *
   * @param pixels - the photo's width × height (≥ 0)
   * @param decode - the work; the hold ends when it settles
   * @param signal - aborting it ends the wait with `CancelledError` (core)
   * @returns what `decode` returns
   * @throws `CancelledError` (core) when `signal` aborts before the pixels are free; what `decode` throws
   */
  async run<T>(pixels: number, decode: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const held = Math.min(Math.max(0, Math.ceil(pixels)), this.maxPixels);
    await this.#acquire(held, signal);
    try {
      return await decode();
    } finally {
      this.#release(held);
    }
  }

  async #acquire(pixels: number, signal: AbortSignal | undefined): Promise<void> {
    throwIfCancelled(signal);
    if (this.#waiters.length === 0 && this.#fits(pixels)) return this.#take(pixels);
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        pixels,
        signal,
        grant: () => {
          this.#take(pixels);
          resolve();
        },
        cancel: (reason) => reject(new CancelledError('waiting to decode a photo was cancelled', { cause: reason })),
      };
      this.#waiters.push(waiter);
      if (signal !== undefined) this.#watch(signal, waiter);
    });
  }

  #watch(signal: AbortSignal, waiter: Waiter): void {
    let entry = this.#bySignal.get(signal);
    if (entry === undefined) {
      const waiters = new Set<Waiter>();
      const onAbort = (): void => {
        this.#bySignal.delete(signal);
        for (const w of waiters) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.cancel(signal.reason);
        }
        this.#grantWaiters();
      };
      entry = { waiters, onAbort };
      this.#bySignal.set(signal, entry);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    entry.waiters.add(waiter);
  }

  #unwatch(waiter: Waiter): void {
    if (waiter.signal === undefined) return;
    const entry = this.#bySignal.get(waiter.signal);
    if (entry === undefined) return;
    entry.waiters.delete(waiter);
    if (entry.waiters.size > 0) return;
    waiter.signal.removeEventListener('abort', entry.onAbort);
    this.#bySignal.delete(waiter.signal);
  }

  #fits(pixels: number): boolean {
    return this.#inUse + pixels <= this.maxPixels;
  }

  #take(pixels: number): void {
    this.#inUse += pixels;
    this.#peak = Math.max(this.#peak, this.#inUse);
  }

  #release(pixels: number): void {
    this.#inUse -= pixels;
    this.#grantWaiters();
  }

  #grantWaiters(): void {
    for (let next = this.#waiters[0]; next !== undefined && this.#fits(next.pixels); next = this.#waiters[0]) {
      this.#waiters.shift();
      this.#unwatch(next);
      next.grant();
    }
  }
}
