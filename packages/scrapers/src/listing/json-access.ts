/** A parsed JSON object. */
export type JsonRecord = Readonly<Record<string, unknown>>;

/**
 * Tells whether a parsed JSON value is an object (not an array, not null).
 *
 * @param value - any value
 * @returns `true` for plain objects
 */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `value[key]` as an object.
 *
 * @returns the object, or `undefined` when absent or not an object
 */
export function recordAt(value: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return isRecord(v) ? v : undefined;
}

/**
 * Reads `value[key]` as an array.
 *
 * @returns the array, or `undefined` when absent or not an array
 */
export function arrayAt(value: unknown, key: string): readonly unknown[] | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return Array.isArray(v) ? v : undefined;
}

/**
 * Reads `value[key]` as a non-empty string.
 *
 * @returns the string, or `undefined` when absent, empty or not a string
 */
export function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * Reads `value[key]` as a finite number (numeric strings accepted).
 *
 * @returns the number, or `undefined`
 */
export function numberAt(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

/**
 * Parses JSON that may have been encoded as a JSON string one or more times
 * (pages embed `"{\"a\":1}"`, and some saves escape it again).
 *
 * @param text - JSON text
 * @param maxDepth - how many string layers to unwrap at most (default 3)
 * @returns the first non-string value, or the last string when layers remain
 * @throws SyntaxError when `text` is not JSON
 */
export function parseJsonDeep(text: string, maxDepth = 3): unknown {
  let value: unknown = JSON.parse(text);
  for (let i = 0; i < maxDepth && typeof value === 'string'; i += 1) {
    const trimmed = value.trim();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) break;
    value = JSON.parse(trimmed);
  }
  return value;
}

/**
 * Finds the text of a `<script>` element by its `id`, whatever the attribute
 * order, quoting or surrounding whitespace.
 *
 * @param html - page HTML
 * @param id - the script's id, e.g. `__NEXT_DATA__`
 * @returns the script text trimmed, or `undefined` when there is no such script
 */
export function scriptTextById(html: string, id: string): string | undefined {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`<script\\b[^>]*\\bid\\s*=\\s*["']?${escaped}["']?[^>]*>([\\s\\S]*?)</script\\s*>`, 'i');
  const text = re.exec(html)?.[1]?.trim();
  return text === undefined || text.length === 0 ? undefined : text;
}

/**
 * Cuts the JSON object or array that starts at `start` out of a larger text
 * (a script assigning it to a variable), honouring strings and escapes.
 *
 * @param text - text containing the JSON value
 * @param start - index of the opening `{` or `[`
 * @returns the JSON text, or `undefined` when it is not closed
 */
export function sliceJsonValue(text: string, start: number): string | undefined {
  const open = text[start];
  if (open !== '{' && open !== '[') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth += 1;
    else if (c === 125 || c === 93) {
      depth -= 1;
      if (depth === 0) return text.slice(start, i + 1);
    }
  }
  return undefined;
}
