import type { ReactNode } from 'react';

/**
 * A labelled <select> of a filter form: "Any" (the empty value) and one option per value.
 *
 * @param props - `label` shown, form field `name`, the `values`, their `text` (default: the value itself) and `defaultValue`
 * @returns the labelled select
 */
export function ChoiceSelect(props: {
  readonly label: string;
  readonly name: string;
  readonly values: readonly string[];
  readonly text?: (value: string) => string;
  readonly defaultValue: string;
}): ReactNode {
  return (
    <label>
      {props.label}
      <select name={props.name} defaultValue={props.defaultValue}>
        <option value="">Any</option>
        {props.values.map((value) => (
          <option key={value} value={value}>
            {props.text ? props.text(value) : value}
          </option>
        ))}
      </select>
    </label>
  );
}
