import { recordAudit } from '../../modules/audit/index.ts';
import { createLedgerService } from '../../modules/ledger/index.ts';
import { DEFAULT_ENTITY, findEntityByCode, tenancyError } from '../../modules/tenancy/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { openContext } from '../runtime.ts';

function periodCommand(action: 'lock' | 'unlock'): Command {
  return {
    words: ['period', action],
    usage: `arbor period ${action} YYYY-MM [--entity CODE]`,
    summary:
      action === 'lock'
        ? 'lock an accounting period of an entity: the ledger then refuses postings dated in it'
        : 'reopen a locked accounting period',
    async run(input) {
      const { values, positionals, global } = parseCommandArgs(
        input,
        this,
        { entity: { type: 'string' } },
        { min: 1, max: 1 },
      );
      const period = positionals[0] as string;
      const code = (values.entity as string | undefined) ?? DEFAULT_ENTITY;
      const { ctx, close } = await openContext(global, input.io);
      try {
        const entity = await findEntityByCode(ctx.database.db, ctx.tenantId, code);
        if (!entity) throw tenancyError('tenancy.entity_not_found', `unknown entity "${code}"`);
        const ledger = createLedgerService(ctx);
        await ctx.database.db.transaction().execute(async (tx) => {
          if (action === 'lock') await ledger.lockPeriod(tx, entity.id, period);
          else await ledger.unlockPeriod(tx, entity.id, period);
          await recordAudit(tx, ctx.tenantId, [
            {
              actor: ctx.actor,
              action: `period.${action}ed`,
              objectType: 'period',
              objectId: `${entity.code}/${period}`,
            },
          ]);
        });
        input.io.stdout.write(
          `${action === 'lock' ? 'locked' : 'reopened'} ${period} of entity ${entity.code}\n`,
        );
        return EXIT.ok;
      } finally {
        await close();
      }
    },
  };
}

export const periodCommands: Command[] = [periodCommand('lock'), periodCommand('unlock')];
