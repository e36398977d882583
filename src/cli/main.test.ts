import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, loadCommands, main } from './main.ts';

describe('the command list, loaded by module', () => {
  it('declares for each module the first words of its commands, and no word belongs to nobody', async () => {
    for (const module of COMMAND_MODULES) {
      const firsts = new Set((await module.load()).map((c) => c.words[0]));
      // Every first word a module declares is one of its commands' (else it would load for nothing),
      // and every command's first word is declared (else `arbor WORD …` would not find it).
      expect([...firsts].sort()).toEqual([...new Set(module.first)].sort());
    }
  });

  it('loads for a first word exactly the commands of all that start with it', async () => {
    const all = await loadCommands();
    const names = all.map((c) => c.words.join(' '));
    expect(new Set(names).size).toBe(names.length);
    for (const first of new Set(all.map((c) => c.words[0] as string))) {
      const some = await loadCommands(first);
      expect(some.filter((c) => c.words[0] === first).map((c) => c.words.join(' '))).toEqual(
        all.filter((c) => c.words[0] === first).map((c) => c.words.join(' ')),
      );
    }
    // An unknown word loads everything, to list it all in the usage.
    expect((await loadCommands('no-such-command')).length).toBe(all.length);
  });

  it('still finds a command of a module loaded for its first word, and lists all in the usage', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: {},
    } as unknown as Parameters<typeof main>[1];
    expect(await main(['import', 'bank', '--help'], io)).toBe(0);
    expect(out.join('')).toMatch(/^usage: arbor .*import bank/);
    out.length = 0;
    expect(await main(['--help'], io)).toBe(0);
    for (const words of ['import invoices', 'report aging', 'cash apply', 'agency place', 'serve']) {
      expect(out.join('')).toContain(`  ${words}`);
    }
    expect(await main(['import', 'nothing'], io)).toBe(2);
    expect(err.join('')).toMatch(/did you mean: import /);
  });
});

describe('arbor serve, settings from the environment', () => {
  it('refuses a connection count or a login limit that is not a whole number of at least 1, naming it', async () => {
    for (const [name, value] of [
      ['ARBOR_DB_POOL', 'ten'],
      ['ARBOR_DB_POOL', '0'],
      ['ARBOR_DB_POOL', '2.5'],
      ['ARBOR_LOGIN_ATTEMPTS_PER_MINUTE', '-3'],
      ['ARBOR_LOGIN_ATTEMPTS_PER_MINUTE', '1e3'],
    ] as const) {
      const err: string[] = [];
      const io = {
        stdout: { write: () => true },
        stderr: { write: (s: string) => err.push(s) },
        // No database is opened: the setting is refused first.
        env: { [name]: value, ARBOR_DB: 'postgres://nobody@127.0.0.1:1/none' },
      } as unknown as Parameters<typeof main>[1];
      expect(await main(['serve', '--port', '0'], io)).toBe(2);
      expect(err.join('')).toContain(`${name} must be a whole number of at least 1, not "${value}"`);
    }
  });
});
