import {
  createApiToken,
  identityError,
  listApiTokens,
  PERMISSIONS,
  type Permission,
  revokeApiToken,
} from '../../modules/identity/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';

function parseScopes(text: string | undefined): Permission[] | null {
  if (text === undefined) return null;
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const s of scopes)
    if (!(PERMISSIONS as readonly string[]).includes(s))
      throw identityError('identity.invalid_scope', `unknown scope "${s}"; one of ${PERMISSIONS.join(', ')}`);
  return scopes as Permission[];
}

function parseDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]{1,4}$/.test(text))
    throw identityError('identity.invalid_input', `--days must be a whole number of days, not "${text}"`);
  return Number(text);
}

export const tokenCreateCommand: Command = {
  words: ['token', 'create'],
  usage: 'arbor token create NAME [--label TEXT] [--scopes a,b] [--days N]',
  summary: "create an API token for a user (all the user's permissions, or --scopes); prints it once",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { label: { type: 'string' }, scopes: { type: 'string' }, days: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const username = positionals[0] as string;
    const scopes = parseScopes(values.scopes as string | undefined);
    const days = parseDays(values.days as string | undefined);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const r = await createApiToken(ctx, {
        username,
        name: (values.label as string | undefined) ?? 'cli',
        scopes,
        ...(days === undefined ? {} : { expiresInDays: days }),
      });
      const out = input.io.stdout;
      out.write(
        `created API token ${r.tokenId} for ${username}, ${scopes === null ? "all the user's permissions" : `scopes ${scopes.length === 0 ? '(self only)' : scopes.join(',')}`}, expires ${r.expiresAt.toISOString()}\n`,
      );
      out.write(`token (shown once): ${r.token}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const tokenListCommand: Command = {
  words: ['token', 'list'],
  usage: 'arbor token list [NAME] [--format table|csv|json]',
  summary: "list API tokens (all, or one user's); never their secrets",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 0, max: 1 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const tokens = await listApiTokens(ctx, positionals[0]);
      const iso = (d: Date | null) => (d === null ? '' : d.toISOString());
      await writeTabular(format, input.io.stdout, {
        name: 'tokens',
        columns: [
          { name: 'id' },
          { name: 'username' },
          { name: 'label' },
          { name: 'scopes' },
          { name: 'status' },
          { name: 'created_at' },
          { name: 'expires_at' },
          { name: 'last_used_at' },
        ],
        rows: tokens.map((x) => [
          x.id,
          x.username,
          x.name,
          x.scopes === null ? '(all)' : x.scopes.join(','),
          x.status,
          iso(x.createdAt),
          iso(x.expiresAt),
          iso(x.lastUsedAt),
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const tokenRevokeCommand: Command = {
  words: ['token', 'revoke'],
  usage: 'arbor token revoke TOKEN_ID',
  summary: 'revoke an API token by its id (tok_…)',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    const tokenId = positionals[0] as string;
    const { ctx, close } = await openContext(global, input.io);
    try {
      const r = await revokeApiToken(ctx, tokenId);
      input.io.stdout.write(r.revoked ? `revoked ${tokenId}\n` : `${tokenId} was already revoked\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const tokenCommands: Command[] = [tokenCreateCommand, tokenListCommand, tokenRevokeCommand];
