/** Structured context attached to a log line (`jobId`, `propertyId`, `source`, `url`, `attempt`...). Never secrets. */
export type LogContext = Readonly<Record<string, unknown>>;

/**
 * The logging port packages write to; apps supply pino, which satisfies it.
 * Messages are stable strings; the variable parts go in `context`.
 */
export interface Logger {
  /** Logs a debugging detail. */
  debug(context: LogContext, message: string): void;
  /** Logs a normal event. */
  info(context: LogContext, message: string): void;
  /** Logs a problem that was handled. */
  warn(context: LogContext, message: string): void;
  /** Logs a failure. */
  error(context: LogContext, message: string): void;
  /**
   * Makes a logger that adds `bindings` to every line.
   *
   * @param bindings - context for every line, e.g. `{ component: 'downloader' }`
   * @returns the child logger
   */
  child(bindings: LogContext): Logger;
}

const noop = (): void => undefined;

/** A logger that drops everything; the default of every package. */
export const noopLogger: Logger = Object.freeze({
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: (): Logger => noopLogger,
});
