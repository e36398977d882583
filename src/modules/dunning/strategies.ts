import type { Executor, ServiceContext } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import { recordAudit } from '../audit/index.ts';
import { PARTY_ROLES } from '../parties/index.ts';
import {
  type StrategyInput,
  type StrategyView,
  type TemplateInput,
  type TemplateView,
  ZStrategyInput,
  ZTemplateInput,
} from './contract.ts';
import { dunningError } from './dunning.errors.ts';
import {
  countStrategies,
  findStrategyRows,
  findTemplateRows,
  replaceSteps,
  upsertStrategyRow,
  upsertTemplate,
} from './dunning.repo.ts';
import {
  DEFAULT_CC_ROLES,
  DEFAULT_STRATEGY,
  DEFAULT_TEMPLATES,
  DEFAULT_TO_ROLES,
} from './logic/default-templates.ts';
import { unknownFields } from './logic/render-template.ts';

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** Runs `fn` in a transaction of its own, or in the caller's when there is one (an API request). */
async function inTransaction<T>(ctx: ServiceContext, fn: (tx: Executor) => Promise<T>): Promise<T> {
  const db = ctx.database.db;
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}

/**
 * Seeds a tenant's dunning on first use: the default templates (English and Spanish; those already
 * there are kept as edited) and, when the tenant has no strategy yet, the default strategy.
 */
export async function ensureDefaultStrategy(ex: Executor, tenantId: number): Promise<void> {
  for (const t of DEFAULT_TEMPLATES) await upsertTemplate(ex, tenantId, t, { keepExisting: true });
  if ((await countStrategies(ex, tenantId)) > 0) return;
  await writeStrategy(ex, tenantId, DEFAULT_STRATEGY);
}

async function writeStrategy(ex: Executor, tenantId: number, input: StrategyInput): Promise<string> {
  const id = await upsertStrategyRow(ex, tenantId, {
    id: `dst_${ulid()}`,
    name: input.name,
    priority: input.priority ?? 100,
    segments: input.segments ?? null,
    customerTypes: input.customerTypes ?? null,
    riskClasses: input.riskClasses ?? null,
    minDaysBetweenNotices: input.minDaysBetweenNotices ?? 0,
    active: input.active ?? true,
    isDefault: input.isDefault ?? false,
  });
  await replaceSteps(
    ex,
    tenantId,
    id,
    input.steps.map((s) => ({
      newId: `dsp_${ulid()}`,
      dayOffset: s.dayOffset,
      channel: s.channel,
      template: s.channel === 'call_task' ? null : (s.template ?? null),
      letterKind: s.channel === 'letter' ? (s.letterKind ?? null) : null,
      recommendation: s.recommendation ?? null,
      to: s.to ?? [...DEFAULT_TO_ROLES],
      cc: s.cc ?? [...DEFAULT_CC_ROLES],
    })),
  );
  return id;
}

export async function findStrategies(ctx: ServiceContext): Promise<StrategyView[]> {
  return inTransaction(ctx, async (tx) => {
    await ensureDefaultStrategy(tx, ctx.tenantId);
    return findStrategyRows(tx, ctx.tenantId);
  });
}

/** One strategy by id or name. */
export async function getStrategy(ctx: ServiceContext, idOrName: string): Promise<StrategyView> {
  const found = (await findStrategies(ctx)).find((s) => s.id === idOrName || s.name === idOrName);
  if (!found) throw dunningError('dunning.strategy_not_found', `no dunning strategy "${idOrName}"`);
  return found;
}

/**
 * Creates or replaces a strategy (by name) with its steps. Steps keep their ids while their day is
 * unchanged, so the ledger's record of what was sent stays attached to them. Checked: one step per
 * day, emails and letters name a template that exists, letters say what kind of letter, recipients
 * name known party roles; a call task has neither template nor recipients.
 */
