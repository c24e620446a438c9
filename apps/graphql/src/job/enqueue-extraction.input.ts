import type { InputIssue, IsolationMode, Source } from '@phx/core';
import { InvalidInputError, parseSources } from '@phx/core';
import { Field, InputType } from 'type-graphql';
import type { PropertySelection } from '../property/property-catalog.js';
import { IsolationModeEnum } from './isolation-mode.enum.js';

/** GraphQL `EnqueueExtractionInput` (see its `description`). */
@InputType('EnqueueExtractionInput', {
  description: 'Which catalog properties to extract (addresses, or all: true), from which sources, and how.',
})
export class EnqueueExtractionInput {
  @Field(() => [String], {
    nullable: true,
    description: 'Addresses of catalog properties to extract (matched as the catalog matches them). Give this or all: true.',
  })
  readonly addresses?: readonly string[] | null | undefined;

  @Field(() => Boolean, { nullable: true, description: 'true extracts every property of the catalog. Give this or addresses.' })
  readonly all?: boolean | null | undefined;

  @Field(() => [String], {
    nullable: true,
    description: 'Sources to read, e.g. ["zillow"]; absent or empty means every source. Unknown names are rejected.',
  })
  readonly sources?: readonly string[] | null | undefined;

  @Field(() => IsolationModeEnum, { nullable: true, description: 'Browser isolation; absent means VIRTUAL.' })
  readonly isolationMode?: IsolationMode | null | undefined;

  @Field(() => Boolean, { nullable: true, description: 'List photos without downloading or storing them; absent means false.' })
  readonly dryRun?: boolean | null | undefined;
}

/** An `EnqueueExtractionInput`, checked: which catalog properties, and the job options. */
export interface EnqueueExtraction {
  /** The catalog selection. */
  readonly selection: PropertySelection;
  /** Job options; absent ones take the service defaults. */
  readonly options: {
    readonly sources?: readonly Source[];
    readonly isolationMode?: IsolationMode;
    readonly dryRun?: boolean;
  };
}

/**
 * Checks an `EnqueueExtractionInput`: exactly one of non-empty `addresses`
 * or `all: true`, no blank address, only known sources.
 *
 * @param input - the GraphQL input
 * @returns the catalog selection and the job options
 * @throws {@link InvalidInputError} listing every problem (no or both selections, blank address, each unknown source by name)
 */
export function toEnqueueExtraction(input: EnqueueExtractionInput): EnqueueExtraction {
  const issues: InputIssue[] = [];
  const addresses = input.addresses ?? [];
  const all = input.all === true;
  if (all && addresses.length > 0) {
    issues.push({ path: 'addresses', message: 'give either addresses or all: true, not both' });
  } else if (!all && addresses.length === 0) {
    issues.push({ path: 'addresses', message: 'no properties given; pass at least one catalog address, or all: true' });
  }
  addresses.forEach((address, i) => {
    if (address.trim() === '') issues.push({ path: `addresses.${i}`, message: 'is blank' });
  });
  let sources: Source[] | undefined;
  try {
    sources = input.sources === null || input.sources === undefined ? undefined : parseSources(input.sources);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length > 0) throw new InvalidInputError('extraction input', issues);
  return {
    selection: all ? { all: true } : { addresses },
    options: {
      ...(sources === undefined ? {} : { sources }),
      ...(input.isolationMode === null || input.isolationMode === undefined ? {} : { isolationMode: input.isolationMode }),
      ...(input.dryRun === null || input.dryRun === undefined ? {} : { dryRun: input.dryRun }),
    },
  };
}
