import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import type { JobStatus } from '../../db/schema-dunning.ts';
import { jobsError } from './jobs.errors.ts';
import { retryDelayMs } from './logic/retry-delay.ts';

/** One unit of scheduled work: a kind (`dunning.run`) for a tenant and a run date, done once. */
export interface Job {
  readonly tenantId: number;
  readonly id: string;
  readonly kind: string;
  readonly runDate: LocalDate;
  readonly payload: Record<string, unknown>;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly nextAttemptAt: Date;
  readonly lockedBy: string | null;
  readonly lastError: string | null;
  readonly result: Record<string, unknown> | null;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

const KIND = /^[a-z][a-z_.]{0,63}$/;

interface JobRow {
  tenant_id: number;
  id: string;
  kind: string;
  run_date: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date | string;
  locked_by: string | null;
  last_error: string | null;
  result: unknown;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  created_by: string;
  created_at: Date | string;
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const asDateOrNull = (v: Date | string | null) => (v === null ? null : asDate(v));
const asObject = (v: unknown) =>
  (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown> | null;

function toJob(r: JobRow): Job {
  return {
    tenantId: r.tenant_id,
    id: r.id,
    kind: r.kind,
    runDate: r.run_date as LocalDate,
    payload: asObject(r.payload) ?? {},
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    nextAttemptAt: asDate(r.next_attempt_at),
    lockedBy: r.locked_by,
    lastError: r.last_error,
    result: asObject(r.result),
    startedAt: asDateOrNull(r.started_at),
    finishedAt: asDateOrNull(r.finished_at),
    createdBy: r.created_by,
    createdAt: asDate(r.created_at),
  };
}

/**
 * Queues a job unless one of the same (tenant, kind, run date) exists: the unique key makes "run
 * the dunning of 2026-06-30" happen once however often it is asked for. Returns the job either way.
 */
export async function enqueueJob(
  ex: Executor,
  tenantId: number,
  input: {
    kind: string;
    runDate: LocalDate;
    createdBy: string;
    payload?: Record<string, unknown>;
    maxAttempts?: number;
    /** When it becomes due: "now" by the caller's clock (a fixed clock in tests and ARBOR_TODAY). */
    notBefore: Date;
  },
): Promise<{ job: Job; created: boolean }> {
  if (!KIND.test(input.kind)) throw jobsError('jobs.invalid_kind', `"${input.kind}" is not a job kind`);
  const inserted = await sql<JobRow>`
    insert into jobs (tenant_id, id, kind, run_date, payload, max_attempts, next_attempt_at, created_by)
    values (${tenantId}, ${`job_${ulid()}`}, ${input.kind}, ${input.runDate}::date,
      ${JSON.stringify(input.payload ?? {})}::jsonb, ${input.maxAttempts ?? 5},
      ${input.notBefore}, ${input.createdBy})
    on conflict (tenant_id, kind, run_date) do nothing
    returning *`.execute(ex);
  const row = inserted.rows[0];
  if (row) return { job: toJob(row), created: true };
  const existing = await findJob(ex, tenantId, input.kind, input.runDate);
  if (!existing) throw new Error('a conflicting job vanished');
  return { job: existing, created: false };
}

export async function findJob(
  ex: Executor,
  tenantId: number,
  kind: string,
  runDate: LocalDate,
): Promise<Job | null> {
  const r = await sql<JobRow>`select * from jobs where tenant_id = ${tenantId} and kind = ${kind}
    and run_date = ${runDate}::date`.execute(ex);
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

export async function findJobById(ex: Executor, tenantId: number, id: string): Promise<Job | null> {
  const r = await sql<JobRow>`select * from jobs where tenant_id = ${tenantId} and id = ${id}`.execute(ex);
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

/** The latest run date of a kind that finished, optionally only those before `before`. */
export async function findLastDoneRunDate(
  ex: Executor,
  tenantId: number,
  kind: string,
  options: { before?: LocalDate } = {},
): Promise<LocalDate | null> {
  const r = await sql<{ d: string | null }>`select max(run_date) as d from jobs
    where tenant_id = ${tenantId} and kind = ${kind} and status = 'done'
      ${options.before ? sql`and run_date < ${options.before}::date` : sql``}`.execute(ex);
  return (r.rows[0]?.d ?? null) as LocalDate | null;
}

/** Jobs newest run date first (then newest id), for lists and the API. */
export async function findJobs(
  ex: Executor,
  tenantId: number,
  options: {
    kind?: string | undefined;
    status?: JobStatus | undefined;
    limit: number;
    after?: [string, string];
  },
): Promise<Job[]> {
  const r = await sql<JobRow>`select * from jobs where tenant_id = ${tenantId}
      ${options.kind ? sql`and kind = ${options.kind}` : sql``}
      ${options.status ? sql`and status = ${options.status}` : sql``}
      ${options.after ? sql`and (run_date, id) < (${options.after[0]}::date, ${options.after[1]})` : sql``}
    order by run_date desc, id desc limit ${options.limit}`.execute(ex);
  return r.rows.map(toJob);
}

export interface ClaimOptions {
  readonly now: Date;
  /** How long the claim holds before another worker may take the job (a worker that died). */
  readonly leaseMs: number;
  readonly worker: string;
}

/**
 * Takes the next due job (queued and due, or running with an expired lease) for this worker: one
 * statement, `for update skip locked`, so two workers never take the same job. Counts the attempt.
 */
export async function claimNextJob(
  ex: Executor,
  options: ClaimOptions & { tenantId?: number; kinds?: readonly string[] },
): Promise<Job | null> {
  const r = await sql<JobRow>`
    update jobs j set status = 'running', attempts = j.attempts + 1, locked_by = ${options.worker},
      locked_until = ${new Date(options.now.getTime() + options.leaseMs)},
      next_attempt_at = ${new Date(options.now.getTime() + options.leaseMs)},
      started_at = coalesce(j.started_at, ${options.now})
    where (j.tenant_id, j.id) = (
      select tenant_id, id from jobs
      where status in ('queued', 'running') and next_attempt_at <= ${options.now}
        ${options.tenantId === undefined ? sql`` : sql`and tenant_id = ${options.tenantId}`}
        ${options.kinds ? sql`and kind = any(${[...options.kinds]}::text[])` : sql``}
      order by next_attempt_at, run_date, id
      limit 1 for update skip locked)
    returning j.*`.execute(ex);
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

/** Takes one given job if it can be taken now (not done, not failed, not leased by a live worker). */
export async function claimJob(
  ex: Executor,
  tenantId: number,
  id: string,
  options: ClaimOptions,
): Promise<Job | null> {
  const r = await sql<JobRow>`
    update jobs j set status = 'running', attempts = j.attempts + 1, locked_by = ${options.worker},
      locked_until = ${new Date(options.now.getTime() + options.leaseMs)},
      next_attempt_at = ${new Date(options.now.getTime() + options.leaseMs)},
      started_at = coalesce(j.started_at, ${options.now})
    where j.tenant_id = ${tenantId} and j.id = ${id}
      and (j.status = 'queued' or (j.status = 'running' and j.locked_until <= ${options.now}))
    returning j.*`.execute(ex);
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

export async function completeJob(
  ex: Executor,
  job: Job,
  result: Record<string, unknown>,
  now: Date,
): Promise<void> {
  await sql`update jobs set status = 'done', result = ${JSON.stringify(result)}::jsonb, finished_at = ${now},
      locked_by = null, locked_until = null, last_error = null
    where tenant_id = ${job.tenantId} and id = ${job.id}`.execute(ex);
}

/**
 * Records a failed attempt: the job goes back to the queue after a growing delay, or, after its
 * last attempt (or a failure that retrying cannot cure), it is failed for good.
 */
export async function failJob(
  ex: Executor,
  job: Job,
  error: string,
  now: Date,
  options: { permanent?: boolean } = {},
): Promise<{ status: 'queued' | 'failed'; nextAttemptAt: Date | null }> {
  const final = options.permanent === true || job.attempts >= job.maxAttempts;
  const next = final ? null : new Date(now.getTime() + retryDelayMs(job.attempts));
  await sql`update jobs set status = ${final ? 'failed' : 'queued'}, last_error = ${error.slice(0, 2000)},
      next_attempt_at = ${next ?? now}, locked_by = null, locked_until = null,
      finished_at = ${final ? now : null}
    where tenant_id = ${job.tenantId} and id = ${job.id}`.execute(ex);
  return { status: final ? 'failed' : 'queued', nextAttemptAt: next };
}

/** Puts a job that failed for good back in the queue, its attempts counted afresh (a person asked). */
export async function requeueJob(ex: Executor, job: Job, now: Date): Promise<void> {
  await sql`update jobs set status = 'queued', attempts = 0, next_attempt_at = ${now}, finished_at = null
    where tenant_id = ${job.tenantId} and id = ${job.id} and status = 'failed'`.execute(ex);
}

/** Turns the daily making of a job kind on or off for a tenant (the worker reads it). */
export async function setJobSchedule(
  ex: Executor,
  tenantId: number,
  kind: string,
  enabled: boolean,
  actor: string,
): Promise<void> {
  if (!KIND.test(kind)) throw jobsError('jobs.invalid_kind', `"${kind}" is not a job kind`);
  await sql`insert into job_schedules (tenant_id, kind, enabled, updated_by) values (${tenantId}, ${kind}, ${enabled}, ${actor})
    on conflict (tenant_id, kind) do update set enabled = excluded.enabled, updated_by = excluded.updated_by,
      updated_at = now()`.execute(ex);
}

/** Every (tenant, kind) made daily, across tenants (the worker acts as the owner, not a tenant). */
export async function findDailyJobKinds(
  ex: Executor,
  options: { tenantId?: number } = {},
): Promise<{ tenantId: number; kind: string }[]> {
  const r = await sql<{ tenant_id: number; kind: string }>`select tenant_id, kind from job_schedules
    where enabled ${options.tenantId === undefined ? sql`` : sql`and tenant_id = ${options.tenantId}`}
    order by tenant_id, kind`.execute(ex);
  return r.rows.map((x) => ({ tenantId: x.tenant_id, kind: x.kind }));
}

export async function isJobScheduled(ex: Executor, tenantId: number, kind: string): Promise<boolean> {
  const r = await sql<{ enabled: boolean }>`select enabled from job_schedules
    where tenant_id = ${tenantId} and kind = ${kind}`.execute(ex);
  return r.rows[0]?.enabled === true;
}
