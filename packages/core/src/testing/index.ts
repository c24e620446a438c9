/**
 * `@phx/core/testing`: the contract suites every implementation of core's
 * ports must pass, for the tests of other packages. Imports `vitest`; never
 * import it from production code.
 *
 * @packageDocumentation
 */
export { describeImageStoreContract } from './image-store.contract.js';
export { describePhotoRepositoryContract } from './photo-repository.contract.js';
export { useContractSubject } from './contract-factory.js';
export type { ContractFactory } from './contract-factory.js';
