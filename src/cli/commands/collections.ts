import type { ServiceContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { isLocalDate, type LocalDate } from '../../core/local-date.ts';
import { formatAmount, type Money } from '../../core/money.ts';
import {
  type ActivityKind,
  type ActivityView,
  cancelPaymentPlan,
  cancelPromise,
  cancelTask,
  changeDisputeStatus,
  collectionsError,
  completeTask,
  createPaymentPlan,
  createTask,
  DISPUTE_RESOLUTIONS,
  type DisputeResolution,
  type DisputeView,
  evaluateCollections,
  getCollectionsCustomer,
  getCreditHold,
  getDispute,
  getPaymentPlan,
  type HoldView,
  type InstalmentSpec,
  LOGGED_KINDS,
  type LoggedKind,
  listActivities,
  listCreditHolds,
  listDisputes,
  listPaymentPlans,
  listPromises,
  listTasks,
  logActivity,
  logCall,
  makePromise,
  openDispute,
  type PlanView,
  type PromiseStatus,
  type PromiseView,
  placeCreditHold,
  releaseCreditHold,
  resolveDispute,
  settleAccount,
  type TaskStatus,
} from '../../modules/collections/index.ts';
import { listUsers, type Principal, permissionsOf } from '../../modules/identity/index.ts';
import type { Command, CommandInput } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, writeTabular } from '../output.ts';
import { openContext } from '../runtime.ts';

/**
 * Collections on the command line: `arbor activity`, `task`, `promise`, `plan`, `settle`, `dispute`,
 * `hold` and `collections evaluate`. Each command is one call to a use case of modules/collections.
 * Customers are named by account number, items by number (or id). A call refused by the consumer
 * contact rules exits 4 (conflict) with the reason; bad input exits 2.
 */

const invalid = (message: string) => new AppError('cli.invalid_arguments', 'invalid', message);

function date(name: string, value: unknown): LocalDate | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !isLocalDate(value))
    throw invalid(`--${name} must be a date YYYY-MM-DD, not "${String(value)}"`);
  return value;
}

function wholeNumber(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value))
    throw invalid(`--${name} must be a whole number, not "${String(value)}"`);
  return Number(value);
}

const list = (value: unknown): string[] | undefined =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : undefined;

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Runs `fn` with a service context for the command's database, closing it afterwards. */
async function withContext(
  input: CommandInput,
  global: Parameters<typeof openContext>[0],
  fn: (ctx: ServiceContext) => Promise<number>,
): Promise<number> {
  const { ctx, close } = await openContext(global, input.io);
  try {
    return await fn(ctx);
  } finally {
    await close();
  }
}

/**
 * The user an adjustment is requested as (settlements, disputes resolved by credit memo or
 * write-off go through approvals): `--as USER`, else `ARBOR_USER`. The user's role and approval
 * limit decide, as they would over the API: within the limit the money moves now, above it an
 * approval request waits for another user.
 */
export async function principalOf(
  ctx: ServiceContext,
  input: CommandInput,
  as: string | undefined,
): Promise<Principal> {
  const name = as ?? input.io.env.ARBOR_USER;
  const user =
    name === undefined
      ? undefined
      : (await listUsers(ctx)).find((u) => u.username.toLowerCase() === name.toLowerCase());
  if (user?.status !== 'active')
    throw collectionsError(
      'collections.user_not_found',
      `${name === undefined ? 'no user given' : `no active user ${name}`}: this goes through approvals; name the user who asks with --as USER (or ARBOR_USER)`,
    );
  return {
    tenantId: ctx.tenantId,
    userId: user.id,
    username: user.username,
    role: user.role,
    permissions: permissionsOf(user.role),
    portfolioScoped: false,
    approvalLimitMinor: user.approvalLimitMinor,
    // The command line has no session; the principal stands for the named user at the terminal.
    via: 'session',
  };
}

const show = (m: Money) => `${formatAmount(m.amountMinor, m.currency)} ${m.currency}`;
const line = (out: NodeJS.WritableStream, text: string) => out.write(`${text}\n`);

const FORMATS = ['table', 'csv', 'json'] as const;

