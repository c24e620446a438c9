export { parsePropertiesCsv, readPropertiesCsvRows, PROPERTIES_CSV_COLUMNS } from './parse-properties-csv.js';
export type { ParsePropertiesCsvOptions, PropertiesCsvRow, PropertiesCsvRows, InvalidPropertiesCsvRow } from './parse-properties-csv.js';
export { selectProperties } from './select-properties.js';
export { loadPropertiesCsv, readPropertiesCsvFile } from './load-properties-csv.js';
