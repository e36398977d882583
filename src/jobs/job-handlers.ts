import type { ServiceContext } from '../core/context.ts';
import { addDays, type LocalDate } from '../core/local-date.ts';
import { runDunning, runScheduledStatements } from '../modules/dunning/index.ts';
import { findLastDoneRunDate, type Job } from '../modules/jobs/index.ts';

/** The kinds of job Arbor runs, each once per tenant and run date. */
export const JOB_KINDS = ['dunning.run', 'statements.run'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const isJobKind = (kind: string): kind is JobKind => (JOB_KINDS as readonly string[]).includes(kind);

/**
 * A job's work. Each handler is idempotent (the job may be retried after a crash): the dunning
 * ledger and the statements' dedupe keys make a second execution do nothing twice.
 */
export const JOB_HANDLERS: Readonly<
  Record<JobKind, (ctx: ServiceContext, job: Job) => Promise<Record<string, unknown>>>
> = {
  /**
   * Catches up: the run stands for every day since the last finished run (its "covers from"), so a
   * day the worker missed is dunned once, by the next run, not once per missed day. A run for a date
   * that a later finished run already covered does nothing.
   */
  'dunning.run': async (ctx, job) => {
    const later = await ctx.database.db
      .selectFrom('jobs')
      .select('run_date')
      .where('tenant_id', '=', job.tenantId)
      .where('kind', '=', 'dunning.run')
      .where('status', '=', 'done')
      .where('run_date', '>', job.runDate)
      .orderBy('run_date')
      .executeTakeFirst();
    if (later) return { skipped: `covered by the run of ${later.run_date}` };
    const last = await findLastDoneRunDate(ctx.database.db, job.tenantId, 'dunning.run', {
      before: job.runDate,
    });
    const coversFrom = last ? addDays(last, 1) : job.runDate;
    const result = await runDunning(ctx, { runDate: job.runDate, coversFrom });
    return { ...result, missedDays: missedDays(coversFrom, job.runDate) };
  },
  'statements.run': async (ctx, job) => runScheduledStatements(ctx, job.runDate),
};

function missedDays(from: LocalDate, to: LocalDate): number {
  let n = 0;
  for (let d = from; d < to && n < 100_000; d = addDays(d, 1)) n++;
  return n;
}
