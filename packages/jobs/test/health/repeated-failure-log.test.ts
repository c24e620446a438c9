import { describe, expect, it } from 'vitest';
import type { LogContext, Logger } from '@phx/core';
import { RepeatedFailureLog } from '../../src/health/repeated-failure-log.js';

interface Line {
  readonly level: 'info' | 'warn';
  readonly context: LogContext;
  readonly message: string;
}

/** A logger that keeps what it is given. */
function recordingLogger(): { readonly logger: Logger; readonly lines: Line[] } {
  const lines: Line[] = [];
  const record =
    (level: Line['level']) =>
    (context: LogContext, message: string): void => {
      lines.push({ level, context, message });
    };
  const logger: Logger = {
    debug: () => undefined,
    info: record('info'),
    warn: record('warn'),
    error: () => undefined,
    child: () => logger,
  };
  return { logger, lines };
}

describe('RepeatedFailureLog', () => {
  it('warns once when a streak of failures starts, again at most once per interval with the count, and says when it recovered', () => {
    const { logger, lines } = recordingLogger();
    let now = 1_000;
    const log = new RepeatedFailureLog({ logger, what: 'cancel poll', repeatEveryMs: 60_000, nowMs: () => now });
    for (let i = 0; i < 100; i += 1) {
      log.failed(new Error('connection refused'));
      now += 100;
    }
    expect(lines).toEqual([{ level: 'warn', context: { err: 'connection refused' }, message: 'cancel poll failed; retrying' }]);
    now = 61_000;
    log.failed(new Error('server selection timed out'));
    log.failed(new Error('server selection timed out'));
    expect(lines[1]).toEqual({
      level: 'warn',
      context: { err: 'server selection timed out', failures: 101, failingForMs: 60_000 },
      message: 'cancel poll still failing; retrying',
    });
    expect(lines).toHaveLength(2);
    now = 70_000;
    log.succeeded();
    log.succeeded();
    expect(lines.slice(2)).toEqual([{ level: 'info', context: { failures: 102, failingForMs: 69_000 }, message: 'cancel poll recovered' }]);
    log.failed('again');
    expect(lines.slice(3)).toEqual([{ level: 'warn', context: { err: 'again' }, message: 'cancel poll failed; retrying' }]);
  });

  it('says nothing while every attempt succeeds', () => {
    const { logger, lines } = recordingLogger();
    const log = new RepeatedFailureLog({ logger, what: 'heartbeat' });
    log.succeeded();
    expect(lines).toEqual([]);
  });

  it('starts a new streak after a quiet interval when no success is ever reported (an error event stream)', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const log = new RepeatedFailureLog({ logger, what: 'agenda poll', repeatEveryMs: 60_000, nowMs: () => now });
    log.failed('ECONNREFUSED');
    now = 1_000;
    log.failed('ECONNREFUSED');
    now = 200_000;
    log.failed('ECONNREFUSED');
    expect(lines.map((l) => l.message)).toEqual(['agenda poll failed; retrying', 'agenda poll failed; retrying']);
  });
});
