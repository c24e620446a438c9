import type { Logger } from '@phx/core';

/** One logged line. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly context: Readonly<Record<string, unknown>>;
  readonly message: string;
}

/** A logger that keeps every line (children share the list, with their bindings merged in). */
export interface RecordingLogger extends Logger {
  /** Every line so far, in order. */
  readonly lines: LoggedLine[];
}

/**
 * Makes a logger that records instead of printing.
 *
 * @param lines - the shared list (children pass theirs)
 * @param bindings - context added to every line
 * @returns the logger
 */
export function createRecordingLogger(lines: LoggedLine[] = [], bindings: Record<string, unknown> = {}): RecordingLogger {
  const log =
    (level: LoggedLine['level']) =>
    (context: Readonly<Record<string, unknown>>, message: string): void => {
      lines.push({ level, context: { ...bindings, ...context }, message });
    };
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createRecordingLogger(lines, { ...bindings, ...more }),
  };
}
