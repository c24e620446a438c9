import { NotFoundError } from '@phx/core';
import { ScheduleService } from '@phx/jobs';
import type { ScheduleTick, ScheduleView } from '@phx/jobs';
import { openCatalog, selectFromCatalog } from './catalog-selection.js';
import type { CliContext } from './run-cli.js';
import type { ScheduleRequest } from './schedule-options.js';
import { countOf } from '../report/counter-text.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Carries out a `phx-extract schedule …` request through `ScheduleService`.
 *
 * @param request - what was asked
 * @param ctx - database, queue, output
 * @returns the exit code, 0 on success
 * @throws `InvalidScheduleError`/`InvalidInputError` (bad cron, zone, name or properties),
 *   `NotFoundError` (unknown schedule or address), `ScheduleNameTakenError` (name in use)
 */
export async function runScheduleCli(
  request: ScheduleRequest,
  ctx: Pick<CliContext, 'db' | 'agenda' | 'logger' | 'write' | 'config'>,
): Promise<number> {
  const schedules = new ScheduleService({ db: ctx.db, agenda: ctx.agenda, logger: ctx.logger });
  await schedules.ensureIndexes();
  switch (request.action) {
    case 'add': {
      const catalog = await openCatalog(ctx.db, ctx.config.csvPath);
      const properties = await selectFromCatalog(catalog, request.selection, ctx.write);
      const created = await schedules.createSchedule({
        name: request.name,
        cron: request.cron,
        timeZone: request.timeZone,
        properties,
        sources: request.sources,
        isolationMode: request.isolationMode,
        fetchMode: request.fetchMode,
        dryRun: request.dryRun,
        timeoutMs: request.timeoutMs,
        paused: request.paused,
      });
      ctx.write(`Schedule created: ${created.id} (${created.name})`);
      ctx.write(describeSchedule(created));
      return 0;
    }
    case 'list': {
      const all = await schedules.listSchedules();
      if (all.length === 0) ctx.write('No schedules.');
      for (const s of all) ctx.write(`${s.id}  ${describeSchedule(s)}`);
      return 0;
    }
    case 'runs': {
      const id = await resolveId(schedules, request.schedule);
      const ticks = await schedules.listTicks(id);
      if (ticks.length === 0) ctx.write('No ticks yet.');
      for (const t of ticks) ctx.write(describeTick(t));
      return 0;
    }
    default: {
      const id = await resolveId(schedules, request.schedule);
      const done =
        request.action === 'pause'
          ? await schedules.pauseSchedule(id)
          : request.action === 'resume'
            ? await schedules.resumeSchedule(id)
            : await schedules.removeSchedule(id);
      ctx.write(`Schedule ${done.name} ${request.action === 'remove' ? 'removed' : request.action === 'pause' ? 'paused' : 'resumed'}`);
      if (request.action !== 'remove') ctx.write(describeSchedule(done));
      return 0;
    }
  }
}

/** A schedule id, or a name looked up among the schedules (names are unique). */
async function resolveId(schedules: ScheduleService, idOrName: string): Promise<string> {
  if (UUID_RE.test(idOrName)) return idOrName;
  const named = (await schedules.listSchedules()).find((s) => s.name === idOrName);
  if (named === undefined) throw new NotFoundError('schedule', idOrName, { key: 'id or name' });
  return named.id;
}

/**
 * One line about a schedule: name, cron and zone, state, next run, what it extracts.
 *
 * @param s - the schedule
 * @returns the line
 */
export function describeSchedule(s: ScheduleView): string {
  const state = s.paused ? 'paused' : `next run ${s.nextRunAt?.toISOString() ?? '-'}`;
  const what = `${countOf(s.properties.length, 'property', 'properties')}, ${s.sources.join(',')}${s.dryRun ? ', dry run' : ''}`;
  return `${s.name}: "${s.cron}" ${s.timeZone}, ${state}; ${what}`;
}

function describeTick(t: ScheduleTick): string {
  const detail = t.outcome === 'started' ? `job ${t.jobId ?? '-'}` : (t.reason ?? '');
  const elsewhere = t.claimedElsewhere.map((f) => `${f.workerName} at ${f.firedAt.toISOString()}`);
  const also = elsewhere.length === 0 ? '' : `  (also fired on ${elsewhere.join(', ')}: claimed elsewhere)`;
  return `${t.tickAt.toISOString()}  ${t.outcome}  ${detail}${also}`;
}
