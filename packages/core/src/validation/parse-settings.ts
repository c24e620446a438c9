import { z } from 'zod';
import { InvalidInputError, SettingAliasConflictError } from '../errors/index.js';
import type { SettingAliasConflict } from '../errors/index.js';
import { parseInput } from './parse-input.js';

/** Unit-suffixed aliases of settings, by the setting's own name, e.g. `{ JOB_TIMEOUT: 'JOB_TIMEOUT_SECONDS' }`. */
export type SettingAliases = Readonly<Record<string, string>>;

const given = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/**
 * Parses settings (an environment) with `schema`, after reading each alias
 * as its setting's own name: a setting may be given under either name, or
 * under both with the same value (compared trimmed). Blank values count as
 * unset. A problem with a value given under its alias is reported at the alias.
 *
 * @param schema - the zod schema over the settings' own names
 * @param env - the settings, e.g. `process.env` (not changed)
 * @param aliases - the aliases, by own name
 * @param what - name of the input for the error message, e.g. `worker environment`
 * @returns the parsed settings (zod's output type)
 * @throws {@link SettingAliasConflictError} naming every setting given under both names with different values
 * @throws {@link InvalidInputError} listing every other problem at once
 */
export function parseSettings<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  aliases: SettingAliases,
  what: string,
): z.output<S> {
  const merged: Record<string, string | undefined> = { ...env };
  const viaAlias = new Map<string, string>();
  const conflicts: SettingAliasConflict[] = [];
  for (const [name, alias] of Object.entries(aliases)) {
    const value = env[name];
    const aliasValue = env[alias];
    delete merged[alias];
    if (!given(aliasValue)) continue;
    if (!given(value)) {
      merged[name] = aliasValue;
      viaAlias.set(name, alias);
    } else if (value.trim() !== aliasValue.trim()) {
      conflicts.push({ name, value, alias, aliasValue });
    }
  }
  if (conflicts.length > 0) throw new SettingAliasConflictError(what, conflicts);
  try {
    return parseInput(schema, merged, what);
  } catch (error) {
    if (!(error instanceof InvalidInputError) || viaAlias.size === 0) throw error;
    const issues = error.issues.map((i) => ({ ...i, path: viaAlias.get(i.path) ?? i.path }));
    throw new InvalidInputError(what, issues, { cause: error.cause });
  }
}

/**
 * Reads a number setting from its environment text with a schema declared
 * elsewhere (where its range and default are written): a blank or missing
 * value is `undefined` (the schema's default applies); plain decimal text
 * (`42`, `-1`, `2.5`) is its number; anything else (`abc`, `5s`, `1.5e4`,
 * `0x10`, `1_000`, `Infinity`, which `Number` would partly read) fails as
 * not a number, with an issue that quotes the text.
 *
 * @param schema - the setting's zod schema over numbers, e.g. `propertyConcurrencySchema`
 * @returns a schema over the environment's text, with `schema`'s output
 */
export function numberSetting<S extends z.ZodType>(schema: S): z.ZodPreprocess<S, unknown> {
  return z.preprocess((v, ctx) => {
    if (typeof v !== 'string') return v;
    const number = settingNumber(v);
    if (!Number.isNaN(number)) return number;
    ctx.issues.push({
      code: 'custom',
      input: v,
      message: `${JSON.stringify(v.trim())} is not a number; write plain decimal digits (no unit, exponent or digit separator)`,
    });
    return z.NEVER;
  }, schema);
}

/**
 * A whole-number setting read from environment text (see {@link numberSetting}):
 * its range and default written once, where it is declared.
 *
 * @param min - smallest value accepted (in the setting's unit)
 * @param max - largest value accepted
 * @param fallback - the value when the setting is blank or missing
 * @returns a schema over the environment's text whose output is the number
 */
export function intSetting(min: number, max: number, fallback: number) {
  return numberSetting(z.number().int().min(min).max(max).default(fallback));
}

/** The number of a setting's text: `undefined` when blank, `NaN` unless plain decimal. */
function settingNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}
