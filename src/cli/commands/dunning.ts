import { readFile } from 'node:fs/promises';
import { AppError } from '../../core/errors.ts';
import { addDays } from '../../core/local-date.ts';
import {
  defaultWorkerName,
  runDunningJobNow,
  runWorker,
  type WorkerDeps,
  workOnce,
} from '../../jobs/worker.ts';
import { recordAudit } from '../../modules/audit/index.ts';
import {
  createSmtpMailer,
  findDocuments,
  findDunningMessages,
  findOutbox,
  findStatementSchedules,
  findStrategies,
  findTemplates,
  getDocument,
  type Mailer,
  saveStrategy,
  saveTemplate,
  scheduleStatements,
  sendStatement,
} from '../../modules/dunning/index.ts';
import { findJobs, isJobScheduled, setJobSchedule } from '../../modules/jobs/index.ts';
import { type Command, parseCommandArgs } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFormat, withOutput, writeTabular } from '../output.ts';
import { clockFromEnv, openContext, openMigrated } from '../runtime.ts';
import { parseDateOption } from './report.ts';

const invalid = (message: string) => new AppError('cli.invalid_arguments', 'invalid', message);

export function smtpFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv) {
  const url = (values.smtp as string | undefined) ?? env.ARBOR_SMTP_URL;
  if (url !== undefined && !/^smtps?:\/\//.test(url))
    throw invalid(`--smtp must be an smtp:// or smtps:// URL, not "${url}"`);
  const from =
    (values.from as string | undefined) ?? env.ARBOR_MAIL_FROM ?? 'Accounts Receivable <ar@localhost>';
  return { url, from };
}

export const dunningRunCommand: Command = {
  words: ['dunning', 'run'],
  usage: 'arbor dunning run [--date DATE] [--format table|json]',
  summary: 'run dunning for a date (default today), catching up every day since the last run; once per date',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { date: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const runDate = parseDateOption('date', values.date) ?? ctx.clock.today();
      const { outcome, alreadyDone } = await runDunningJobNow(
        { database: ctx.database, clock: ctx.clock, mailer: null, from: '', tenantId: ctx.tenantId },
        runDate,
        ctx.actor,
      );
      const result = outcome.result ?? {};
      if (format === 'json') {
        input.io.stdout.write(
          `${JSON.stringify({ job: outcome.job.id, runDate, status: outcome.status, alreadyDone, error: outcome.error ?? null, result }, null, 2)}\n`,
        );
      } else if (outcome.status !== 'done') {
        input.io.stderr.write(
          `arbor: dunning run of ${runDate} failed (${outcome.status}): ${outcome.error}\n`,
        );
      } else if (alreadyDone) {
        input.io.stdout.write(
          `dunning of ${runDate} already ran (job ${outcome.job.id}): nothing sent again\n`,
        );
      } else if (typeof result.skipped === 'string') {
        input.io.stdout.write(`dunning of ${runDate}: nothing to do, ${result.skipped}\n`);
      } else {
        const r = result as Record<string, number | string>;
        input.io.stdout.write(
          [
            `dunning of ${runDate} (job ${outcome.job.id}), covering ${r.coversFrom} to ${runDate}` +
              (Number(r.missedDays) > 0 ? ` (${r.missedDays} missed day(s) caught up)` : ''),
            `  customers with something due: ${r.candidates}; paused: ${r.paused}; nothing owed: ${r.nothingOwed}`,
            `  notices: ${r.notices} (emails queued ${r.emails}, to print ${r.printed}); letters rendered: ${r.letters}`,
            `  call tasks: ${r.callTasks}; recommendations: ${r.recommendations}; deferred notices: ${r.deferred}`,
            `  items dunned: ${r.itemsDunned}; ${r.seconds} s`,
            '',
          ].join('\n'),
        );
      }
      return outcome.status === 'done' ? EXIT.ok : EXIT.unexpected;
    } finally {
      await close();
    }
  },
};

