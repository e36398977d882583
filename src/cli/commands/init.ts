import { AppError, isAppError } from '../../core/errors.ts';
import { ensureAdminUser } from '../../modules/identity/index.ts';
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
      const clock = clockFromEnv(input.io.env);
      const actor = actorFromEnv(input.io.env);
      const result = await initTenant(database, clock, {
        slug: global.tenant,
        currency: typeof values.currency === 'string' ? values.currency : null,
        actor,
      });
      input.io.stdout.write(
        result.created
          ? `initialized ${database.target}: tenant ${global.tenant}, entity MAIN (${result.entity.currency})\n`
          : `${database.target} is up to date: tenant ${global.tenant}, entity MAIN (${result.entity.currency})\n`,
      );
      // The first administrator, for the HTTP API: created once, its password shown once.
      const admin = await ensureAdminUser(
        { database, clock, tenantId: result.tenantId, actor },
        input.io.env.ARBOR_ADMIN_PASSWORD,
      ).catch((e: unknown) => {
        throw isAppError(e) && e.code === 'identity.weak_password'
          ? new AppError(e.code, e.kind, `ARBOR_ADMIN_PASSWORD: ${e.message}`)
          : e;
      });
      if (admin.created)
        input.io.stdout.write(
          admin.password === null
            ? 'admin user created with the password from ARBOR_ADMIN_PASSWORD\n'
            : `admin password (shown once): ${admin.password}\n`,
        );
      return EXIT.ok;
    } finally {
      await database.close();
    }
  },
};