async function writeActivities(
  out: NodeJS.WritableStream,
  format: (typeof FORMATS)[number],
  rows: readonly ActivityView[],
  empty: string,
): Promise<void> {
  if (format === 'table' && rows.length === 0) {
    line(out, empty);
    return;
  }
  await writeTabular(format, out, {
    name: 'activities',
    columns: [
      { name: 'id' },
      { name: 'account' },
      { name: 'kind' },
      { name: 'when' },
      { name: 'outcome' },
      { name: 'conversation' },
      { name: 'due' },
      { name: 'assigned_to' },
      { name: 'status' },
      { name: 'contact' },
      { name: 'notes' },
    ],
    rows: rows.map((a) => [
      a.id,
      a.customer.accountNumber,
      a.kind,
      a.occurredAt.toISOString(),
      a.outcomeCode ?? '',
      a.kind === 'call' ? (a.conversation ? 'yes' : 'no') : '',
      a.dueDate ?? '',
      a.assignedTo ?? '',
      a.status,
      a.contactName ?? '',
      (a.notes ?? '').replace(/\s+/g, ' '),
    ]),
  });
}

function printPlan(out: NodeJS.WritableStream, p: PlanView): void {
  line(
    out,
    `plan ${p.id} ${p.customer.accountNumber}: ${show(p.total)}, ${p.status}, ${show(p.paid)} paid, grace ${p.graceDays} day(s), from ${p.startsOn}${p.endedOn ? `, ended ${p.endedOn}` : ''}`,
  );
  for (const i of p.instalments)
    line(
      out,
      `  ${String(i.seq).padStart(3)}  ${i.dueDate}  ${formatAmount(i.amountMinor, p.total.currency).padStart(12)}  paid ${formatAmount(i.paidMinor, p.total.currency).padStart(12)}  ${i.status}`,
    );
}

const disputeLine = (d: DisputeView) =>
  `dispute ${d.id} ${d.customer.accountNumber}${d.itemNumber ? ` ${d.itemNumber}` : ''}: ${show(d.amount)} ${d.reasonCode}, ${d.status}${d.awaitingApproval ? ` (waiting for approval ${d.approvalId})` : ''}${d.resolution ? `, ${d.resolution}` : ''}${d.owner ? `, owner ${d.owner}` : ''}${d.cycleDays !== null ? `, ${d.cycleDays} day(s)` : ''}`;

const promiseLine = (p: PromiseView) =>
  `promise ${p.id} ${p.customer.accountNumber}: ${show(p.amount)} by ${p.promisedDate}, ${p.status}, ${show(p.paid)} paid${p.resolvedOn ? ` (${p.resolvedOn})` : ''}`;

function holdLines(out: NodeJS.WritableStream, h: HoldView): void {
  line(
    out,
    h.hold
      ? `${h.customer.accountNumber}: on credit hold since ${h.hold.placedAt.toISOString()} by ${h.hold.placedBy}: ${h.hold.reason}`
      : `${h.customer.accountNumber}: not on credit hold`,
  );
  if (h.daysPastDue !== null)
    line(out, `  ${h.daysPastDue} day(s) past due: ${h.pastDue.map(show).join(', ')}`);
  line(out, `  suspension: ${h.suspension.recommended ? 'RECOMMENDED — ' : ''}${h.suspension.reason}`);
}

// ---------------------------------------------------------------------------------------------------

export const activityLogCommand: Command = {
  words: ['activity', 'log'],
  usage:
    'arbor activity log ACCOUNT --kind call|email|letter|note|escalation [--outcome CODE] [--conversation] [--contact NAME] [--notes TEXT] [--assign USER] [--items N1,N2] [--task ID]',
  summary: 'log a call (under the consumer contact rules), email, letter, note or escalation, now',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        kind: { type: 'string' },
        outcome: { type: 'string' },
        conversation: { type: 'boolean' },
        contact: { type: 'string' },
        notes: { type: 'string' },
        assign: { type: 'string' },
        items: { type: 'string' },
        task: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const kind = str(values.kind);
    if (kind !== 'call' && !LOGGED_KINDS.includes(kind as LoggedKind))
      throw invalid(`--kind must be one of call, ${LOGGED_KINDS.join(', ')}\nusage: ${this.usage}`);
    const account = positionals[0] as string;
    const common = {
      customer: { account },
      ...(str(values.contact) !== undefined ? { contactName: str(values.contact) as string } : {}),
      ...(str(values.notes) !== undefined ? { notes: str(values.notes) as string } : {}),
      ...(list(values.items) ? { itemIds: list(values.items) as string[] } : {}),
    };
    return withContext(input, global, async (ctx) => {
      let a: ActivityView;
      if (kind === 'call') {
        const outcome = str(values.outcome);
        if (outcome === undefined)
          throw invalid('a call needs --outcome (reached, left_message, no_answer, …)');
        a = await logCall(ctx, {
          ...common,
          outcome,
          conversation: values.conversation === true,
          ...(str(values.task) !== undefined ? { taskId: str(values.task) as string } : {}),
        });
      } else {
        if (values.conversation === true || values.task !== undefined)
          throw invalid('--conversation and --task go with --kind call');
        a = await logActivity(ctx, {
          ...common,
          kind: kind as LoggedKind,
          ...(str(values.outcome) !== undefined ? { outcome: str(values.outcome) as string } : {}),
          ...(str(values.assign) !== undefined ? { assignedTo: str(values.assign) as string } : {}),
        });
      }
      line(
        input.io.stdout,
        `logged ${a.kind} ${a.id} on ${account}${a.outcomeCode ? ` (${a.outcomeCode})` : ''}`,
      );
      return EXIT.ok;
    });
  },
};

