import { useState, type ReactNode } from 'react';
import { useMutation, type CombinedError } from 'urql';
import { ErrorNote } from '../components/error-note.js';
import { SourceChoice } from '../components/source-choice.js';
import { graphql } from '../gql/index.js';
import { describeCron } from '../lib/cron-words.js';
import { MAX_TIME_LIMIT_HOURS, toScheduleInput, type ScheduleSelection } from '../lib/schedule-form.js';
import { SOURCES } from '../lib/vocabulary.js';

const CreateScheduleMutation = graphql(`
  mutation CreateSchedule($input: ScheduleExtractionInput!) {
    scheduleExtraction(input: $input) {
      id
      name
    }
  }
`);

/**
 * The create-schedule form: name, cron (described in words as it is typed), zone, what each run extracts (a label,
 * the whole catalog or property ids) and the sources.
 *
 * @param props - `onCreated` runs after the schedule was made
 * @returns the form section
 */
export function CreateScheduleForm(props: { readonly onCreated: () => void }): ReactNode {
  const [state, create] = useMutation(CreateScheduleMutation);
  const [cron, setCron] = useState('0 3 * * *');
  const [selection, setSelection] = useState<ScheduleSelection>('all');
  const [sources, setSources] = useState<readonly string[]>(SOURCES);
  const [problems, setProblems] = useState<string[]>([]);
  const [created, setCreated] = useState<string | null>(null);
  const [serverError, setServerError] = useState<CombinedError | null>(null);
  const words = describeCron(cron);
  return (
    <section aria-labelledby="create-heading" className="panel">
      <h2 id="create-heading">Create a schedule</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const data = new FormData(form);
          const text = (name: string): string => String(data.get(name) ?? '');
          const parsed = toScheduleInput({
            name: text('name'),
            cron,
            timeZone: text('timeZone'),
            selection,
            label: text('label'),
            propertyIds: text('propertyIds'),
            sources,
            timeLimitHours: text('timeLimitHours'),
          });
          // A new submit clears the last outcome: no earlier error or "Created" beside the new one.
          setServerError(null);
          setCreated(null);
          if ('problems' in parsed) {
            setProblems(parsed.problems);
            return;
          }
          setProblems([]);
          void create({ input: parsed.input }).then((r) => {
            setServerError(r.error ?? null);
            if (r.data) {
              setCreated(r.data.scheduleExtraction.name);
              props.onCreated();
            }
          });
        }}
      >
        <label>
          Name
          <input name="name" type="text" required maxLength={100} />
        </label>
        <label>
          Cron (minute hour day month weekday)
          <input name="cron" type="text" required value={cron} onChange={(e) => setCron(e.target.value)} aria-describedby="cron-words" />
        </label>
        <p id="cron-words" className={words.ok ? 'hint' : 'hint error-text'} aria-live="polite">
          {words.ok ? words.text : words.error}
        </p>
        <label>
          Time zone (IANA)
          <input name="timeZone" type="text" defaultValue="America/Phoenix" />
        </label>
        <fieldset className="inline">
          <legend>Each run extracts</legend>
          {(
            [
              ['all', 'the whole catalog'],
              ['label', 'properties with a label'],
              ['ids', 'these property ids'],
            ] as const
          ).map(([value, text]) => (
            <label key={value}>
              <input type="radio" name="selection" value={value} checked={selection === value} onChange={() => setSelection(value)} />{' '}
              {text}
            </label>
          ))}
        </fieldset>
        {selection === 'label' && (
          <label>
            Label
            <input name="label" type="text" required />
          </label>
        )}
        {selection === 'ids' && (
          <label>
            Property ids (comma or space separated)
            <textarea name="propertyIds" rows={3} required />
          </label>
        )}
        <SourceChoice legend="Sources" value={sources} onChange={setSources} />
        <label>
          Time limit per run, hours (optional: a run not done by then fails with JOB_TIMEOUT)
          <input name="timeLimitHours" type="number" min="0.001" max={MAX_TIME_LIMIT_HOURS} step="any" />
        </label>
        <button type="submit" data-testid="create-schedule" disabled={state.fetching}>
          Create schedule
        </button>
      </form>
      <ErrorNote error={problems.length > 0 ? problems.join('\n') : serverError} />
      {created && <p role="status">Created {created}.</p>}
    </section>
  );
}
