import type { Clock } from '../core/clock.ts';
import type { ServiceContext } from '../core/context.ts';
import type { Database } from '../db/database.ts';
import type { LoginRateLimiter, Principal } from '../modules/identity/index.ts';
import type { Logger } from './logger.ts';
import type { Mutex } from './unit-of-work.ts';

/** What the app is built from: the database, the clock and the operational settings. */
export interface ApiDeps {
  readonly database: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Set the cookie's Secure flag (behind TLS). Default: true when the request came over https. */
  readonly secureCookies?: boolean | undefined;
  /** Sign-in attempts per minute per source address (default 10). */
  readonly loginAttemptsPerMinute?: number | undefined;
  /** Trust X-Forwarded-For for the source address (behind a reverse proxy). Default false. */
  readonly trustProxy?: boolean | undefined;
  /**
   * On the embedded database, the lock that serializes requests; given when something else in the
   * process (the jobs worker of `arbor serve --jobs`) must take turns with them. Default: the app's own.
   */
  readonly mutex?: Mutex | undefined;
}

/** Per-request values set by the middleware, read by handlers through `c.get`. */
export interface ApiVariables {
  requestId: string;
  /** The client's address, for the audit trail and rate limits. */
  source: string;
  principal: Principal;
  /** The service context of the request's unit of work (joined transaction, tenant, actor). */
  ctx: ServiceContext;
  /** The app's dependencies and process-wide state (for the few handlers that need them). */
  app: AppState;
}

export interface AppState {
  readonly deps: ApiDeps;
  readonly loginLimiter: LoginRateLimiter;
}

export interface ApiEnv {
  Variables: ApiVariables;
}