export const activityListCommand: Command = {
  words: ['activity', 'list'],
  usage: 'arbor activity list ACCOUNT [--kind K1,K2] [--limit N] [--format table|csv|json]',
  summary: "an account's collections history, newest first",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { kind: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const format = parseFormat(str(values.format), FORMATS, 'table') as (typeof FORMATS)[number];
    const limit = wholeNumber('limit', values.limit);
    const kinds = list(values.kind) as ActivityKind[] | undefined;
    return withContext(input, global, async (ctx) => {
      const rows = await listActivities(
        ctx.database.db,
        ctx.tenantId,
        { account: positionals[0] as string },
        {
          ...(kinds ? { kinds } : {}),
          ...(limit !== undefined ? { limit } : {}),
        },
      );
      await writeActivities(input.io.stdout, format, rows, 'no activities');
      return EXIT.ok;
    });
  },
};

export const taskAddCommand: Command = {
  words: ['task', 'add'],
  usage: 'arbor task add ACCOUNT --due DATE --notes TEXT [--assign USER] [--items N1,N2]',
  summary: "a task on an account, due on a day (default assignee: the customer's collector)",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        due: { type: 'string' },
        notes: { type: 'string' },
        assign: { type: 'string' },
        items: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const due = date('due', values.due);
    if (!due) throw invalid(`--due DATE is required\nusage: ${this.usage}`);
    return withContext(input, global, async (ctx) => {
      const t = await createTask(ctx, {
        customer: { account: positionals[0] as string },
        dueDate: due,
        notes: str(values.notes) ?? '',
        ...(str(values.assign) !== undefined ? { assignedTo: str(values.assign) as string } : {}),
        ...(list(values.items) ? { itemIds: list(values.items) as string[] } : {}),
      });
      line(
        input.io.stdout,
        `task ${t.id} on ${t.customer.accountNumber}, due ${t.dueDate}, for ${t.assignedTo}`,
      );
      return EXIT.ok;
    });
  },
};

export const taskListCommand: Command = {
  words: ['task', 'list'],
  usage:
    'arbor task list [--assignee USER] [--due DATE] [--status open|done|cancelled] [--account ACCOUNT] [--format table|csv|json]',
  summary: 'tasks in due-date order (open by default); --due: due on or before DATE',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        assignee: { type: 'string' },
        due: { type: 'string' },
        status: { type: 'string' },
        account: { type: 'string' },
        format: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(str(values.format), FORMATS, 'table') as (typeof FORMATS)[number];
    const status = str(values.status) ?? 'open';
    if (!['open', 'done', 'cancelled'].includes(status))
      throw invalid('--status must be open, done or cancelled');
    const due = date('due', values.due);
    return withContext(input, global, async (ctx) => {
      const account = str(values.account);
      const customerId =
        account === undefined
          ? undefined
          : (await getCollectionsCustomer(ctx.database.db, ctx.tenantId, { account })).id;
      const rows = await listTasks(ctx.database.db, ctx.tenantId, {
        status: status as TaskStatus,
        limit: 1000,
        ...(str(values.assignee) !== undefined ? { assignee: str(values.assignee) as string } : {}),
        ...(due ? { dueBy: due } : {}),
        ...(customerId ? { customerId } : {}),
      });
      await writeActivities(input.io.stdout, format, rows, `no ${status} tasks`);
      return EXIT.ok;
    });
  },
};

