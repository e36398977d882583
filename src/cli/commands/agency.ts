import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  type Agency,
  buildAgencyReport,
  buildPlacementFile,
  createAgency,
  importRecoveriesFile,
  listAgencies,
  listPlacements,
  type Placement,
  placeAccounts,
  recallPlacement,
  updateAgency,
} from '../../modules/agencies/index.ts';
import { writeCsv } from '../../modules/tabular/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, withOutput, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)} %`);
const days = (x: number | null) => (x === null ? '' : x.toFixed(1));

function agencyCells(a: Agency): string[] {
  return [a.code, a.name, a.commissionRate, a.active ? 'yes' : 'no', a.email ?? '', a.phone ?? ''];
}

export const agencyAddCommand: Command = {
  words: ['agency', 'add'],
  usage: 'arbor agency add CODE --name NAME --commission RATE [--email EMAIL] [--phone PHONE]',
  summary: 'add a collection agency (commission as a fraction: 0.25 for 25 %)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        name: { type: 'string' },
        commission: { type: 'string' },
        email: { type: 'string' },
        phone: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    if (values.name === undefined || values.commission === undefined)
      throw new AppError(
        'cli.invalid_arguments',
        'invalid',
        `--name and --commission are required\nusage: ${this.usage}`,
      );
    const { ctx, close } = await openContext(global, input.io);
    try {
      const a = await createAgency(ctx, {
        code: positionals[0] as string,
        name: values.name as string,
        commissionRate: values.commission as string,
        email: (values.email as string | undefined) ?? null,
        phone: (values.phone as string | undefined) ?? null,
      });
      input.io.stdout.write(`added agency ${a.code} (${a.name}), commission ${a.commissionRate}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyUpdateCommand: Command = {
  words: ['agency', 'update'],
  usage:
    'arbor agency update CODE [--name NAME] [--commission RATE] [--email EMAIL] [--phone PHONE] [--active|--inactive]',
  summary: "change an agency's name, rate (for new placements), contact, or make it (in)active",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        name: { type: 'string' },
        commission: { type: 'string' },
        email: { type: 'string' },
        phone: { type: 'string' },
        active: { type: 'boolean' },
        inactive: { type: 'boolean' },
      },
      { min: 1, max: 1 },
    );
    if (values.active === true && values.inactive === true)
      throw new AppError('cli.invalid_arguments', 'invalid', '--active and --inactive exclude each other');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const a = await updateAgency(ctx, positionals[0] as string, {
        ...(values.name !== undefined ? { name: values.name as string } : {}),
        ...(values.commission !== undefined ? { commissionRate: values.commission as string } : {}),
        ...(values.email !== undefined ? { email: values.email as string } : {}),
        ...(values.phone !== undefined ? { phone: values.phone as string } : {}),
        ...(values.active === true ? { active: true } : values.inactive === true ? { active: false } : {}),
      });
      input.io.stdout.write(
        `agency ${a.code}: ${a.name}, commission ${a.commissionRate}, ${a.active ? 'active' : 'inactive'}\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyListCommand: Command = {
  words: ['agency', 'list'],
  usage: 'arbor agency list [--format table|json|csv]',
  summary: 'collection agencies and their commission rates',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json', 'csv'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const agencies = await listAgencies(ctx.database.db, ctx.tenantId);
      await writeTabular(format, input.io.stdout, {
        name: 'Agencies',
        columns: [
          { name: 'code' },
          { name: 'name' },
          { name: 'commission_rate' },
          { name: 'active' },
          { name: 'email' },
          { name: 'phone' },
        ],
        rows: agencies.map(agencyCells),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

function placementCells(p: Placement, people: boolean): string[] {
  const c = p.currency as CurrencyCode;
  const f = (v: bigint) => (people ? formatMoneyForDisplay(v, c) : formatAmount(v, c));
  return [
    p.id,
    p.agencyCode,
    p.accountNumber,
    people && p.customerName.length > 30 ? `${p.customerName.slice(0, 29)}…` : p.customerName,
    p.currency,
    p.placedOn,
    String(p.items),
    f(p.placedMinor),
    f(p.openMinor),
    p.commissionRate,
    p.status,
    p.closedOn ?? '',
  ];
}

const PLACEMENT_COLUMNS = [
  { name: 'placement_id' },
  { name: 'agency' },
  { name: 'account_number' },
  { name: 'name' },
  { name: 'currency' },
  { name: 'placed_on' },
  { name: 'items', align: 'right' as const },
  { name: 'placed', type: 'amount' as const },
  { name: 'open', type: 'amount' as const },
  { name: 'commission_rate' },
  { name: 'status' },
  { name: 'closed_on' },
];

export const agencyPlaceCommand: Command = {
  words: ['agency', 'place'],
  usage:
    'arbor agency place CODE ACCOUNT... [--min-days-past-due N] [--items NUMBER,...] [--date DATE] [--notes TEXT]',
  summary: "place accounts' open items with an agency (one placement per account and currency)",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        'min-days-past-due': { type: 'string' },
        items: { type: 'string' },
        date: { type: 'string' },
        notes: { type: 'string' },
      },
      { min: 2, max: 10_000 },
    );
    const minText = values['min-days-past-due'] as string | undefined;
    const min = minText === undefined ? undefined : Number(minText);
    if (min !== undefined && (!Number.isInteger(min) || min < 0))
      throw new AppError(
        'cli.invalid_arguments',
        'invalid',
        `--min-days-past-due must be a whole number ≥ 0, not "${minText}"`,
      );
    const date = parseDateOption('date', values.date);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const placed = await placeAccounts(ctx, {
        agency: positionals[0] as string,
        accounts: positionals.slice(1),
        ...(min !== undefined ? { minDaysPastDue: min } : {}),
        ...(typeof values.items === 'string'
          ? { itemNumbers: values.items.split(',').map((s) => s.trim()) }
          : {}),
        ...(date ? { date } : {}),
        ...(typeof values.notes === 'string' ? { notes: values.notes } : {}),
      });
      await writeTabular('table', input.io.stdout, {
        name: 'Placements',
        columns: PLACEMENT_COLUMNS,
        rows: placed.map((p) => placementCells(p, true)),
      });
      input.io.stdout.write(`\nnext: arbor agency export ${positionals[0]} --output placement.csv\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyPlacementsCommand: Command = {
  words: ['agency', 'placements'],
  usage:
    'arbor agency placements [--agency CODE] [--status placed|recalled|closed] [--format table|json|csv]',
  summary: 'placements with what was placed and what is still open',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { agency: { type: 'string' }, status: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json', 'csv'], 'table');
    const status = values.status as string | undefined;
    if (status !== undefined && !['placed', 'recalled', 'closed'].includes(status))
      throw new AppError(
        'cli.invalid_arguments',
        'invalid',
        `--status must be placed, recalled or closed, not "${status}"`,
      );
    const { ctx, close } = await openContext(global, input.io);
    try {
      const list = await listPlacements(ctx.database.db, ctx.tenantId, {
        ...(typeof values.agency === 'string' ? { agency: values.agency } : {}),
        ...(status ? { status: status as 'placed' | 'recalled' | 'closed' } : {}),
      });
      await writeTabular(format, input.io.stdout, {
        name: 'Placements',
        columns: PLACEMENT_COLUMNS,
        rows: list.map((p) => placementCells(p, format === 'table')),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyExportCommand: Command = {
  words: ['agency', 'export'],
  usage: 'arbor agency export CODE [--placement ID]... [--placed-on DATE] [--output FILE]',
  summary: 'the placement file for an agency (CSV: account, contacts, items, balances)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        placement: { type: 'string', multiple: true },
        'placed-on': { type: 'string' },
        output: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const placedOn = parseDateOption('placed-on', values['placed-on']);
    const ids = values.placement as string[] | undefined;
    const { ctx, close } = await openContext(global, input.io);
    try {
      const file = await buildPlacementFile(ctx.database.db, ctx.tenantId, {
        agency: positionals[0] as string,
        ...(ids && ids.length > 0 ? { placementIds: ids } : {}),
        ...(placedOn ? { placedOn } : {}),
        asOf: ctx.clock.today(),
      });
      await withOutput(input.io.stdout, values.output as string | undefined, false, (out) =>
        writeCsv(file.columns, file.rows, out),
      );
      input.io.stderr.write(`${file.rows.length} item(s) of ${file.placements} placement(s)\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyRecallCommand: Command = {
  words: ['agency', 'recall'],
  usage: 'arbor agency recall PLACEMENT_ID --reason TEXT [--date DATE]',
  summary: 'take a placement back from the agency (its items return to the worklist)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { reason: { type: 'string' }, date: { type: 'string' } },
      { min: 1, max: 1 },
    );
    if (typeof values.reason !== 'string')
      throw new AppError('cli.invalid_arguments', 'invalid', `--reason is required\nusage: ${this.usage}`);
    const date = parseDateOption('date', values.date);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const p = await recallPlacement(ctx, {
        placementId: positionals[0] as string,
        reason: values.reason,
        ...(date ? { date } : {}),
      });
      input.io.stdout.write(
        `recalled ${p.id} from ${p.agencyCode} on ${p.closedOn}: ${formatMoneyForDisplay(p.openMinor, p.currency as CurrencyCode)} ${p.currency} open back with the collector\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyRecoveriesCommand: Command = {
  words: ['agency', 'recoveries'],
  usage: 'arbor agency recoveries FILE',
  summary:
    'import what agencies recovered (CSV: placement_id or account_number[, agency], date, amount[, commission, reference]); posted as receipts',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    const { ctx, close } = await openContext(global, input.io);
    try {
      const r = await importRecoveriesFile(ctx, positionals[0] as string);
      const out = input.io.stdout;
      const totals = new Map<string, { gross: bigint; commission: bigint; net: bigint }>();
      for (const x of r.recoveries) {
        const t = totals.get(x.currency) ?? { gross: 0n, commission: 0n, net: 0n };
        t.gross += x.recoveredMinor;
        t.commission += x.commissionMinor;
        t.net += x.netMinor;
        totals.set(x.currency, t);
      }
      out.write(
        `recorded ${r.recoveries.length} recover${r.recoveries.length === 1 ? 'y' : 'ies'} (import ${r.importId})\n`,
      );
      for (const [cur, t] of totals) {
        const f = (v: bigint) => formatMoneyForDisplay(v, cur as CurrencyCode);
        out.write(
          `  ${cur} recovered ${f(t.gross)}, commission ${f(t.commission)}, net received ${f(t.net)}\n`,
        );
      }
      if (r.closedPlacements.length > 0)
        out.write(`  closed (paid in full): ${r.closedPlacements.join(', ')}\n`);
      for (const x of r.recoveries)
        for (const ri of x.reinstated)
          out.write(
            `  reinstated written-off ${ri.itemNumber}: ${formatMoneyForDisplay(ri.amountMinor, x.currency)} ${x.currency}\n`,
          );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyReportCommand: Command = {
  words: ['agency', 'report'],
  usage: 'arbor agency report [--agency CODE] [--format table|json|csv]',
  summary: 'agency performance: placed, recovered, commission, net, recovery rate, days to recover',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { agency: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json', 'csv'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const rows = await buildAgencyReport(
        ctx.database.db,
        ctx.tenantId,
        typeof values.agency === 'string' ? { agency: values.agency } : {},
      );
      const people = format === 'table';
      if (format === 'json') {
        input.io.stdout.write(
          `${JSON.stringify(
            rows.map((r) => {
              const c = r.currency as CurrencyCode;
              return {
                agency: r.agencyCode,
                name: r.agencyName,
                currency: r.currency,
                placements: r.placements,
                active: r.active,
                recalled: r.recalled,
                closed: r.closed,
                placed: formatAmount(r.placedMinor, c),
                recovered: formatAmount(r.recoveredMinor, c),
                commission: formatAmount(r.commissionMinor, c),
                net: formatAmount(r.netMinor, c),
                open: formatAmount(r.openMinor, c),
                recovery_rate: r.recoveryRate,
                net_recovery_rate: r.netRecoveryRate,
                cost_of_recovery: r.costOfRecovery,
                placements_with_recovery: r.placementsWithRecovery,
                mean_days_to_first_recovery: r.meanDaysToFirstRecovery,
                median_days_to_first_recovery: r.medianDaysToFirstRecovery,
                amount_weighted_days_to_recover: r.amountWeightedDaysToRecover,
              };
            }),
            null,
            2,
          )}\n`,
        );
        return EXIT.ok;
      }
      await writeTabular(format, input.io.stdout, {
        name: 'Agency performance',
        columns: [
          { name: people ? 'Agency' : 'agency' },
          { name: people ? 'Cur' : 'currency' },
          { name: people ? 'Placements' : 'placements', align: 'right' },
          { name: people ? 'Active/recalled/closed' : 'active_recalled_closed' },
          { name: people ? 'Placed' : 'placed', type: 'amount' },
          { name: people ? 'Recovered' : 'recovered', type: 'amount' },
          { name: people ? 'Commission' : 'commission', type: 'amount' },
          { name: people ? 'Net' : 'net', type: 'amount' },
          { name: people ? 'Recovery %' : 'recovery_rate', align: 'right' },
          { name: people ? 'Net %' : 'net_recovery_rate', align: 'right' },
          { name: people ? 'Cost %' : 'cost_of_recovery', align: 'right' },
          { name: people ? 'Days to 1st (mean)' : 'mean_days_to_first_recovery', align: 'right' },
          { name: people ? 'Median' : 'median_days_to_first_recovery', align: 'right' },
          { name: people ? 'Days (by amount)' : 'amount_weighted_days_to_recover', align: 'right' },
        ],
        rows: rows.map((r) => {
          const c = r.currency as CurrencyCode;
          const f = (v: bigint) => (people ? formatMoneyForDisplay(v, c) : formatAmount(v, c));
          const ratio = (x: number | null) => (people ? pct(x) : x === null ? '' : x.toFixed(4));
          return [
            r.agencyCode,
            r.currency,
            String(r.placements),
            `${r.active}/${r.recalled}/${r.closed}`,
            f(r.placedMinor),
            f(r.recoveredMinor),
            f(r.commissionMinor),
            f(r.netMinor),
            ratio(r.recoveryRate),
            ratio(r.netRecoveryRate),
            ratio(r.costOfRecovery),
            days(r.meanDaysToFirstRecovery),
            days(r.medianDaysToFirstRecovery),
            days(r.amountWeightedDaysToRecover),
          ];
        }),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const agencyCommands: readonly Command[] = [
  agencyAddCommand,
  agencyUpdateCommand,
  agencyListCommand,
  agencyPlaceCommand,
  agencyPlacementsCommand,
  agencyExportCommand,
  agencyRecallCommand,
  agencyRecoveriesCommand,
  agencyReportCommand,
];
