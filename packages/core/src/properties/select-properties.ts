import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../errors/index.js';
import { toPropertyId } from '../model/ids.js';
import type { Property } from '../model/property.js';
import { parseInput } from '../validation/index.js';

/**
 * Picks the requested properties out of a list (the CSV's), by address: an
 * address matches the property whose id is `toPropertyId(address)`, so case,
 * punctuation and spacing do not matter. A property requested twice is
 * returned once.
 *
 * @param all - the known properties
 * @param addresses - the requested addresses, e.g. from `--address`
 * @returns the matching properties in request order
 * @throws {@link InvalidInputError} when `addresses` is empty or an address
 *   has no Latin letter or digit
 * @throws {@link NotFoundError} (`entity` `property`, `id` the address) for
 *   the first address that matches no property
 * @example
 * ```ts
 * import type { Property } from '@phx/core';
 * declare const properties: Property[];
 * const [home] = selectProperties(properties, ['4732 W Davis Rd, Glendale, AZ 85306']);
 * ```
 */
export function selectProperties(all: readonly Property[], addresses: readonly string[]): Property[] {
  parseInput(z.array(z.string()), addresses, 'property selection');
  if (addresses.length === 0) {
    throw new InvalidInputError('property selection', [{ path: 'addresses', message: 'no address given; name at least one property' }]);
  }
  const byId = new Map(all.map((p) => [p.id as string, p]));
  const selected = new Map<string, Property>();
  for (const address of addresses) {
    const id = toPropertyId(address);
    const property = byId.get(id);
    if (property === undefined) throw new NotFoundError('property', address, { key: 'address', where: 'the properties list' });
    selected.set(id, property);
  }
  return [...selected.values()];
}