export const taskDoneCommand: Command = {
  words: ['task', 'done'],
  usage: 'arbor task done ID [--call OUTCOME [--conversation] [--contact NAME] [--notes TEXT]] [--note TEXT]',
  summary: 'mark a task done; with --call, the call that worked it (refused outside the contact rules)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        call: { type: 'string' },
        conversation: { type: 'boolean' },
        contact: { type: 'string' },
        notes: { type: 'string' },
        note: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const outcome = str(values.call);
    if (
      outcome === undefined &&
      (values.conversation === true || values.contact !== undefined || values.notes !== undefined)
    )
      throw invalid('--conversation, --contact and --notes describe the call: give --call OUTCOME');
    return withContext(input, global, async (ctx) => {
      const t = await completeTask(ctx, positionals[0] as string, {
        ...(outcome !== undefined
          ? {
              call: {
                outcome,
                conversation: values.conversation === true,
                ...(str(values.contact) !== undefined ? { contactName: str(values.contact) as string } : {}),
                ...(str(values.notes) !== undefined ? { notes: str(values.notes) as string } : {}),
              },
            }
          : {}),
        ...(str(values.note) !== undefined ? { note: str(values.note) as string } : {}),
      });
      line(input.io.stdout, `task ${t.id} done${outcome ? ` (call: ${outcome})` : ''}`);
      return EXIT.ok;
    });
  },
};

export const taskCancelCommand: Command = {
  words: ['task', 'cancel'],
  usage: 'arbor task cancel ID [--reason TEXT]',
  summary: 'cancel an open task',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { reason: { type: 'string' } },
      { min: 1, max: 1 },
    );
    return withContext(input, global, async (ctx) => {
      const reason = str(values.reason);
      const t = await cancelTask(ctx, positionals[0] as string, reason === undefined ? {} : { reason });
      line(input.io.stdout, `task ${t.id} cancelled`);
      return EXIT.ok;
    });
  },
};

export const promiseAddCommand: Command = {
  words: ['promise', 'add'],
  usage: 'arbor promise add ACCOUNT --amount AMOUNT --date DATE [--items N1,N2] [--notes TEXT]',
  summary: 'record a promise to pay AMOUNT by DATE (the account, or some items)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        amount: { type: 'string' },
        date: { type: 'string' },
        items: { type: 'string' },
        notes: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const amount = str(values.amount);
    const promisedDate = date('date', values.date);
    if (amount === undefined || !promisedDate)
      throw invalid(`--amount and --date are required\nusage: ${this.usage}`);
    return withContext(input, global, async (ctx) => {
      const p = await makePromise(ctx, {
        customer: { account: positionals[0] as string },
        amount,
        promisedDate,
        ...(list(values.items) ? { items: list(values.items) as string[] } : {}),
        ...(str(values.notes) !== undefined ? { notes: str(values.notes) as string } : {}),
      });
      line(input.io.stdout, promiseLine(p));
      return EXIT.ok;
    });
  },
};

export const promiseListCommand: Command = {
  words: ['promise', 'list'],
  usage: 'arbor promise list [ACCOUNT] [--status open|kept|broken|cancelled] [--format table|csv|json]',
  summary: 'promises to pay, oldest first',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { status: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 1 },
    );
    const format = parseFormat(str(values.format), FORMATS, 'table') as (typeof FORMATS)[number];
    const status = str(values.status);
    if (status !== undefined && !['open', 'kept', 'broken', 'cancelled'].includes(status))
      throw invalid('--status must be open, kept, broken or cancelled');
    return withContext(input, global, async (ctx) => {
      const account = positionals[0];
      const customerId =
        account === undefined
          ? undefined
          : (await getCollectionsCustomer(ctx.database.db, ctx.tenantId, { account })).id;
      const rows = await listPromises(ctx.database.db, ctx.tenantId, {
        limit: 1000,
        ...(status ? { status: status as PromiseStatus } : {}),
        ...(customerId ? { customerId } : {}),
      });
      if (format === 'table' && rows.length === 0) line(input.io.stdout, 'no promises');
      else
        await writeTabular(format, input.io.stdout, {
          name: 'promises',
          columns: [
            { name: 'id' },
            { name: 'account' },
            { name: 'amount', type: 'amount' },
            { name: 'currency' },
            { name: 'promised_date' },
            { name: 'status' },
            { name: 'paid', type: 'amount' },
            { name: 'made_on' },
            { name: 'resolved_on' },
          ],
          rows: rows.map((p) => [
            p.id,
            p.customer.accountNumber,
            formatAmount(p.amount.amountMinor, p.amount.currency),
            p.amount.currency,
            p.promisedDate,
            p.status,
            formatAmount(p.paid.amountMinor, p.paid.currency),
            p.madeOn,
            p.resolvedOn ?? '',
          ]),
        });
      return EXIT.ok;
    });
  },
};