export async function saveStrategy(ctx: ServiceContext, raw: unknown): Promise<StrategyView> {
  const parsed = ZStrategyInput.safeParse(raw);
  if (!parsed.success)
    throw dunningError(
      'dunning.invalid_strategy',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(strategy)'}: ${i.message}`).join('; '),
      { issues: parsed.error.issues.map((i) => ({ column: i.path.join('.'), message: i.message })) },
    );
  const input = parsed.data;
  return inTransaction(ctx, async (tx) => {
    await ensureDefaultStrategy(tx, ctx.tenantId);
    const templates = await findTemplateRows(tx, ctx.tenantId);
    const problems: { column: string; message: string }[] = [];
    const seen = new Set<number>();
    input.steps.forEach((s, i) => {
      const at = `steps.${i}`;
      if (seen.has(s.dayOffset))
        problems.push({ column: at, message: `a second step on day ${s.dayOffset}` });
      seen.add(s.dayOffset);
      if (s.channel === 'call_task') {
        if (s.template) problems.push({ column: `${at}.template`, message: 'a call task has no template' });
      } else if (!s.template)
        problems.push({ column: `${at}.template`, message: `an ${s.channel} step needs a template` });
      else if (!templates.some((t) => t.code === s.template))
        problems.push({ column: `${at}.template`, message: `no template "${s.template}"` });
      if (s.channel === 'letter' && !s.letterKind)
        problems.push({ column: `${at}.letterKind`, message: 'a letter step needs letterKind' });
      for (const role of [...(s.to ?? []), ...(s.cc ?? [])]) {
        const [kind, name] = role.split(':');
        if (kind === 'party' && !(PARTY_ROLES as readonly string[]).includes(name ?? ''))
          problems.push({
            column: `${at}.to`,
            message: `"${role}": a party role is one of ${PARTY_ROLES.join(', ')}`,
          });
      }
    });
    if (problems.length > 0)
      throw dunningError(
        'dunning.invalid_strategy',
        problems.map((p) => `${p.column}: ${p.message}`).join('; '),
        { issues: problems },
      );
    const before = (await findStrategyRows(tx, ctx.tenantId)).find((s) => s.name === input.name) ?? null;
    const id = await writeStrategy(tx, ctx.tenantId, input);
    const after = (await findStrategyRows(tx, ctx.tenantId)).find((s) => s.id === id);
    if (!after) throw new Error(`strategy ${id} vanished`);
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: before ? 'dunning.strategy_updated' : 'dunning.strategy_created',
        objectType: 'dunning_strategy',
        objectId: id,
        before,
        after,
      },
    ]);
    return after;
  });
}

export async function findTemplates(ctx: ServiceContext): Promise<TemplateView[]> {
  return inTransaction(ctx, async (tx) => {
    await ensureDefaultStrategy(tx, ctx.tenantId);
    return findTemplateRows(tx, ctx.tenantId);
  });
}

/** Creates or replaces a template in one language; it may name only merge fields. */
export async function saveTemplate(
  ctx: ServiceContext,
  code: string,
  language: string,
  raw: unknown,
): Promise<TemplateView> {
  if (!/^[a-z0-9_]{1,64}$/.test(code))
    throw dunningError(
      'dunning.invalid_template',
      `"${code}": a template code is lower-case letters, digits, _`,
    );
  if (!LANGUAGE.test(language))
    throw dunningError('dunning.invalid_template', `"${language}" is not a language tag (en, es, es-MX)`);
  const parsed = ZTemplateInput.safeParse(raw);
  if (!parsed.success)
    throw dunningError(
      'dunning.invalid_template',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    );
  const input: TemplateInput = parsed.data;
  const unknown = [...new Set([...unknownFields(input.subject), ...unknownFields(input.body)])];
  if (unknown.length > 0)
    throw dunningError(
      'dunning.invalid_template',
      `unknown merge field(s): ${unknown.map((f) => `{{${f}}}`).join(', ')}`,
    );
  return inTransaction(ctx, async (tx) => {
    await ensureDefaultStrategy(tx, ctx.tenantId);
    const before =
      (await findTemplateRows(tx, ctx.tenantId)).find((t) => t.code === code && t.language === language) ??
      null;
    const view = { code, language, subject: input.subject, body: input.body };
    await upsertTemplate(tx, ctx.tenantId, view);
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'dunning.template_saved',
        objectType: 'dunning_template',
        objectId: `${code}/${language}`,
        before,
        after: view,
      },
    ]);
    return view;
  });
}
