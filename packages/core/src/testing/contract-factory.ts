import { afterEach, beforeEach } from 'vitest';

/**
 * How a contract suite gets the implementation under test: a function making
 * a fresh one for each test, or an object that also releases it afterwards
 * (drop a database, remove a folder). Suites use fresh property ids in every
 * test, so a factory may also hand out one shared instance.
 */
export type ContractFactory<T> =
  | (() => T | Promise<T>)
  | {
      /** Makes (or hands out) the implementation for one test. */
      readonly create: () => T | Promise<T>;
      /** Releases it after the test; optional. */
      readonly destroy?: (subject: T) => void | Promise<void>;
    };

/**
 * Registers `beforeEach`/`afterEach` hooks that create and release the
 * subject of each test, and returns a getter for it.
 *
 * @param factory - the suite's factory
 * @returns a function giving the current test's subject
 */
export function useContractSubject<T>(factory: ContractFactory<T>): () => T {
  const create = typeof factory === 'function' ? factory : factory.create;
  const destroy = typeof factory === 'function' ? undefined : factory.destroy;
  let subject: { value: T } | undefined;
  beforeEach(async () => {
    subject = { value: await create() };
  });
  afterEach(async () => {
    if (subject !== undefined && destroy !== undefined) await destroy(subject.value);
    subject = undefined;
  });
  return () => {
    if (subject === undefined) throw new Error('contract subject used outside a test');
    return subject.value;
  };
}
