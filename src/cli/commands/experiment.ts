import type { CurrencyCode } from '../../core/currency.ts';
import { AppError } from '../../core/errors.ts';
import { formatAmount, formatMoneyForDisplay } from '../../core/money.ts';
import {
  assignNewAccounts,
  buildExperimentReport,
  createExperiment,
  type Experiment,
  type ExperimentReport,
  getExperiment,
  listExperiments,
  startExperiment,
  stopExperiment,
  type VariantInput,
} from '../../modules/experiments/index.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';
import { parseDateOption } from './report.ts';

const bad = (message: string) => new AppError('cli.invalid_arguments', 'invalid', message);
const list = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : undefined;

function describeExperiment(e: Experiment): string {
  const lines = [
    `${e.code} (${e.id}): ${e.name} — ${e.status}${e.startedOn ? `, started ${e.startedOn}` : ''}${e.stoppedOn ? `, stopped ${e.stoppedOn}` : ''}`,
    `  subject ${e.subject}; seed ${e.seed}; stratified by ${e.stratifyBy ?? 'nothing'}; population ${JSON.stringify(e.population)}`,
    `  paid within ${e.settings.paidWithinDays} days; cost per contact ${Object.entries(e.settings.costs)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} ${e.settings.costCurrency}`,
    ...e.variants.map(
      (v) =>
        `  variant ${v.key}${v.control ? ' (champion)' : ''}: ${v.name}, weight ${v.weight}, config ${JSON.stringify(v.config)}, ${e.assignments
          .filter((a) => a.variant === v.key)
          .reduce((s, a) => s + a.accounts, 0)} accounts`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

export const experimentCreateCommand: Command = {
  words: ['experiment', 'create'],
  usage:
    'arbor experiment create CODE --name NAME --variant KEY[:WEIGHT]... [--control KEY] [--config KEY=JSON]... [--seed N] [--stratify segment|customer_type|collector] [--segments A,B] [--customer-type business|consumer] [--collectors X,Y] [--past-due-only] [--paid-within N] [--cost CHANNEL=AMOUNT,...] [--cost-currency CUR] [--subject dunning] [--description TEXT]',
  summary: 'a champion/challenger experiment (draft): variants, weights, seed, strata, population',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        name: { type: 'string' },
        variant: { type: 'string', multiple: true },
        control: { type: 'string' },
        config: { type: 'string', multiple: true },
        seed: { type: 'string' },
        stratify: { type: 'string' },
        segments: { type: 'string' },
        'customer-type': { type: 'string' },
        collectors: { type: 'string' },
        'past-due-only': { type: 'boolean' },
        'paid-within': { type: 'string' },
        cost: { type: 'string' },
        'cost-currency': { type: 'string' },
        subject: { type: 'string' },
        description: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    if (typeof values.name !== 'string') throw bad(`--name is required\nusage: ${this.usage}`);
    const configs = new Map<string, Record<string, unknown>>();
    for (const c of (values.config as string[] | undefined) ?? []) {
      const eq = c.indexOf('=');
      if (eq < 1) throw bad(`--config must be KEY=JSON, not "${c}"`);
      try {
        const parsed = JSON.parse(c.slice(eq + 1)) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('not an object');
        configs.set(c.slice(0, eq), parsed as Record<string, unknown>);
      } catch {
        throw bad(`--config ${c.slice(0, eq)}: the value must be a JSON object`);
      }
    }
    const variants: VariantInput[] = ((values.variant as string[] | undefined) ?? []).map((v) => {
      const [key = '', weight] = v.split(':');
      const w = weight === undefined ? undefined : Number(weight);
      if (w !== undefined && !Number.isInteger(w))
        throw bad(`--variant ${v}: the weight must be a whole number`);
      return {
        key,
        ...(w !== undefined ? { weight: w } : {}),
        ...(values.control === key ? { control: true } : {}),
        ...(configs.has(key) ? { config: configs.get(key) as Record<string, unknown> } : {}),
      };
    });
    if (values.control !== undefined && !variants.some((v) => v.key === values.control))
      throw bad(`--control ${values.control} is not one of the variants`);
    const stratify = values.stratify as string | undefined;
    if (stratify !== undefined && !['segment', 'customer_type', 'collector'].includes(stratify))
      throw bad(`--stratify must be segment, customer_type or collector, not "${stratify}"`);
    const customerType = values['customer-type'] as string | undefined;
    if (customerType !== undefined && customerType !== 'business' && customerType !== 'consumer')
      throw bad(`--customer-type must be business or consumer, not "${customerType}"`);
    const seedText = values.seed as string | undefined;
    if (seedText !== undefined && !/^\d{1,15}$/.test(seedText))
      throw bad(`--seed must be a whole number, not "${seedText}"`);
    const costs: Record<string, string> = {};
    for (const part of list(values.cost) ?? []) {
      const [channel, amount] = part.split('=');
      if (!channel || amount === undefined) throw bad(`--cost must be CHANNEL=AMOUNT,…, not "${part}"`);
      costs[channel] = amount;
    }
    const paidWithin = values['paid-within'] === undefined ? undefined : Number(values['paid-within']);
    const segments = list(values.segments);
    const collectors = list(values.collectors);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const e = await createExperiment(ctx, {
        code: positionals[0] as string,
        name: values.name,
        ...(typeof values.description === 'string' ? { description: values.description } : {}),
        ...(typeof values.subject === 'string' ? { subject: values.subject } : {}),
        ...(seedText !== undefined ? { seed: BigInt(seedText) } : {}),
        stratifyBy: (stratify as 'segment' | 'customer_type' | 'collector' | undefined) ?? null,
        population: {
          ...(segments ? { segments } : {}),
          ...(customerType ? { customerType: customerType as 'business' | 'consumer' } : {}),
          ...(collectors ? { collectors } : {}),
          ...(values['past-due-only'] === true ? { pastDueOnly: true } : {}),
        },
        settings: {
          ...(paidWithin !== undefined ? { paidWithinDays: paidWithin } : {}),
          ...(Object.keys(costs).length > 0 ? { costs } : {}),
          ...(typeof values['cost-currency'] === 'string' ? { costCurrency: values['cost-currency'] } : {}),
        },
        variants,
      });
      input.io.stdout.write(describeExperiment(e));
      input.io.stdout.write(`next: arbor experiment start ${e.code}\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

function lifecycle(
  words: string[],
  summary: string,
  act: (
    ctx: Parameters<typeof startExperiment>[0],
    id: string,
    date: { date?: import('../../core/local-date.ts').LocalDate },
  ) => Promise<Experiment | { experiment: Experiment; added: number }>,
): Command {
  return {
    words,
    usage: `arbor ${words.join(' ')} ID [--date DATE]`,
    summary,
    async run(input) {
      const { values, positionals, global } = parseCommandArgs(
        input,
        this,
        { date: { type: 'string' } },
        { min: 1, max: 1 },
      );
      const date = parseDateOption('date', values.date);
      const { ctx, close } = await openContext(global, input.io);
      try {
        const r = await act(ctx, positionals[0] as string, date ? { date } : {});
        if ('added' in r) {
          input.io.stdout.write(`assigned ${r.added} new account(s)\n`);
          input.io.stdout.write(describeExperiment(r.experiment));
        } else input.io.stdout.write(describeExperiment(r));
        return EXIT.ok;
      } finally {
        await close();
      }
    },
  };
}

export const experimentStartCommand = lifecycle(
  ['experiment', 'start'],
  'start a draft: assign the eligible accounts at random (seeded, stratified)',
  startExperiment,
);
export const experimentAssignCommand = lifecycle(
  ['experiment', 'assign'],
  'assign accounts that became eligible since the start (others keep their variant)',
  assignNewAccounts,
);
export const experimentStopCommand = lifecycle(
  ['experiment', 'stop'],
  'stop a running experiment (dunning goes back to its default)',
  stopExperiment,
);

export const experimentListCommand: Command = {
  words: ['experiment', 'list'],
  usage: 'arbor experiment list',
  summary: 'experiments with their variants and assignments',
  async run(input) {
    const { global } = parseCommandArgs(input, this, {}, { min: 0, max: 0 });
    const { ctx, close } = await openContext(global, input.io);
    try {
      for (const e of await listExperiments(ctx.database.db, ctx.tenantId))
        input.io.stdout.write(describeExperiment(e));
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const experimentShowCommand: Command = {
  words: ['experiment', 'show'],
  usage: 'arbor experiment show ID',
  summary: 'one experiment',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    const { ctx, close } = await openContext(global, input.io);
    try {
      input.io.stdout.write(
        describeExperiment(await getExperiment(ctx.database.db, ctx.tenantId, positionals[0] as string)),
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

const pct = (x: number | null) => (x === null ? '' : `${(x * 100).toFixed(1)} %`);
const num = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '' : x.toFixed(digits);
const pValue = (p: number | undefined) =>
  p === undefined ? 'n/a' : p < 0.0001 ? p.toExponential(2) : p.toFixed(4);

export function reportToJson(r: ExperimentReport) {
  const money = (rec: Record<string, bigint>) =>
    Object.fromEntries(Object.entries(rec).map(([c, v]) => [c, formatAmount(v, c as CurrencyCode)]));
  return {
    experiment: {
      id: r.experiment.id,
      code: r.experiment.code,
      name: r.experiment.name,
      status: r.experiment.status,
    },
    start: r.start,
    end: r.end,
    checkpoint: r.checkpoint,
    paid_within_days: r.paidWithinDays,
    horizon_reached: r.horizonReached,
    champion: r.champion,
    cost_currency: r.costCurrency,
    variants: r.variants.map((v) => ({
      variant: v.variant,
      accounts: v.accounts,
      accounts_with_balance: v.accountsWithBalance,
      start_balance: money(v.startBalance),
      cash_collected: money(v.collected),
      mean_collected_share: v.meanCollectedShare,
      paid_within_n: v.paidWithinN,
      paid_within_n_share: v.paidWithinNShare,
      past_due_accounts: v.pastDueAccounts,
      cured: v.cured,
      cured_share: v.curedShare,
      payers: v.payers,
      mean_days_to_pay: v.meanDaysToPay,
      median_days_to_pay: v.medianDaysToPay,
      roll_rate: v.rollRate,
      rolls: v.rolls.map((x) => ({
        from: x.from,
        start: x.startMinor.toString(),
        rolled: x.rolledMinor.toString(),
        rate: x.rate,
      })),
      contacts: v.contacts,
      contact_cost: formatAmount(v.contactCostMinor, r.costCurrency),
      contact_cost_per_account: formatAmount(v.costPerAccountMinor, r.costCurrency),
    })),
    comparisons: r.comparisons.map((c) => ({
      challenger: c.challenger,
      champion: c.champion,
      days_to_pay: c.daysToPay,
      paid_within_n: c.paidWithinN,
      cured: c.cured,
      collected_share: c.collectedShare,
    })),
  };
}

export const experimentReportCommand: Command = {
  words: ['experiment', 'report'],
  usage: 'arbor experiment report ID [--as-of DATE] [--format table|json]',
  summary: 'outcomes per variant (cash, days to pay, roll rates, cost of contact) with significance tests',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { 'as-of': { type: 'string' }, format: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json'], 'table');
    const asOf = parseDateOption('as-of', values['as-of']);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const r = await buildExperimentReport(ctx.database.db, ctx.tenantId, positionals[0] as string, {
        asOf: asOf ?? ctx.clock.today(),
      });
      const out = input.io.stdout;
      if (format === 'json') {
        out.write(`${JSON.stringify(reportToJson(r), null, 2)}\n`);
        return EXIT.ok;
      }
      out.write(
        `Experiment ${r.experiment.code}: ${r.experiment.name} (${r.experiment.status}), ${r.start} to ${r.end}; champion ${r.champion}\n`,
      );
      if (!r.horizonReached)
        out.write(
          `note: the window is shorter than ${r.paidWithinDays} days; "paid within" counts what is paid so far\n`,
        );
      out.write('\n');
      const money = (rec: Record<string, bigint>) =>
        Object.entries(rec)
          .map(([c, v]) => `${formatMoneyForDisplay(v, c as CurrencyCode)} ${c}`)
          .join('; ');
      await writeTabular('table', out, {
        name: 'Variants',
        columns: [
          { name: 'Variant' },
          { name: 'Accounts', align: 'right' },
          { name: 'With balance', align: 'right' },
          { name: 'Start balance' },
          { name: 'Cash collected' },
          { name: 'Collected %', align: 'right' },
          { name: `Paid ≤ ${r.paidWithinDays} d`, align: 'right' },
          { name: 'Cured', align: 'right' },
          { name: 'Days to pay (mean/median)', align: 'right' },
          { name: 'Roll rate', align: 'right' },
          { name: 'Contacts' },
          { name: `Cost (${r.costCurrency})`, align: 'right' },
          { name: 'Per account', align: 'right' },
        ],
        rows: r.variants.map((v) => [
          `${v.variant}${v.variant === r.champion ? ' (champion)' : ''}`,
          String(v.accounts),
          String(v.accountsWithBalance),
          money(v.startBalance),
          money(v.collected),
          pct(v.meanCollectedShare),
          `${v.paidWithinN} (${pct(v.paidWithinNShare)})`,
          `${v.cured}/${v.pastDueAccounts} (${pct(v.curedShare)})`,
          `${num(v.meanDaysToPay)} / ${num(v.medianDaysToPay)}`,
          pct(v.rollRate),
          Object.entries(v.contacts)
            .map(([k, n]) => `${n} ${k}`)
            .join(', '),
          formatMoneyForDisplay(v.contactCostMinor, r.costCurrency),
          formatMoneyForDisplay(v.costPerAccountMinor, r.costCurrency),
        ]),
      });
      out.write(
        '\nRoll rates from each bucket (share of its start balance unpaid and in a later bucket 30 days on):\n',
      );
      await writeTabular('table', out, {
        name: 'Rolls',
        columns: [
          { name: 'Variant' },
          ...(r.variants[0]?.rolls ?? []).map((x) => ({ name: x.from, align: 'right' as const })),
        ],
        rows: r.variants.map((v) => [v.variant, ...v.rolls.map((x) => pct(x.rate))]),
      });
      out.write('\nChallenger against champion (two-sided p-values):\n');
      await writeTabular('table', out, {
        name: 'Tests',
        columns: [
          { name: 'Challenger' },
          { name: 'Measure' },
          { name: 'Challenger', align: 'right' },
          { name: 'Champion', align: 'right' },
          { name: 'Difference', align: 'right' },
          { name: 'Test' },
          { name: 'Statistic', align: 'right' },
          { name: 'p', align: 'right' },
        ],
        rows: r.comparisons.flatMap((c) => [
          [
            c.challenger,
            'days to pay (accounts that paid)',
            num(c.daysToPay?.mean1),
            num(c.daysToPay?.mean2),
            num(c.daysToPay?.difference),
            'Welch t',
            c.daysToPay ? `t=${c.daysToPay.t.toFixed(3)}, df=${c.daysToPay.df.toFixed(1)}` : 'too few',
            pValue(c.daysToPay?.p),
          ],
          [
            c.challenger,
            `paid within ${r.paidWithinDays} days`,
            pct(c.paidWithinN?.p1 ?? null),
            pct(c.paidWithinN?.p2 ?? null),
            c.paidWithinN ? `${(c.paidWithinN.difference * 100).toFixed(1)} pts` : '',
            'two-proportion z',
            c.paidWithinN ? `z=${c.paidWithinN.z.toFixed(3)}` : 'n/a',
            pValue(c.paidWithinN?.p),
          ],
          [
            c.challenger,
            'cured by the end',
            pct(c.cured?.p1 ?? null),
            pct(c.cured?.p2 ?? null),
            c.cured ? `${(c.cured.difference * 100).toFixed(1)} pts` : '',
            'two-proportion z',
            c.cured ? `z=${c.cured.z.toFixed(3)}` : 'n/a',
            pValue(c.cured?.p),
          ],
          [
            c.challenger,
            'share of start balance collected',
            pct(c.collectedShare?.mean1 ?? null),
            pct(c.collectedShare?.mean2 ?? null),
            c.collectedShare ? `${(c.collectedShare.difference * 100).toFixed(1)} pts` : '',
            'Welch t',
            c.collectedShare
              ? `t=${c.collectedShare.t.toFixed(3)}, df=${c.collectedShare.df.toFixed(1)}`
              : 'too few',
            pValue(c.collectedShare?.p),
          ],
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const experimentCommands: readonly Command[] = [
  experimentCreateCommand,
  experimentStartCommand,
  experimentAssignCommand,
  experimentStopCommand,
  experimentListCommand,
  experimentShowCommand,
  experimentReportCommand,
];