export const promiseCancelCommand: Command = {
  words: ['promise', 'cancel'],
  usage: 'arbor promise cancel ID [--reason TEXT]',
  summary: 'withdraw an open promise',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { reason: { type: 'string' } },
      { min: 1, max: 1 },
    );
    return withContext(input, global, async (ctx) => {
      const reason = str(values.reason);
      line(
        input.io.stdout,
        promiseLine(
          await cancelPromise(ctx, positionals[0] as string, reason === undefined ? {} : { reason }),
        ),
      );
      return EXIT.ok;
    });
  },
};

/** `DATE=AMOUNT,DATE=AMOUNT`: a listed schedule. */
function parseSchedule(text: string): { dueDate: LocalDate; amount: string }[] {
  return text.split(',').map((part) => {
    const [due, amount] = part.split('=').map((s) => s.trim());
    if (!due || !isLocalDate(due) || !amount) throw invalid(`--schedule: "${part}" is not DATE=AMOUNT`);
    return { dueDate: due, amount };
  });
}

export const planCreateCommand: Command = {
  words: ['plan', 'create'],
  usage:
    'arbor plan create ACCOUNT [--amount AMOUNT] (--instalments N --every DAYS --start DATE | --schedule DATE=AMOUNT,...) [--grace DAYS] [--items N1,N2] [--agreed DATE] [--notes TEXT]',
  summary:
    'a payment plan: N equal instalments every DAYS from DATE (largest remainder), or a listed schedule',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        amount: { type: 'string' },
        instalments: { type: 'string' },
        every: { type: 'string' },
        start: { type: 'string' },
        schedule: { type: 'string' },
        grace: { type: 'string' },
        items: { type: 'string' },
        agreed: { type: 'string' },
        notes: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const count = wholeNumber('instalments', values.instalments);
    const every = wholeNumber('every', values.every);
    const start = date('start', values.start);
    const listed = str(values.schedule);
    let schedule: InstalmentSpec;
    if (listed !== undefined) {
      if (count !== undefined || every !== undefined || start !== undefined)
        throw invalid('give either --schedule, or --instalments, --every and --start');
      schedule = { kind: 'list', instalments: parseSchedule(listed) };
    } else {
      if (count === undefined || every === undefined || !start)
        throw invalid(
          `--instalments N, --every DAYS and --start DATE are required (or --schedule)\nusage: ${this.usage}`,
        );
      schedule = { kind: 'equal', count, everyDays: every, firstDueDate: start };
    }
    const grace = wholeNumber('grace', values.grace);
    const agreed = date('agreed', values.agreed);
    return withContext(input, global, async (ctx) => {
      const p = await createPaymentPlan(ctx, {
        customer: { account: positionals[0] as string },
        schedule,
        ...(str(values.amount) !== undefined ? { total: str(values.amount) as string } : {}),
        ...(grace !== undefined ? { graceDays: grace } : {}),
        ...(list(values.items) ? { items: list(values.items) as string[] } : {}),
        ...(agreed ? { startsOn: agreed } : {}),
        ...(str(values.notes) !== undefined ? { notes: str(values.notes) as string } : {}),
      });
      printPlan(input.io.stdout, p);
      return EXIT.ok;
    });
  },
};

export const planShowCommand: Command = {
  words: ['plan', 'show'],
  usage: 'arbor plan show ID|ACCOUNT',
  summary: 'a payment plan with its instalments (or every plan of an account)',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    const key = positionals[0] as string;
    return withContext(input, global, async (ctx) => {
      const plans = /^pln_[0-9A-Z]{26}$/.test(key)
        ? [await getPaymentPlan(ctx.database.db, ctx.tenantId, key)]
        : await listPaymentPlans(ctx.database.db, ctx.tenantId, { account: key });
      if (plans.length === 0) line(input.io.stdout, `no payment plans for ${key}`);
      for (const p of plans) printPlan(input.io.stdout, p);
      return EXIT.ok;
    });
  },
};

export const planCancelCommand: Command = {
  words: ['plan', 'cancel'],
  usage: 'arbor plan cancel ID [--reason TEXT]',
  summary: 'end an active payment plan by agreement',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { reason: { type: 'string' } },
      { min: 1, max: 1 },
    );
    return withContext(input, global, async (ctx) => {
      const reason = str(values.reason);
      printPlan(
        input.io.stdout,
        await cancelPaymentPlan(ctx, positionals[0] as string, reason === undefined ? {} : { reason }),
      );
      return EXIT.ok;
    });
  },
};

