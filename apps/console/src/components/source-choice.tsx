import type { ReactNode } from 'react';
import { SOURCES } from '../lib/vocabulary.js';

/**
 * Checkboxes for the sources to read (each form refuses none ticked: the API refuses an empty list).
 *
 * @param props - `legend`, the ticked `value` and `onChange`
 * @returns a fieldset
 */
export function SourceChoice(props: {
  readonly legend: string;
  readonly value: readonly string[];
  readonly onChange: (sources: readonly string[]) => void;
}): ReactNode {
  return (
    <fieldset className="inline">
      <legend>{props.legend}</legend>
      {SOURCES.map((s) => (
        <label key={s}>
          <input
            type="checkbox"
            checked={props.value.includes(s)}
            onChange={(e) =>
              props.onChange(
                e.target.checked ? SOURCES.filter((x) => x === s || props.value.includes(x)) : props.value.filter((x) => x !== s),
              )
            }
          />{' '}
          {s}
        </label>
      ))}
    </fieldset>
  );
}
