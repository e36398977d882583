import { isId } from '../../../core/ids.ts';
import { SECRET_PATTERN } from './secrets.ts';

/**
 * The wire formats of the two credentials. Each names its tenant and row so that lookup is by primary
 * key (tenant_id, id), then the secret is compared to the stored hash in constant time:
 *
 * - session cookie: `s1.<tenantId>.<sessionId>.<secret>`, e.g. `s1.1.ses_01JD8X….<43 base64url>`
 * - API token:      `arb_<tenantId>_<token ULID>_<secret>`, e.g. `arb_1_01JD8X…_<43 base64url>`
 *   (the token's id is `tok_<ULID>`; the prefix `arb_` lets secret scanners recognise a leaked token).
 *
 * Parsers return null for anything malformed and never throw.
 */
export interface CredentialParts {
  readonly tenantId: number;
  /** The row id with its prefix (`ses_…`, `tok_…`). */
  readonly id: string;
  readonly secret: string;
}

const TENANT_ID = /^[1-9][0-9]{0,9}$/;
const MAX_TENANT_ID = 2_147_483_647; // integer column
const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const TOKEN_PATTERN = new RegExp(`^arb_([1-9][0-9]{0,9})_(${ULID})_([A-Za-z0-9_-]{43})$`);
/** Longest well-formed value of either kind, with room; longer input is refused before any regex. */
const MAX_LENGTH = 128;

function parseTenantId(text: string): number | null {
  if (!TENANT_ID.test(text)) return null;
  const n = Number(text);
  return n <= MAX_TENANT_ID ? n : null;
}

export function formatSessionCookie(tenantId: number, sessionId: string, secret: string): string {
  return `s1.${tenantId}.${sessionId}.${secret}`;
}

export function parseSessionCookie(value: unknown): CredentialParts | null {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return null;
  const parts = value.split('.');
  if (parts.length !== 4) return null;
  const [version, tenant, id, secret] = parts as [string, string, string, string];
  if (version !== 's1' || !isId(id, 'session') || !SECRET_PATTERN.test(secret)) return null;
  const tenantId = parseTenantId(tenant);
  return tenantId === null ? null : { tenantId, id, secret };
}

export function formatApiToken(tenantId: number, tokenId: string, secret: string): string {
  return `arb_${tenantId}_${tokenId.replace(/^tok_/, '')}_${secret}`;
}

export function parseApiToken(value: unknown): CredentialParts | null {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return null;
  // The secret is base64url and may itself contain `_`: the pattern fixes every other part's shape.
  const m = TOKEN_PATTERN.exec(value);
  if (!m) return null;
  const tenantId = parseTenantId(m[1] as string);
  return tenantId === null ? null : { tenantId, id: `tok_${m[2] as string}`, secret: m[3] as string };
}