export const dunningScheduleCommand: Command = {
  words: ['dunning', 'schedule'],
  usage: 'arbor dunning schedule --daily | --off',
  summary: 'let the job worker run dunning every day (or stop it)',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { daily: { type: 'boolean' }, off: { type: 'boolean' } },
      { min: 0, max: 0 },
    );
    if (Boolean(values.daily) === Boolean(values.off)) throw invalid(`usage: ${this.usage}`);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const enabled = values.daily === true;
      await ctx.database.db.transaction().execute(async (tx) => {
        const before = await isJobScheduled(tx, ctx.tenantId, 'dunning.run');
        await setJobSchedule(tx, ctx.tenantId, 'dunning.run', enabled, ctx.actor);
        await recordAudit(tx, ctx.tenantId, [
          {
            actor: ctx.actor,
            action: 'job_schedule.set',
            objectType: 'job_schedule',
            objectId: 'dunning.run',
            before: { enabled: before },
            after: { enabled },
          },
        ]);
      });
      input.io.stdout.write(
        enabled
          ? 'dunning runs daily: `arbor jobs work` makes and runs each day’s run\n'
          : 'daily dunning stopped\n',
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const dunningStrategiesCommand: Command = {
  words: ['dunning', 'strategies'],
  usage: 'arbor dunning strategies [--format table|json]',
  summary: 'the dunning strategies with their steps, in the order customers are matched',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const strategies = await findStrategies(ctx);
      if (format === 'json') {
        input.io.stdout.write(`${JSON.stringify(strategies, null, 2)}\n`);
        return EXIT.ok;
      }
      for (const s of strategies) {
        const cond = [
          s.segments ? `segment ${s.segments.join('|')}` : null,
          s.customerTypes ? `type ${s.customerTypes.join('|')}` : null,
          s.riskClasses ? `risk ${s.riskClasses.join('|')}` : null,
        ].filter((x) => x !== null);
        input.io.stdout.write(
          `${s.name} (priority ${s.priority}${s.isDefault ? ', default' : ''}${s.active ? '' : ', inactive'})` +
            `${cond.length > 0 ? `: ${cond.join(', ')}` : ''}\n`,
        );
        await writeTabular('table', input.io.stdout, {
          name: s.name,
          columns: [
            { name: 'Day', align: 'right' },
            { name: 'Channel' },
            { name: 'Template' },
            { name: 'Letter' },
            { name: 'Recommendation' },
            { name: 'To' },
            { name: 'Cc' },
          ],
          rows: s.steps.map((x) => [
            String(x.dayOffset),
            x.channel,
            x.template ?? '',
            x.letterKind ?? '',
            x.recommendation ?? '',
            x.channel === 'call_task' ? '' : x.to.join(' '),
            x.channel === 'call_task' ? '' : x.cc.join(' '),
          ]),
        });
        input.io.stdout.write('\n');
      }
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const dunningStrategySetCommand: Command = {
  words: ['dunning', 'strategy', 'set'],
  usage: 'arbor dunning strategy set FILE.json',
  summary: 'create or replace a dunning strategy (by name) from a JSON file (docs/dunning.md)',
  async run(input) {
    const { positionals, global } = parseCommandArgs(input, this, {}, { min: 1, max: 1 });
    const path = positionals[0] as string;
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw invalid(`${path}: not a readable JSON file (${(e as Error).message})`);
    }
    const { ctx, close } = await openContext(global, input.io);
    try {
      const s = await saveStrategy(ctx, raw);
      input.io.stdout.write(`saved strategy ${s.name} (${s.id}) with ${s.steps.length} step(s)\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const dunningTemplatesCommand: Command = {
  words: ['dunning', 'templates'],
  usage: 'arbor dunning templates [--format table|json]',
  summary: 'the templates of dunning emails, letters and statements, per language',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const templates = await findTemplates(ctx);
      if (format === 'json') input.io.stdout.write(`${JSON.stringify(templates, null, 2)}\n`);
      else
        await writeTabular('table', input.io.stdout, {
          name: 'templates',
          columns: [{ name: 'Code' }, { name: 'Language' }, { name: 'Subject' }],
          rows: templates.map((x) => [x.code, x.language, x.subject]),
        });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const dunningTemplateSetCommand: Command = {
  words: ['dunning', 'template', 'set'],
  usage: 'arbor dunning template set CODE LANGUAGE --subject TEXT --body-file FILE',
  summary: 'create or replace a template in one language (merge fields: docs/dunning.md)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { subject: { type: 'string' }, 'body-file': { type: 'string' } },
      { min: 2, max: 2 },
    );
    if (typeof values.subject !== 'string' || typeof values['body-file'] !== 'string')
      throw invalid(`usage: ${this.usage}`);
    const body = await readFile(values['body-file'], 'utf8').catch((e: Error) => {
      throw invalid(`${values['body-file']}: ${e.message}`);
    });
    const { ctx, close } = await openContext(global, input.io);
    try {
      const t = await saveTemplate(ctx, positionals[0] as string, positionals[1] as string, {
        subject: values.subject,
        body,
      });
      input.io.stdout.write(`saved template ${t.code} (${t.language})\n`);
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const dunningMessagesCommand: Command = {
  words: ['dunning', 'messages'],
  usage: 'arbor dunning messages [--date DATE] [--limit N] [--format table|csv|json]',
  summary: 'notices and call tasks dunning made (of one run date), with their delivery status',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { date: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const runDate = parseDateOption('date', values.date);
    const limit = Number(values.limit ?? 200);
    if (!Number.isInteger(limit) || limit < 1) throw invalid('--limit must be a positive whole number');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const rows = await findDunningMessages(ctx, { limit, ...(runDate ? { runDate } : {}) });
      await writeTabular(format, input.io.stdout, {
        name: 'messages',
        columns: [
          { name: 'run_date' },
          { name: 'account' },
          { name: 'kind' },
          { name: 'day', align: 'right' },
          { name: 'channel' },
          { name: 'delivery' },
          { name: 'status' },
          { name: 'items', align: 'right' },
          { name: 'total_due' },
          { name: 'document' },
          { name: 'email' },
        ],
        rows: rows.map((m) => [
          m.runDate,
          m.accountNumber,
          m.kind,
          String(m.dayOffset),
          m.channel,
          m.delivery,
          m.status,
          String(m.itemCount),
          m.totals.map((x) => `${x.totalDue} ${x.currency}`).join('; '),
          m.documentId ?? '',
          m.emailId ?? '',
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const jobsWorkCommand: Command = {
  words: ['jobs', 'work'],
  usage:
    'arbor jobs work [--once] [--interval SECONDS] [--smtp smtp://HOST:PORT] [--from ADDRESS] (env: ARBOR_SMTP_URL, ARBOR_MAIL_FROM)',
  summary: 'the job worker: daily dunning runs, scheduled statements, the email outbox (SMTP, retries)',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        once: { type: 'boolean' },
        interval: { type: 'string' },
        smtp: { type: 'string' },
        from: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const interval = Number(values.interval ?? 60);
    if (!Number.isFinite(interval) || interval < 1) throw invalid('--interval must be at least 1 second');
    const smtp = smtpFrom(values, input.io.env);
    const database = await openMigrated(global.db);
    let mailer: Mailer | null = null;
    try {
      if (smtp.url) mailer = createSmtpMailer(smtp.url);
      else
        input.io.stderr.write(
          'arbor: no SMTP server (--smtp or ARBOR_SMTP_URL): emails stay in the outbox until a worker has one\n',
        );
      const log = (event: string, fields: Record<string, unknown>) =>
        input.io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
      const deps: WorkerDeps = {
        database,
        clock: clockFromEnv(input.io.env),
        mailer,
        from: smtp.from,
        worker: defaultWorkerName(),
        log,
      };
      if (values.once) {
        const summary = await workOnce(deps);
        const failed = summary.jobs.filter((j) => j.status !== 'done').length;
        input.io.stderr.write(
          `arbor: ${summary.jobs.length} job(s) run (${failed} not done), ${summary.scheduled} made today` +
            (summary.delivery
              ? `; emails sent ${summary.delivery.sent}, retrying ${summary.delivery.retried}, failed ${summary.delivery.failed}, waiting for the contact window ${summary.delivery.postponed}`
              : '') +
            '\n',
        );
        return failed > 0 ? EXIT.unexpected : EXIT.ok;
      }
      const stop = new AbortController();
      process.once('SIGTERM', () => stop.abort());
      process.once('SIGINT', () => stop.abort());
      log('worker.started', { interval, smtp: smtp.url ? smtp.url.replace(/\/\/[^@]*@/, '//***@') : null });
      await runWorker(deps, { intervalMs: interval * 1000, signal: stop.signal });
      log('worker.stopped', {});
      return EXIT.ok;
    } finally {
      await mailer?.close();
      await database.close();
    }
  },
};

export const jobsListCommand: Command = {
  words: ['jobs', 'list'],
  usage:
    'arbor jobs list [--kind KIND] [--status queued|running|done|failed] [--limit N] [--format table|csv|json]',
  summary: 'jobs (dunning runs, statement runs), newest run date first, with attempts and errors',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      {
        kind: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string' },
      },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const status = values.status as string | undefined;
    if (status !== undefined && !['queued', 'running', 'done', 'failed'].includes(status))
      throw invalid(`--status must be queued, running, done or failed, not "${status}"`);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const jobs = await findJobs(ctx.database.db, ctx.tenantId, {
        kind: values.kind as string | undefined,
        status: status as 'queued' | undefined,
        limit: Number(values.limit ?? 100),
      });
      await writeTabular(format, input.io.stdout, {
        name: 'jobs',
        columns: [
          { name: 'id' },
          { name: 'kind' },
          { name: 'run_date' },
          { name: 'status' },
          { name: 'attempts', align: 'right' },
          { name: 'next_attempt_at' },
          { name: 'last_error' },
        ],
        rows: jobs.map((j) => [
          j.id,
          j.kind,
          j.runDate,
          j.status,
          String(j.attempts),
          j.status === 'done' || j.status === 'failed' ? '' : j.nextAttemptAt.toISOString(),
          j.lastError ?? '',
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const documentShowCommand: Command = {
  words: ['document', 'show'],
  usage: 'arbor document show ID [--output FILE.pdf]',
  summary: 'a document exactly as it was sent (letter, statement): the PDF to a file or stdout',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { output: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const { ctx, close } = await openContext(global, input.io);
    try {
      const { meta, content } = await getDocument(ctx, positionals[0] as string);
      await withOutput(input.io.stdout, values.output as string | undefined, true, async (out) => {
        out.write(content);
      });
      input.io.stderr.write(
        `${meta.id}: ${meta.kind} for ${meta.accountNumber} as of ${meta.asOf} (${meta.language}), ` +
          `${meta.sizeBytes} bytes, sha256 ${meta.sha256}${values.output ? ` → ${values.output}` : ''}\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const documentListCommand: Command = {
  words: ['document', 'list'],
  usage: 'arbor document list [ACCOUNT] [--limit N] [--format table|csv|json]',
  summary: 'documents sent (letters, statements), newest first: all, or one customer’s',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { limit: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 1 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const docs = await findDocuments(ctx, {
        limit: Number(values.limit ?? 100),
        ...(positionals[0] ? { accountNumber: positionals[0] } : {}),
      });
      await writeTabular(format, input.io.stdout, {
        name: 'documents',
        columns: [
          { name: 'id' },
          { name: 'account' },
          { name: 'kind' },
          { name: 'as_of' },
          { name: 'language' },
          { name: 'bytes', align: 'right' },
          { name: 'title' },
        ],
        rows: docs.map((d) => [
          d.id,
          d.accountNumber,
          d.kind,
          d.asOf,
          d.language,
          String(d.sizeBytes),
          d.title,
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const statementScheduleCommand: Command = {
  words: ['statement', 'schedule'],
  usage: 'arbor statement schedule ACCOUNT --monthly [--day 1..31] | --weekly [--day 1..7] | --off',
  summary: 'send a customer statements on a schedule (monthly: default month end; weekly: default Monday)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      {
        monthly: { type: 'boolean' },
        weekly: { type: 'boolean' },
        off: { type: 'boolean' },
        day: { type: 'string' },
      },
      { min: 1, max: 1 },
    );
    const chosen = [values.monthly, values.weekly, values.off].filter(Boolean).length;
    if (chosen !== 1) throw invalid(`usage: ${this.usage}`);
    const day = values.day === undefined ? undefined : Number(values.day);
    if (day !== undefined && !Number.isInteger(day)) throw invalid('--day must be a whole number');
    const account = positionals[0] as string;
    const { ctx, close } = await openContext(global, input.io);
    try {
      const view = await scheduleStatements(
        ctx,
        account,
        values.off
          ? { off: true }
          : { frequency: values.monthly ? 'monthly' : 'weekly', ...(day === undefined ? {} : { day }) },
      );
      input.io.stdout.write(
        view
          ? `statements for ${view.accountNumber}: ${view.frequency} on day ${view.day}, next on ${view.nextRunDate}\n`
          : `statements for ${account}: no schedule\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const statementSchedulesCommand: Command = {
  words: ['statement', 'schedules'],
  usage: 'arbor statement schedules [--format table|csv|json]',
  summary: 'customers with statements on a schedule, and when each is next sent',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const { ctx, close } = await openContext(global, input.io);
    try {
      const rows = await findStatementSchedules(ctx);
      await writeTabular(format, input.io.stdout, {
        name: 'schedules',
        columns: [
          { name: 'account' },
          { name: 'frequency' },
          { name: 'day', align: 'right' },
          { name: 'next' },
          { name: 'last' },
          { name: 'active' },
        ],
        rows: rows.map((r) => [
          r.accountNumber,
          r.frequency,
          String(r.day),
          r.nextRunDate,
          r.lastRunDate ?? '',
          r.active ? 'yes' : 'no',
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const statementSendCommand: Command = {
  words: ['statement', 'send'],
  usage: 'arbor statement send ACCOUNT [--from DATE] [--to DATE]',
  summary: 'make a customer’s statement now (PDF, kept) and queue it by email (default: the last 30 days)',
  async run(input) {
    const { values, positionals, global } = parseCommandArgs(
      input,
      this,
      { from: { type: 'string' }, to: { type: 'string' } },
      { min: 1, max: 1 },
    );
    const { ctx, close } = await openContext(global, input.io);
    try {
      const to = parseDateOption('to', values.to) ?? ctx.clock.today();
      const from = parseDateOption('from', values.from) ?? addDays(to, -29);
      const sent = await sendStatement(ctx, positionals[0] as string, { from, to });
      input.io.stdout.write(
        sent.created
          ? `statement ${sent.from} – ${sent.to} for ${sent.accountNumber}: document ${sent.documentId}, ${sent.delivery === 'email' ? `queued as email ${sent.emailId}` : 'to print and post'}\n`
          : `statement to ${sent.to} for ${sent.accountNumber} already made: document ${sent.documentId}\n`,
      );
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const outboxListCommand: Command = {
  words: ['outbox', 'list'],
  usage: 'arbor outbox list [--status pending|sending|sent|failed] [--limit N] [--format table|csv|json]',
  summary: 'emails in the outbox, newest first: attempts, last error, next attempt',
  async run(input) {
    const { values, global } = parseCommandArgs(
      input,
      this,
      { status: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } },
      { min: 0, max: 0 },
    );
    const format = parseFormat(values.format as string | undefined, ['table', 'csv', 'json'], 'table');
    const status = values.status as string | undefined;
    if (status !== undefined && !['pending', 'sending', 'sent', 'failed', 'cancelled'].includes(status))
      throw invalid(`--status must be pending, sending, sent, failed or cancelled, not "${status}"`);
    const { ctx, close } = await openContext(global, input.io);
    try {
      const emails = await findOutbox(ctx, {
        status: status as 'pending' | undefined,
        limit: Number(values.limit ?? 100),
      });
      await writeTabular(format, input.io.stdout, {
        name: 'outbox',
        columns: [
          { name: 'id' },
          { name: 'status' },
          { name: 'to' },
          { name: 'subject' },
          { name: 'attempts', align: 'right' },
          { name: 'next_attempt_at' },
          { name: 'last_error' },
        ],
        rows: emails.map((e) => [
          e.id,
          e.status,
          e.to.join(' '),
          e.subject,
          String(e.attempts),
          e.status === 'pending' || e.status === 'sending' ? e.nextAttemptAt.toISOString() : '',
          e.lastError ?? '',
        ]),
      });
      return EXIT.ok;
    } finally {
      await close();
    }
  },
};

export const dunningCommands: Command[] = [
  dunningRunCommand,
  dunningScheduleCommand,
  dunningStrategiesCommand,
  dunningStrategySetCommand,
  dunningTemplatesCommand,
  dunningTemplateSetCommand,
  dunningMessagesCommand,
  jobsWorkCommand,
  jobsListCommand,
  documentShowCommand,
  documentListCommand,
  statementScheduleCommand,
  statementSchedulesCommand,
  statementSendCommand,
  outboxListCommand,
];
