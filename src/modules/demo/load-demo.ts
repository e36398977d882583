import type { ServiceContext } from '../../core/context.ts';
import { IMPORTERS } from '../importers/index.ts';
import { type ImportResult, runImport } from '../imports/index.ts';
import { tableFromRecords } from '../tabular/index.ts';
import { demoError } from './demo.errors.ts';
import { type DemoPortfolio, type DemoStats, generateDemoPortfolio } from './logic/generate-portfolio.ts';

export interface LoadDemoOptions {
  readonly seed: number;
  readonly customers: number;
  readonly months: number;
  /** Called as each file of the demo starts loading. */
  readonly onStep?: (step: string, rows: number) => void;
  /** Called as each file of the demo is loaded, with the seconds it took. */
  readonly onStepDone?: (step: string, seconds: number) => void;
}

export interface LoadDemoResult {
  readonly alreadyLoaded: boolean;
  readonly stats: DemoStats;
  readonly imports: readonly ImportResult[];
  readonly seconds: number;
}

const STEPS: readonly (keyof Omit<DemoPortfolio, 'stats'>)[] = [
  'entities',
  'customers',
  'parties',
  'invoices',
  'history',
];

/**
 * `arbor demo`: generates the portfolio and loads it through the same imports a customer's own files
 * go through (so the demo also exercises them). The portfolio is dated relative to the clock's today.
 * A database that already holds this demo is left as it is; one that holds other customers is refused.
 */
export async function loadDemo(ctx: ServiceContext, options: LoadDemoOptions): Promise<LoadDemoResult> {
  const started = performance.now();
  const portfolio = generateDemoPortfolio({
    seed: options.seed,
    today: ctx.clock.today(),
    customers: options.customers,
    months: options.months,
  });
  const ex = ctx.database.db;
  const prior = await ex
    .selectFrom('imports')
    .select(['id', 'file_name'])
    .where('tenant_id', '=', ctx.tenantId)
    .where('file_name', 'like', 'demo/%')
    .executeTakeFirst();
  const customers = await ex
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', ctx.tenantId)
    .executeTakeFirstOrThrow();
  if (prior) {
    return {
      alreadyLoaded: true,
      stats: portfolio.stats,
      imports: [],
      seconds: (performance.now() - started) / 1000,
    };
  }
  if (Number(customers.n) > 0) {
    throw demoError(
      'demo.database_not_empty',
      `${ctx.database.target} already has ${customers.n} customers; load the demo into a new database (--db DIR)`,
    );
  }
  const imports: ImportResult[] = [];
  for (const kind of STEPS) {
    const step = { kind, ...IMPORTERS[kind] };
    const records = portfolio[kind];
    if (records.length === 0) continue;
    options.onStep?.(step.kind, records.length);
    const header = [...step.spec.required, ...step.spec.optional].filter((c) => records.some((r) => c in r));
    const source = tableFromRecords(`demo/${step.kind}.csv`, header, records);
    const started = performance.now();
    imports.push(await runImport(ctx, step.spec, source, step.handler, { progress: false }));
    options.onStepDone?.(step.kind, (performance.now() - started) / 1000);
  }
  return {
    alreadyLoaded: false,
    stats: portfolio.stats,
    imports,
    seconds: (performance.now() - started) / 1000,
  };
}
