import { hostname } from 'node:os';
import type { Clock } from '../core/clock.ts';
import type { ServiceContext } from '../core/context.ts';
import { isAppError } from '../core/errors.ts';
import type { LocalDate } from '../core/local-date.ts';
import type { Database } from '../db/database.ts';
import { recordAudit } from '../modules/audit/index.ts';
import { type DeliveryResult, deliverOutbox, dunningError, type Mailer } from '../modules/dunning/index.ts';
import {
  claimJob,
  claimNextJob,
  completeJob,
  enqueueJob,
  failJob,
  findDailyJobKinds,
  type Job,
  jobsError,
  requeueJob,
} from '../modules/jobs/index.ts';
import { isJobKind, JOB_HANDLERS } from './job-handlers.ts';

export interface WorkerDeps {
  readonly database: Database;
  readonly clock: Clock;
  /** The SMTP mailer; without one, emails stay in the outbox (pending) until a worker that has one. */
  readonly mailer: Mailer | null;
  /** The sender address of emails. */
  readonly from: string;
  /** Only this tenant's jobs and emails (default: every tenant's). */
  readonly tenantId?: number;
  readonly worker?: string;
  /** How long a job's claim holds (a worker that died gives it up after this). */
  readonly leaseMs?: number;
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
  /**
   * Runs each step (scheduling, one job, delivering the outbox) alone: inside `arbor serve --jobs` on
   * the embedded database, the server's request lock, so worker and requests take turns on its one
   * connection. Default: steps run as they come.
   */
  readonly exclusive?: <T>(step: () => Promise<T>) => Promise<T>;
}

const inTurn = <T>(deps: WorkerDeps, step: () => Promise<T>): Promise<T> =>
  deps.exclusive ? deps.exclusive(step) : step();

export interface JobOutcome {
  readonly job: Job;
  readonly status: 'done' | 'queued' | 'failed';
  readonly result?: Record<string, unknown>;
  readonly error?: string;
}

export interface WorkSummary {
  readonly scheduled: number;
  readonly jobs: readonly JobOutcome[];
  readonly delivery: DeliveryResult | null;
}

const LEASE_MS = 30 * 60_000;
export const defaultWorkerName = () => `worker:${hostname()}:${process.pid}`;

/** Makes today's jobs: the daily kinds each tenant switched on, and statements that fall due. */
export async function scheduleDueJobs(deps: WorkerDeps): Promise<number> {
  const db = deps.database.db;
  const today = deps.clock.today();
  let made = 0;
  const daily = await findDailyJobKinds(db, deps.tenantId === undefined ? {} : { tenantId: deps.tenantId });
  const statements = await db
    .selectFrom('statement_schedules')
    .select('tenant_id')
    .distinct()
    .where('active', '=', true)
    .where('next_run_date', '<=', today)
    .$if(deps.tenantId !== undefined, (q) => q.where('tenant_id', '=', deps.tenantId as number))
    .execute();
  const wanted = [
    ...daily.filter((d) => isJobKind(d.kind)),
    ...statements.map((s) => ({ tenantId: s.tenant_id, kind: 'statements.run' })),
  ];
  for (const w of wanted) {
    const { created } = await enqueueJob(db, w.tenantId, {
      kind: w.kind,
      runDate: today,
      createdBy: 'scheduler',
      notBefore: deps.clock.now(),
    });
    if (created) made++;
  }
  return made;
}

/** Runs one claimed job to its end: done, back in the queue after a delay, or failed for good. */
export async function executeJob(deps: WorkerDeps, job: Job): Promise<JobOutcome> {
  const db = deps.database.db;
  const ctx: ServiceContext = {
    database: deps.database,
    clock: deps.clock,
    tenantId: job.tenantId,
    actor: job.createdBy,
  };
  deps.log?.('job.started', { job: job.id, kind: job.kind, runDate: job.runDate, attempt: job.attempts });
  try {
    if (!isJobKind(job.kind)) throw jobsError('jobs.invalid_kind', `no handler for jobs of kind ${job.kind}`);
    const result = await JOB_HANDLERS[job.kind](ctx, job);
    await db.transaction().execute(async (tx) => {
      await completeJob(tx, job, result, deps.clock.now());
      await recordAudit(tx, job.tenantId, [
        {
          actor: deps.worker ?? defaultWorkerName(),
          action: 'job.done',
          objectType: 'job',
          objectId: job.id,
          before: { status: 'running', attempts: job.attempts },
          after: { status: 'done', kind: job.kind, run_date: job.runDate, result },
        },
      ]);
    });
    deps.log?.('job.done', { job: job.id, kind: job.kind, runDate: job.runDate, result });
    return { job, status: 'done', result };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Bad input does not get better by waiting; a database outage or a bug might.
    const permanent = isAppError(e) && ['invalid', 'not_found', 'forbidden'].includes(e.kind);
    const failed = await db.transaction().execute(async (tx) => {
      const f = await failJob(tx, job, message, deps.clock.now(), { permanent });
      await recordAudit(tx, job.tenantId, [
        {
          actor: deps.worker ?? defaultWorkerName(),
          action: f.status === 'failed' ? 'job.failed' : 'job.retry_scheduled',
          objectType: 'job',
          objectId: job.id,
          before: { status: 'running', attempts: job.attempts },
          after: {
            status: f.status,
            kind: job.kind,
            run_date: job.runDate,
            last_error: message,
            next_attempt_at: f.nextAttemptAt?.toISOString() ?? null,
          },
        },
      ]);
      return f;
    });
    deps.log?.('job.failed', { job: job.id, kind: job.kind, error: message, status: failed.status });
    return { job, status: failed.status, error: message };
  }
}

