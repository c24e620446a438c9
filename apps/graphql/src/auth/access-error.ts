import { CoreError } from '@phx/core';

/** Why access was refused: no valid key (`UNAUTHENTICATED`) or a key without the role (`FORBIDDEN`). */
export type AccessErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN';

/**
 * A request was refused by the API key check. The error mapping module turns
 * its code into `extensions.code`; HTTP answers 401 or 403.
 */
export class AccessError extends CoreError {
  /** HTTP status to answer with: 401 for `UNAUTHENTICATED`, 403 for `FORBIDDEN`. */
  readonly httpStatus: 401 | 403;
  /** A short form (at most 100 bytes) for a WebSocket close reason, e.g. `API key revoked`. */
  readonly brief: string;

  /**
   * @param code - `UNAUTHENTICATED` or `FORBIDDEN`
   * @param message - what is missing and how to fix it (never the key itself)
   * @param brief - short form for WebSocket close reasons (at most 100 bytes)
   */
  constructor(code: AccessErrorCode, message: string, brief: string) {
    super(code, message, 'permanent');
    this.httpStatus = code === 'UNAUTHENTICATED' ? 401 : 403;
    this.brief = brief;
  }
}
