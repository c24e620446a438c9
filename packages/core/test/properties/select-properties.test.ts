import { describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/errors/index.js';
import { parsePropertiesCsv, selectProperties } from '../../src/properties/index.js';

const all = parsePropertiesCsv(
  ['address', '"1 Main St, Phoenix, AZ 85001"', '"22 Elm Ave, Mesa, AZ 85201"', '"3 Oak Rd, Tempe, AZ 85281"'].join('\n'),
);

describe('selectProperties', () => {
  it('returns the properties matching each address in request order, once each', () => {
    const selected = selectProperties(all, ['3 oak rd tempe az 85281', '1 Main St, Phoenix, AZ 85001', '3 Oak Rd, Tempe, AZ 85281']);
    expect(selected.map((p) => p.address)).toEqual(['3 Oak Rd, Tempe, AZ 85281', '1 Main St, Phoenix, AZ 85001']);
  });

  it('throws NotFoundError naming an unknown address', () => {
    const call = (): unknown => selectProperties(all, ['1 Main St, Phoenix, AZ 85001', '9 Nowhere Rd']);
    expect(call).toThrow(NotFoundError);
    expect(call).toThrow('No property with address "9 Nowhere Rd" exists in the properties list');
  });

  it('throws InvalidInputError for an empty request', () => {
    expect(() => selectProperties(all, [])).toThrow(InvalidInputError);
  });
});