export const settleCommand: Command = {
  words: ['settle'],
  usage: 'arbor settle ACCOUNT --items N1,N2 --agreed AMOUNT [--pay-by DATE] [--note TEXT] [--as USER]',
  summary: 'settle items for an agreed amount; the rest is written off through approval',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        items: { type: 'string' },
        agreed: { type: 'string' },
        'pay-by': { type: 'string' },
        note: { type: 'string' },
        as: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const items = list(values.items);
    const agreed = str(values.agreed);
    if (!items || agreed === undefined)
      throw invalid(`--items and --agreed are required\nusage: ${this.usage}`);
    const payBy = date('pay-by', values['pay-by']);
    return withContext(input, global, async (ctx) => {
      const principal = await principalOf(ctx, input, str(values.as));
      const r = await settleAccount({ ...ctx, actor: principal.username }, principal, {
        customer: { account: positionals[0] as string },
        items,
        agreedAmount: agreed,
        ...(payBy ? { payBy } : {}),
        ...(str(values.note) !== undefined ? { note: str(values.note) as string } : {}),
      });
      line(
        input.io.stdout,
        r.status === 'applied'
          ? `settled: ${r.writtenOff ? show(r.writtenOff) : 'nothing'} written off${r.promiseId ? `; promise ${r.promiseId}` : ''}`
          : `waiting for approval ${r.approvalId}: nothing is written off until another user approves${r.promiseId ? `; promise ${r.promiseId}` : ''}`,
      );
      return EXIT.ok;
    });
  },
};

export const disputeOpenCommand: Command = {
  words: ['dispute', 'open'],
  usage:
    'arbor dispute open [ACCOUNT] [--item NUMBER] [--amount AMOUNT] --reason CODE [--owner USER] [--notes TEXT]',
  summary: 'open a dispute on an item (default amount: its open amount) or an account',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        item: { type: 'string' },
        amount: { type: 'string' },
        reason: { type: 'string' },
        owner: { type: 'string' },
        notes: { type: 'string' },
      },
      { min: 0, max: 1 },
    );
    const reasonCode = str(values.reason);
    if (reasonCode === undefined) throw invalid(`--reason CODE is required\nusage: ${this.usage}`);
    const account = positionals[0];
    if (account === undefined && values.item === undefined)
      throw invalid('name the ACCOUNT or the --item disputed');
    return withContext(input, global, async (ctx) => {
      const d = await openDispute(ctx, {
        reasonCode,
        ...(account !== undefined ? { customer: { account } } : {}),
        ...(str(values.item) !== undefined ? { item: str(values.item) as string } : {}),
        ...(str(values.amount) !== undefined ? { amount: str(values.amount) as string } : {}),
        ...(str(values.owner) !== undefined ? { owner: str(values.owner) as string } : {}),
        ...(str(values.notes) !== undefined ? { notes: str(values.notes) as string } : {}),
      });
      line(input.io.stdout, disputeLine(d));
      return EXIT.ok;
    });
  },
};

export const disputeStatusCommand: Command = {
  words: ['dispute', 'status'],
  usage: 'arbor dispute status ID [open|investigating|cancelled] [--owner USER] [--note TEXT]',
  summary: 'investigate, reopen or cancel a dispute, or hand it to another owner',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { owner: { type: 'string' }, note: { type: 'string' } },
      { min: 1, max: 2 },
    );
    const status = positionals[1];
    if (status !== undefined && !['open', 'investigating', 'cancelled'].includes(status))
      throw invalid('the status is open, investigating or cancelled');
    return withContext(input, global, async (ctx) => {
      const d = await changeDisputeStatus(ctx, positionals[0] as string, {
        ...(status !== undefined ? { status: status as 'open' | 'investigating' | 'cancelled' } : {}),
        ...(str(values.owner) !== undefined ? { owner: str(values.owner) as string } : {}),
        ...(str(values.note) !== undefined ? { note: str(values.note) as string } : {}),
      });
      line(input.io.stdout, disputeLine(d));
      return EXIT.ok;
    });
  },
};

