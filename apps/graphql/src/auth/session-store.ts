import { createHash, randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';

/** The MongoDB collection of browser sessions. */
export const API_SESSIONS_COLLECTION = 'api_sessions';

/** A browser session as stored: the token itself is never stored, only its SHA-256. */
export interface ApiSessionDocument {
  /** SHA-256 of the session token, hex. */
  readonly _id: string;
  /** The id of the API key the session was opened with (re-checked on each use). */
  readonly keyId: string;
  /** When it was opened. */
  readonly createdAt: Date;
  /** When it ends: lookups ignore it from then on; MongoDB's TTL monitor (or, on FerretDB, the next sign-in) deletes it. */
  readonly expiresAt: Date;
}

/** A session just opened: the token to hand to the browser (once) and when it ends. */
export interface OpenedSession {
  /** 32 random bytes, base64url (43 characters). */
  readonly token: string;
  /** When it ends. */
  readonly expiresAt: Date;
}

/**
 * Where browser sessions live. Implementations must be safe to call
 * concurrently; tokens are looked up by hash only.
 */
export interface SessionStore {
  /**
   * Opens a session for a key.
   *
   * @param keyId - the verified key's id
   * @param ttlMs - lifetime in ms (> 0)
   * @returns the new token and its end
   */
  open(keyId: string, ttlMs: number): Promise<OpenedSession>;
  /**
   * The key id of a live session (not expired).
   *
   * @param token - the token as the browser sent it
   * @returns the key id, or `null` for an unknown or expired token
   */
  keyIdOf(token: string): Promise<string | null>;
  /**
   * Which of these sessions are still live (not ended, not expired): open
   * WebSockets of ended sessions are closed with it.
   *
   * @param tokens - tokens as browsers sent them
   * @returns the subset still live
   */
  liveTokens(tokens: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Ends a session. Idempotent: an unknown token is not an error.
   *
   * @param token - the token as the browser sent it
   */
  close(token: string): Promise<void>;
}

/** Options of {@link MongoSessionStore}. */
export interface MongoSessionStoreOptions {
  /** The database holding the `api_sessions` collection. Borrowed. */
  readonly db: Db;
  /** Clock of `createdAt`/`expiresAt` and of expiry checks; default `() => new Date()`. */
  readonly now?: () => Date;
}

/**
 * Browser sessions in MongoDB (`api_sessions`), with a TTL index on
 * `expiresAt` so ended sessions are deleted by the database. FerretDB has
 * no TTL indexes: there the index is a plain one and each `open` deletes
 * the sessions that have ended.
 *
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * const sessions = new MongoSessionStore({ db });
 * await sessions.ensureIndexes();
 * const { token } = await sessions.open('0b9f…', 12 * 3_600_000);
 * await sessions.keyIdOf(token); // '0b9f…'
 * await sessions.close(token);
 * ```
 */
export class MongoSessionStore implements SessionStore {
  readonly #sessions: Collection<ApiSessionDocument>;
  readonly #now: () => Date;

  /**
   * @param options - database and clock
   */
  constructor(options: MongoSessionStoreOptions) {
    this.#sessions = options.db.collection<ApiSessionDocument>(API_SESSIONS_COLLECTION);
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Creates the TTL index on `expiresAt` (a plain one where the server has no TTL indexes). Idempotent.
   *
   * @throws the driver's `MongoServerError` when the index cannot be made
   */
  async ensureIndexes(): Promise<void> {
    try {
      await this.#sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' });
    } catch (error) {
      if ((error as { codeName?: unknown }).codeName !== 'NotImplemented') throw error;
      await this.#sessions.createIndex({ expiresAt: 1 }, { name: 'expiresAt' });
    }
  }

  /** {@inheritDoc SessionStore.open} */
  async open(keyId: string, ttlMs: number): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.#now();
    const expiresAt = new Date(createdAt.getTime() + ttlMs);
    // What a TTL monitor would do, for servers without one (FerretDB); one indexed delete, usually of nothing.
    await this.#sessions.deleteMany({ expiresAt: { $lte: createdAt } });
    await this.#sessions.insertOne({ _id: hashSessionToken(token), keyId, createdAt, expiresAt });
    return { token, expiresAt };
  }

  /** {@inheritDoc SessionStore.keyIdOf} */
  async keyIdOf(token: string): Promise<string | null> {
    // The TTL monitor runs about once a minute: an expired document may still be there.
    const doc = await this.#sessions.findOne({ _id: hashSessionToken(token), expiresAt: { $gt: this.#now() } });
    return doc?.keyId ?? null;
  }

  /** {@inheritDoc SessionStore.liveTokens} */
  async liveTokens(tokens: readonly string[]): Promise<ReadonlySet<string>> {
    if (tokens.length === 0) return new Set();
    const byHash = new Map(tokens.map((token) => [hashSessionToken(token), token]));
    const docs = await this.#sessions
      .find({ _id: { $in: [...byHash.keys()] }, expiresAt: { $gt: this.#now() } }, { projection: { _id: 1 } })
      .toArray();
    return new Set(docs.map((doc) => byHash.get(doc._id) ?? ''));
  }

  /** {@inheritDoc SessionStore.close} */
  async close(token: string): Promise<void> {
    await this.#sessions.deleteOne({ _id: hashSessionToken(token) });
  }
}

/**
 * The stored form of a session token.
 *
 * @param token - the token as the browser sent it
 * @returns its SHA-256, hex (64 characters)
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
