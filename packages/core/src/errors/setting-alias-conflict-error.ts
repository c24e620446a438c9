import { InvalidInputError } from './core-error.js';

/** A setting given under both of its names, with two different values. */
export interface SettingAliasConflict {
  /** The setting's own name, e.g. `JOB_TIMEOUT`. */
  readonly name: string;
  /** Its value, as given. */
  readonly value: string;
  /** The name that says the unit, e.g. `JOB_TIMEOUT_SECONDS`. */
  readonly alias: string;
  /** The alias's value, as given. */
  readonly aliasValue: string;
}

/**
 * Settings (environment variables) given under both their name and their
 * unit-suffixed alias, with different values: which one is meant cannot be
 * told, so nothing is guessed. Code `BAD_USER_INPUT` (an {@link InvalidInputError}
 * with one issue per conflict, at the alias's path).
 */
export class SettingAliasConflictError extends InvalidInputError {
  /** Every conflict found, in the order the aliases are declared. */
  readonly conflicts: readonly SettingAliasConflict[];

  /**
   * @param what - name of the input, e.g. `worker environment`
   * @param conflicts - every conflict (at least one)
   */
  constructor(what: string, conflicts: readonly SettingAliasConflict[]) {
    super(
      what,
      conflicts.map((c) => ({
        path: c.alias,
        message: `${c.alias}=${c.aliasValue} contradicts ${c.name}=${c.value} (the same setting); set one of them`,
      })),
    );
    this.conflicts = conflicts;
  }
}
