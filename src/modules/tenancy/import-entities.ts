import { sql } from 'kysely';
import { parseCurrency } from '../../core/currency.ts';
import { recordAudit } from '../audit/index.ts';
import type { ImportHandlerArgs, ImportOutcome, ImportSpec } from '../imports/index.ts';
import { findEntities, insertEntity } from './tenancy.service.ts';

export const ENTITIES_SPEC: ImportSpec = {
  kind: 'entities',
  required: ['code', 'name', 'currency'],
  optional: ['country'],
};

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/**
 * `arbor import entities` (INTERCHANGE.md §2.6): upserts legal entities; each new entity gets the
 * default chart of accounts. An entity that has postings cannot change its functional currency.
 */
export async function importEntities(args: ImportHandlerArgs): Promise<ImportOutcome> {
  const { tx, ctx, columns, issues } = args;
  const existing = new Map((await findEntities(tx, ctx.tenantId)).map((e) => [e.code.toUpperCase(), e]));
  const seen = new Map<string, number>();
  let created = 0;
  let updated = 0;
  let rows = 0;
  for await (const { line, fields } of args.rows) {
    rows++;
    const code = columns.get(fields, 'code');
    const name = columns.get(fields, 'name');
    if (!CODE.test(code)) {
      issues.add(
        line,
        'code',
        code ? `"${code}" is not a valid entity code (letters, digits, _ . -)` : 'is required',
      );
      continue;
    }
    if (!name) {
      issues.add(line, 'name', 'is required');
      continue;
    }
    const key = code.toUpperCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.add(line, 'code', `"${code}" appears twice in the file (first on line ${first})`);
      continue;
    }
    seen.set(key, line);
    const currency = issues.capture(line, 'currency', () => parseCurrency(columns.get(fields, 'currency')));
    if (!currency) continue;
    const countryText = columns.get(fields, 'country').toUpperCase();
    if (countryText && !/^[A-Z]{2}$/.test(countryText)) {
      issues.add(line, 'country', `"${countryText}" is not an ISO 3166 alpha-2 country code`);
      continue;
    }
    const country = countryText || null;
    const prior = existing.get(key);
    if (issues.count > 0) continue;
    if (!prior) {
      await insertEntity(tx, ctx, { code, name, currency, country });
      created++;
      continue;
    }
    if (prior.currency !== currency) {
      const posted = await sql<{ n: number }>`
        select count(*)::int as n from journal_entries where tenant_id = ${ctx.tenantId} and entity_id = ${prior.id}`.execute(
        tx,
      );
      if ((posted.rows[0]?.n ?? 0) > 0) {
        issues.add(
          line,
          'currency',
          `entity ${code} has postings; its currency cannot change from ${prior.currency}`,
        );
        continue;
      }
    }
    const nextCountry = columns.has('country') ? country : prior.country;
    if (prior.name === name && prior.currency === currency && prior.country === nextCountry) continue;
    await tx
      .updateTable('entities')
      .set({ name, currency, country: nextCountry, updated_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', prior.id)
      .execute();
    await recordAudit(tx, ctx.tenantId, [
      {
        actor: ctx.actor,
        action: 'entity.updated',
        objectType: 'entity',
        objectId: prior.id,
        before: { name: prior.name, currency: prior.currency, country: prior.country },
        after: { name, currency, country: nextCountry },
      },
    ]);
    updated++;
  }
  return { rows, summary: { created, updated } };
}
