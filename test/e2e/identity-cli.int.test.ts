import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { fixedClock } from '../../src/core/clock.ts';
import type { LocalDate } from '../../src/core/local-date.ts';
import { openDatabase } from '../../src/db/database.ts';
import { authenticateToken, login } from '../../src/modules/identity/index.ts';

/** Runs `arbor ARGS` in-process against an embedded database directory; captures output and exit code. */
async function arbor(args: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const code = await main(['--db', dbDir, ...args], {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    env: { ARBOR_TODAY: '2026-06-30', ARBOR_USER: 'e2e', ...env },
  });
  return { code, out, err };
}

/** Opens the command line's database between commands (embedded: one holder at a time). */
async function withDatabase<T>(
  fn: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(dbDir);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

const clock = fixedClock('2026-06-30' as LocalDate);
let dir: string;
let dbDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arbor-e2e-identity-'));
  dbDir = join(dir, 'db');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('arbor user and token commands', () => {
  let adminPassword = '';

  it('init prints the admin password once, and it signs in', async () => {
    const first = await arbor(['init']);
    expect(first, first.err).toMatchObject({ code: 0 });
    const m = /^admin password \(shown once\): (\S+)$/m.exec(first.out);
    expect(m, first.out).not.toBeNull();
    adminPassword = m?.[1] as string;
    const again = await arbor(['init']);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/up to date/);
    expect(again.out).not.toMatch(/admin/);
    const session = await withDatabase((database) =>
      login(database, clock, { username: 'admin', password: adminPassword }),
    );
    expect(session.principal.role).toBe('admin');
  });

  it('init takes the admin password from ARBOR_ADMIN_PASSWORD, refusing a weak one by name', async () => {
    const other = join(dir, 'other');
    const weak = await arbor(['--db', other, 'init'], { ARBOR_ADMIN_PASSWORD: 'admin' });
    expect(weak.code).toBe(2);
    expect(weak.err).toMatch(/ARBOR_ADMIN_PASSWORD: a password needs at least 12 characters/);
    const ok = await arbor(['--db', other, 'init'], { ARBOR_ADMIN_PASSWORD: 'admin-from-env-1' });
    expect(ok, ok.err).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/^admin user created with the password from ARBOR_ADMIN_PASSWORD$/m);
    expect(ok.out).not.toContain('admin-from-env-1');
    const database = await openDatabase(other);
    try {
      expect(
        (await login(database, clock, { username: 'admin', password: 'admin-from-env-1' })).principal.role,
      ).toBe('admin');
    } finally {
      await database.close();
    }
  });

  it('user add prints a one-time password, or takes ARBOR_NEW_PASSWORD; list shows no secret', async () => {
    const add = await arbor(['user', 'add', 'ana', '--role', 'analyst', '--display-name', 'Ana Lyst']);
    expect(add, add.err).toMatchObject({ code: 0, out: expect.stringMatching(/^created user ana \(usr_/) });
    const pw = /^password \(shown once\): (\S+)$/m.exec(add.out)?.[1] as string;
    expect(pw).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const fromEnv = await arbor(['user', 'add', 'cas', '--role', 'cash_applier'], {
      ARBOR_NEW_PASSWORD: 'cas-chosen-password',
    });
    expect(fromEnv, fromEnv.err).toMatchObject({ code: 0 });
    expect(fromEnv.out).toMatch(/password: from ARBOR_NEW_PASSWORD/);
    expect(fromEnv.out).not.toContain('cas-chosen-password');

    const weak = await arbor(['user', 'add', 'wes', '--role', 'analyst'], { ARBOR_NEW_PASSWORD: 'short1' });
    expect(weak.code).toBe(2);
    expect(weak.err).toMatch(/ARBOR_NEW_PASSWORD: a password needs at least 12 characters/);
    expect(weak.err).not.toContain('short1');
    expect((await arbor(['user', 'add', 'ana', '--role', 'analyst'])).code).toBe(4);
    expect((await arbor(['user', 'add', 'bob', '--role', 'owner'])).code).toBe(2);
    expect((await arbor(['user', 'add', 'bob'])).code).toBe(2);

    await withDatabase(async (database) => {
      expect((await login(database, clock, { username: 'ana', password: pw })).principal.username).toBe(
        'ana',
      );
      expect(
        (await login(database, clock, { username: 'cas', password: 'cas-chosen-password' })).principal.role,
      ).toBe('cash_applier');
    });

    const list = await arbor(['user', 'list', '--format', 'json']);
    expect(list.code).toBe(0);
    const users = JSON.parse(list.out) as { username: string; role: string; status: string }[];
    expect(users.map((u) => [u.username, u.role, u.status])).toEqual([
      ['admin', 'admin', 'active'],
      ['ana', 'analyst', 'active'],
      ['cas', 'cash_applier', 'active'],
    ]);
    for (const secret of [pw, adminPassword, 'cas-chosen-password', 'argon2'])
      expect(list.out).not.toContain(secret);
    expect((await arbor(['user', 'list'])).out).toMatch(/ana +analyst +active +Ana Lyst/);
  });

  it('user password resets; user disable refuses sign-in', async () => {
    const reset = await arbor(['user', 'password', 'ana']);
    expect(reset, reset.err).toMatchObject({ code: 0 });
    const pw = /^new password of ana \(shown once\): (\S+)$/m.exec(reset.out)?.[1] as string;
    expect(pw).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect((await arbor(['user', 'password', 'nobody'])).code).toBe(3);
    expect((await arbor(['user', 'disable', 'cas'])).out).toBe('disabled user cas\n');
    await withDatabase(async (database) => {
      expect((await login(database, clock, { username: 'ana', password: pw })).principal.username).toBe(
        'ana',
      );
      await expect(
        login(database, clock, { username: 'cas', password: 'cas-chosen-password' }),
      ).rejects.toMatchObject({
        code: 'identity.invalid_credentials',
      });
    });
  });

  it('token create prints the token once; it authenticates with its scopes; list and revoke', async () => {
    const created = await arbor([
      'token',
      'create',
      'ana',
      '--label',
      'reports',
      '--scopes',
      'reports:read',
      '--days',
      '7',
    ]);
    expect(created, created.err).toMatchObject({ code: 0 });
    const token = /^token \(shown once\): (arb_\S+)$/m.exec(created.out)?.[1] as string;
    const tokenId = /created API token (tok_[0-9A-Z]{26})/.exec(created.out)?.[1] as string;
    expect(token).toBeDefined();
    expect(created.out).toMatch(/expires 2026-07-07T12:00:00.000Z/);

    const principal = await withDatabase((database) => authenticateToken(database, clock, token));
    expect(principal).toMatchObject({ username: 'ana', via: 'token', tokenId });
    expect([...(principal?.permissions ?? [])].sort()).toEqual(['reports:read', 'self']);

    expect((await arbor(['token', 'create', 'ana', '--scopes', 'users:manage'])).code).toBe(2);
    expect((await arbor(['token', 'create', 'ana', '--scopes', 'root'])).code).toBe(2);
    expect((await arbor(['token', 'create', 'ana', '--days', '400'])).code).toBe(2);

    const list = await arbor(['token', 'list', 'ana', '--format', 'csv']);
    expect(list.code).toBe(0);
    expect(list.out).toContain(`${tokenId},ana,reports,reports:read,active`);
    expect(list.out).not.toContain(token.slice(-43));

    expect(await arbor(['token', 'revoke', tokenId])).toMatchObject({ code: 0, out: `revoked ${tokenId}\n` });
    expect((await arbor(['token', 'revoke', tokenId])).out).toMatch(/already revoked/);
    expect((await arbor(['token', 'revoke', 'tok_nothing'])).code).toBe(3);
    expect(await withDatabase((database) => authenticateToken(database, clock, token))).toBeNull();
    expect((await arbor(['token', 'list'])).out).toMatch(/reports +reports:read +revoked/);
  });
});
