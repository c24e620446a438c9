import { describe, expect, it } from 'vitest';
import { CancelledError, InvalidInputError } from '../../src/errors/index.js';
import { PixelBudget } from '../../src/images/index.js';

/** A decode that ends when the test says so. */
function gate(): { readonly done: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { done, open };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PixelBudget', () => {
  it('lets photos decode together while their pixels fit, and makes the next one wait, in arrival order', async () => {
    const budget = new PixelBudget({ maxPixels: 100 });
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const decode = (name: string, pixels: number): Promise<void> =>
      budget.run(pixels, async () => {
        started.push(name);
        const g = gate();
        gates.set(name, g);
        await g.done;
      });
    const runs = [decode('a', 60), decode('b', 40), decode('c', 50), decode('d', 10)];
    await tick();
    expect([started, budget.pixelsInUse]).toEqual([['a', 'b'], 100]);
    gates.get('b')?.open();
    await tick();
    // 40 free: c (50) does not fit, and d waits behind it rather than overtake it.
    expect(started).toEqual(['a', 'b']);
    gates.get('a')?.open();
    await tick();
    expect([started, budget.pixelsInUse]).toEqual([['a', 'b', 'c', 'd'], 60]);
    gates.get('c')?.open();
    gates.get('d')?.open();
    await Promise.all(runs);
    expect([budget.pixelsInUse, budget.peakPixelsInUse]).toEqual([0, 100]);
  });

  it('decodes a photo larger than the whole budget alone, and frees the pixels when the decode throws', async () => {
    const budget = new PixelBudget({ maxPixels: 100 });
    await expect(budget.run(500, async () => budget.pixelsInUse)).resolves.toBe(100);
    await expect(budget.run(80, () => Promise.reject(new Error('corrupt')))).rejects.toThrow('corrupt');
    expect(budget.pixelsInUse).toBe(0);
  });

  it('ends a wait with CancelledError when the signal aborts, and the photos behind it go on', async () => {
    const budget = new PixelBudget({ maxPixels: 100 });
    const first = gate();
    const holding = budget.run(100, () => first.done);
    const controller = new AbortController();
    const waiting = budget.run(100, async () => 'never', controller.signal);
    const behind = budget.run(10, async () => 'after');
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    first.open();
    await holding;
    await expect(behind).resolves.toBe('after');
    await expect(budget.run(1, async () => 1, controller.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('listens to a signal once however many photos wait on it, and lets go of it when they are served', async () => {
    const budget = new PixelBudget({ maxPixels: 10 });
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => ((listeners += 1), add(...args))) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => ((listeners -= 1), remove(...args))) as typeof remove;
    const first = gate();
    const holding = budget.run(10, () => first.done, controller.signal);
    const waiting = Array.from({ length: 20 }, (_, i) => budget.run(10, async () => i, controller.signal));
    await tick();
    expect(listeners).toBe(1);
    first.open();
    await holding;
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(listeners).toBe(0);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new PixelBudget({ maxPixels: 0 })).toThrow(InvalidInputError);
  });
});