export const disputeResolveCommand: Command = {
  words: ['dispute', 'resolve'],
  usage:
    'arbor dispute resolve ID --resolution credit_memo|write_off|rebill|collect --root-cause TEXT [--amount AMOUNT] [--reason-code CODE] [--rebill-invoice NUMBER] [--note TEXT] [--as USER]',
  summary: 'resolve a dispute; a credit memo or write-off goes through approvals (--as: who asks)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        resolution: { type: 'string' },
        'root-cause': { type: 'string' },
        amount: { type: 'string' },
        'reason-code': { type: 'string' },
        'rebill-invoice': { type: 'string' },
        note: { type: 'string' },
        as: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const resolution = str(values.resolution);
    if (!DISPUTE_RESOLUTIONS.includes(resolution as DisputeResolution))
      throw invalid(`--resolution must be one of ${DISPUTE_RESOLUTIONS.join(', ')}\nusage: ${this.usage}`);
    const rootCause = str(values['root-cause']);
    if (rootCause === undefined) throw invalid('--root-cause TEXT is required');
    return withContext(input, global, async (ctx) => {
      const needsApproval = resolution === 'credit_memo' || resolution === 'write_off';
      const principal = needsApproval ? await principalOf(ctx, input, str(values.as)) : null;
      const acting = principal ? { ...ctx, actor: principal.username } : ctx;
      const r = await resolveDispute(acting, principal, positionals[0] as string, {
        resolution: resolution as DisputeResolution,
        rootCause,
        ...(str(values.amount) !== undefined ? { amount: str(values.amount) as string } : {}),
        ...(str(values['reason-code']) !== undefined
          ? { reasonCode: str(values['reason-code']) as string }
          : {}),
        ...(str(values['rebill-invoice']) !== undefined
          ? { rebillInvoice: str(values['rebill-invoice']) as string }
          : {}),
        ...(str(values.note) !== undefined ? { note: str(values.note) as string } : {}),
      });
      line(input.io.stdout, disputeLine(r.dispute));
      if (r.outcome === 'pending')
        line(
          input.io.stdout,
          `waiting for approval ${r.dispute.approvalId}: no money moves until another user approves it`,
        );
      return EXIT.ok;
    });
  },
};

export const disputeListCommand: Command = {
  words: ['dispute', 'list'],
  usage:
    'arbor dispute list [--status open|investigating|resolved|cancelled|unresolved] [--owner USER] [--account ACCOUNT] [--format table|csv|json]',
  summary: 'disputes and deductions, oldest first, with cycle times',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        status: { type: 'string' },
        owner: { type: 'string' },
        account: { type: 'string' },
        format: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(str(values.format), FORMATS, 'table') as (typeof FORMATS)[number];
    const status = str(values.status);
    if (
      status !== undefined &&
      !['open', 'investigating', 'resolved', 'cancelled', 'unresolved'].includes(status)
    )
      throw invalid('--status must be open, investigating, resolved, cancelled or unresolved');
    return withContext(input, global, async (ctx) => {
      const account = str(values.account);
      const customerId =
        account === undefined
          ? undefined
          : (await getCollectionsCustomer(ctx.database.db, ctx.tenantId, { account })).id;
      const rows = await listDisputes(ctx.database.db, ctx.tenantId, {
        limit: 1000,
        ...(status ? { status: status as 'unresolved' } : {}),
        ...(str(values.owner) !== undefined ? { owner: str(values.owner) as string } : {}),
        ...(customerId ? { customerId } : {}),
      });
      if (format === 'table' && rows.length === 0) line(input.io.stdout, 'no disputes');
      else
        await writeTabular(format, input.io.stdout, {
          name: 'disputes',
          columns: [
            { name: 'id' },
            { name: 'account' },
            { name: 'item' },
            { name: 'amount', type: 'amount' },
            { name: 'currency' },
            { name: 'reason_code' },
            { name: 'owner' },
            { name: 'status' },
            { name: 'resolution' },
            { name: 'approval_id' },
            { name: 'opened_on' },
            { name: 'resolved_on' },
            { name: 'cycle_days', align: 'right' },
          ],
          rows: rows.map((d) => [
            d.id,
            d.customer.accountNumber,
            d.itemNumber ?? '',
            formatAmount(d.amount.amountMinor, d.amount.currency),
            d.amount.currency,
            d.reasonCode,
            d.owner ?? '',
            d.awaitingApproval ? `${d.status} (awaiting approval)` : d.status,
            d.resolution ?? '',
            d.approvalId ?? '',
            d.openedOn,
            d.resolvedOn ?? '',
            d.cycleDays === null ? '' : String(d.cycleDays),
          ]),
        });
      return EXIT.ok;
    });
  },
};

