import { toPropertyId, type Property } from '@phx/core';

/** Catalog CSV of the tests: two properties, one with both listing URLs. */
export const SAMPLE_CATALOG_CSV = [
  'address,zillow_url,redfin_url',
  '"4732 W Davis Rd, Glendale, AZ 85306",https://www.zillow.com/homedetails/4732-W-Davis-Rd-Glendale-AZ-85306/7694445_zpid/,https://www.redfin.com/AZ/Glendale/4732-W-Davis-Rd-85306/home/27838384',
  '"123 E Example St, Phoenix, AZ 85004",https://www.zillow.com/homedetails/123-E-Example-St-Phoenix-AZ-85004/1_zpid/,',
  '',
].join('\n');

/** The first catalog property's address. */
export const DAVIS_ADDRESS = '4732 W Davis Rd, Glendale, AZ 85306';
/** The first catalog property's id. */
export const DAVIS_ID = toPropertyId(DAVIS_ADDRESS);
/** The second catalog property's address. */
export const EXAMPLE_ADDRESS = '123 E Example St, Phoenix, AZ 85004';

/** The catalog as properties (what the CSV parses to). */
export const SAMPLE_PROPERTIES: readonly Property[] = Object.freeze([
  {
    id: DAVIS_ID,
    address: DAVIS_ADDRESS,
    listingUrls: {
      zillow: 'https://www.zillow.com/homedetails/4732-W-Davis-Rd-Glendale-AZ-85306/7694445_zpid/',
      redfin: 'https://www.redfin.com/AZ/Glendale/4732-W-Davis-Rd-85306/home/27838384',
    },
  },
  {
    id: toPropertyId(EXAMPLE_ADDRESS),
    address: EXAMPLE_ADDRESS,
    listingUrls: { zillow: 'https://www.zillow.com/homedetails/123-E-Example-St-Phoenix-AZ-85004/1_zpid/' },
  },
]);
