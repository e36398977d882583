import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import { TOUCH_INTERVAL_MS, touches } from './authenticate-session.ts';
import { findTokensWithUsers, type TokenWithUser } from './identity.repo.ts';
import { buildPrincipal } from './logic/build-principal.ts';
import { parseApiToken } from './logic/credential-format.ts';
import { isRole, type Principal } from './logic/roles.ts';
import { secretMatches } from './logic/secrets.ts';

/**
 * The principal of an API token (the value after `Bearer `): its user's permissions narrowed by the
 * token's scopes. Null for a malformed, unknown, revoked or expired token, a wrong secret and a
 * disabled user.
 */
export async function authenticateToken(
  database: Database,
  clock: Clock,
  bearer: string,
): Promise<Principal | null> {
  const parts = parseApiToken(bearer);
  if (!parts) return null;
  const row = await lookups(database).find(parts.tenantId, parts.id);
  if (!row || !secretMatches(parts.secret, row.secret_hash)) return null;
  const now = clock.now();
  if (row.revoked_at !== null || row.expires_at.getTime() <= now.getTime()) return null;
  if (row.status !== 'active' || !isRole(row.role)) return null;
  if (
    (row.last_used_at === null || now.getTime() - row.last_used_at.getTime() >= TOUCH_INTERVAL_MS) &&
    touches.claim(`t:${parts.tenantId}:${parts.id}`, now.getTime())
  ) {
    // On the look-up connection too: it must not wait behind the pool's work either.
    await (database.lookups ?? database.db)
      .updateTable('api_tokens')
      .set({ last_used_at: now })
      .where('tenant_id', '=', parts.tenantId)
      .where('id', '=', parts.id)
      .execute();
  }
  return buildPrincipal(
    {
      tenantId: parts.tenantId,
      userId: row.user_id,
      username: row.username,
      role: row.role,
      portfolioScoped: row.portfolio_scoped,
      approvalLimitMinor: row.approval_limit_minor,
    },
    { kind: 'token', tokenId: row.token_id, scopes: row.scopes },
  );
}

interface Lookup {
  readonly tenantId: number;
  readonly tokenId: string;
  readonly resolve: (row: TokenWithUser | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** Tokens looked up per statement at most. */
const LOOKUP_LIMIT = 500;

/**
 * The tokens of requests that arrive while a look-up is running are looked up together, in one
 * statement, when it ends: under load one round trip to the database serves many requests instead of
 * one each (a round trip costs the server a system call and the database a wake-up, and both were a
 * large part of a request's CPU, docs/benchmarks.md bench:api). Each request still reads the token
 * as it is after the request arrived, so a revocation counts at once, as before. On a server the
 * look-ups have a connection of their own (`Database.lookups`): waiting in the pool's queue behind
 * the requests' work, one look-up held back every request that arrived meanwhile (ADR 0018).
 */
class TokenLookups {
  readonly #waiting: Lookup[] = [];
  #running = false;

  constructor(private readonly database: Database) {}

  find(tenantId: number, tokenId: string): Promise<TokenWithUser | undefined> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ tenantId, tokenId, resolve, reject });
      if (!this.#running) void this.#run();
    });
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.length > 0) {
        const batch = this.#waiting.splice(0, LOOKUP_LIMIT);
        try {
          const rows = await findTokensWithUsers(this.database.lookups ?? this.database.db, batch);
          const found = new Map(rows.map((r) => [`${r.tenant_id}:${r.token_id}`, r]));
          for (const l of batch) l.resolve(found.get(`${l.tenantId}:${l.tokenId}`));
        } catch (error) {
          for (const l of batch) l.reject(error);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

const byDatabase = new WeakMap<Database, TokenLookups>();

function lookups(database: Database): TokenLookups {
  let l = byDatabase.get(database);
  if (!l) {
    l = new TokenLookups(database);
    byDatabase.set(database, l);
  }
  return l;
}