export const disputeShowCommand: Command = {
  words: ['dispute', 'show'],
  usage: 'arbor dispute show ID',
  summary: 'one dispute: status, owner, root cause, resolution, approval, cycle time',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    return withContext(input, global, async (ctx) => {
      const d = await getDispute(ctx.database.db, ctx.tenantId, positionals[0] as string);
      const out = input.io.stdout;
      line(out, disputeLine(d));
      if (d.rootCause) line(out, `  root cause: ${d.rootCause}`);
      if (d.notes) line(out, `  notes: ${d.notes.replace(/\n/g, '; ')}`);
      return EXIT.ok;
    });
  },
};

const holdCommand = (on: boolean): Command => ({
  words: ['hold', on ? 'on' : 'off'],
  usage: `arbor hold ${on ? 'on' : 'off'} ACCOUNT --reason TEXT`,
  summary: on
    ? "put a customer's credit on hold, with a reason"
    : "release a customer's credit hold, with a reason",
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { reason: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const reason = str(values.reason);
    if (reason === undefined) throw invalid(`--reason TEXT is required\nusage: ${this.usage}`);
    return withContext(input, global, async (ctx) => {
      const customer = { account: positionals[0] as string };
      const h = on
        ? await placeCreditHold(ctx, customer, { reason })
        : await releaseCreditHold(ctx, customer, { reason });
      holdLines(input.io.stdout, h);
      return EXIT.ok;
    });
  },
});

export const holdShowCommand: Command = {
  words: ['hold', 'show'],
  usage: 'arbor hold show ACCOUNT [--as-of DATE]',
  summary: 'whether the customer is on credit hold, days past due, and the suspension recommendation',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { 'as-of': { type: 'string' } },
      { min: 1, max: 1 },
    );
    const asOf = date('as-of', values['as-of']);
    return withContext(input, global, async (ctx) => {
      holdLines(
        input.io.stdout,
        await getCreditHold(
          ctx.database.db,
          ctx.tenantId,
          { account: positionals[0] as string },
          asOf ?? ctx.clock.today(),
        ),
      );
      return EXIT.ok;
    });
  },
};

export const holdListCommand: Command = {
  words: ['hold', 'list'],
  usage: 'arbor hold list [--as-of DATE]',
  summary: 'the accounts on credit hold, with the suspension recommendation',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { 'as-of': { type: 'string' } },
      { min: 0, max: 0 },
    );
    const asOf = date('as-of', values['as-of']);
    return withContext(input, global, async (ctx) => {
      const holds = await listCreditHolds(ctx.database.db, ctx.tenantId, asOf ?? ctx.clock.today());
      if (holds.length === 0) line(input.io.stdout, 'no accounts on credit hold');
      for (const h of holds) holdLines(input.io.stdout, h);
      return EXIT.ok;
    });
  },
};

export const collectionsEvaluateCommand: Command = {
  words: ['collections', 'evaluate'],
  usage: 'arbor collections evaluate [--as-of DATE]',
  summary: 'decide promises and payment plans from the cash applied; resolve disputes whose approval came',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { 'as-of': { type: 'string' } },
      { min: 0, max: 0 },
    );
    const asOf = date('as-of', values['as-of']);
    return withContext(input, global, async (ctx) => {
      const r = await evaluateCollections(ctx, asOf ?? ctx.clock.today());
      const out = input.io.stdout;
      for (const change of r.changes) line(out, change);
      line(
        out,
        `as of ${r.asOf}: promises ${r.promises.evaluated} open evaluated, ${r.promises.kept} kept, ${r.promises.broken} broken; plans ${r.plans.evaluated} active evaluated, ${r.plans.completed} completed, ${r.plans.broken} broken; disputes ${r.disputes.resolved} resolved, ${r.disputes.reopened} reopened`,
      );
      return EXIT.ok;
    });
  },
};

/** Every collections command, for src/cli/main.ts's COMMANDS. */
export const collectionsCommands: readonly Command[] = [
  activityLogCommand,
  activityListCommand,
  taskAddCommand,
  taskListCommand,
  taskDoneCommand,
  taskCancelCommand,
  promiseAddCommand,
  promiseListCommand,
  promiseCancelCommand,
  planCreateCommand,
  planShowCommand,
  planCancelCommand,
  settleCommand,
  disputeOpenCommand,
  disputeStatusCommand,
  disputeResolveCommand,
  disputeListCommand,
  disputeShowCommand,
  holdCommand(true),
  holdCommand(false),
  holdShowCommand,
  holdListCommand,
  collectionsEvaluateCommand,
];