/** Takes and runs due jobs one after another until none is due. */
export async function processDueJobs(deps: WorkerDeps): Promise<JobOutcome[]> {
  const outcomes: JobOutcome[] = [];
  for (let i = 0; i < 10_000; i++) {
    const outcome = await inTurn(deps, async () => {
      const job = await claimNextJob(deps.database.db, {
        now: deps.clock.now(),
        leaseMs: deps.leaseMs ?? LEASE_MS,
        worker: deps.worker ?? defaultWorkerName(),
        ...(deps.tenantId === undefined ? {} : { tenantId: deps.tenantId }),
      });
      return job ? executeJob(deps, job) : null;
    });
    if (!outcome) break;
    outcomes.push(outcome);
  }
  return outcomes;
}

/**
 * One pass of the worker (`arbor jobs work --once`, or each tick of the loop): make today's jobs,
 * run the due ones (dunning runs, scheduled statements), then deliver the outbox.
 */
export async function workOnce(deps: WorkerDeps): Promise<WorkSummary> {
  const scheduled = await inTurn(deps, () => scheduleDueJobs(deps));
  const jobs = await processDueJobs(deps);
  let delivery: DeliveryResult | null = null;
  const mailer = deps.mailer;
  if (mailer)
    delivery = await inTurn(deps, () =>
      deliverOutbox({
        database: deps.database,
        clock: deps.clock,
        mailer,
        from: deps.from,
        actor: deps.worker ?? defaultWorkerName(),
        ...(deps.tenantId === undefined ? {} : { tenantId: deps.tenantId }),
      }),
    );
  if (delivery && delivery.sent + delivery.retried + delivery.failed + delivery.postponed > 0)
    deps.log?.('outbox.delivered', { ...delivery });
  return { scheduled, jobs, delivery };
}

/** The worker loop: a pass every `intervalMs` until `signal` aborts (SIGTERM), finishing the pass. */
export async function runWorker(
  deps: WorkerDeps,
  options: { intervalMs: number; signal: AbortSignal },
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      await workOnce(deps);
    } catch (e) {
      deps.log?.('worker.error', { error: e instanceof Error ? e.message : String(e) });
    }
    if (options.signal.aborted) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      options.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

/**
 * `arbor dunning run`: the dunning job of a run date, made if need be and run now in this process.
 * A job of that date already done is not run again (its result is returned); one another worker
 * holds is refused.
 */
export async function runDunningJobNow(
  deps: WorkerDeps & { tenantId: number },
  runDate: LocalDate,
  createdBy: string,
): Promise<{ outcome: JobOutcome; alreadyDone: boolean }> {
  if (runDate > deps.clock.today())
    throw dunningError(
      'dunning.invalid_date',
      `${runDate} is in the future: dunning runs for today or earlier`,
    );
  const db = deps.database.db;
  const { job } = await enqueueJob(db, deps.tenantId, {
    kind: 'dunning.run',
    runDate,
    createdBy,
    notBefore: deps.clock.now(),
  });
  // Asked for by hand, a run that gave up is tried again.
  if (job.status === 'failed') await requeueJob(db, job, deps.clock.now());
  if (job.status === 'done')
    return { outcome: { job, status: 'done', result: job.result ?? {} }, alreadyDone: true };
  const claimed = await claimJob(db, deps.tenantId, job.id, {
    now: deps.clock.now(),
    leaseMs: deps.leaseMs ?? LEASE_MS,
    worker: deps.worker ?? defaultWorkerName(),
  });
  if (!claimed)
    throw jobsError(
      'jobs.running',
      `the dunning run of ${runDate} is being run by ${job.lockedBy ?? 'another worker'}; try again later`,
    );
  return { outcome: await executeJob(deps, claimed), alreadyDone: false };
}
