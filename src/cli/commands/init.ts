import { initTenant } from '../../modules/tenancy/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { actorFromEnv, clockFromEnv, openMigrated } from '../runtime.ts';

export const initCommand: Command = {
  words: ['init'],
  usage: 'arbor [--db TARGET] init [--currency CUR]',
  summary: 'create or migrate the database; the first run creates the default tenant and entity MAIN',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { currency: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const database = await openMigrated(global.db);
    try {
      const result = await initTenant(database, clockFromEnv(input.io.env), {
        slug: global.tenant,
        currency: typeof values.currency === 'string' ? values.currency : null,
        actor: actorFromEnv(input.io.env),
      });
      input.io.stdout.write(
        result.created
          ? `initialized ${database.target}: tenant ${global.tenant}, entity MAIN (${result.entity.currency})\n`
          : `${database.target} is up to date: tenant ${global.tenant}, entity MAIN (${result.entity.currency})\n`,
      );
      return EXIT.ok;
    } finally {
      await database.close();
    }
  },
};
