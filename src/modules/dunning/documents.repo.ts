import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../../core/context.ts';
import { ulid } from '../../core/ids.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { anyText } from '../../db/bulk.ts';
import type { DatabaseKind } from '../../db/database.ts';
import type { DocumentKind } from '../../db/schema-dunning.ts';
import { writeRows } from './bulk-write.ts';

export interface NewDocument {
  readonly id: string;
  readonly customerId: string;
  readonly kind: DocumentKind;
  readonly title: string;
  readonly language: string;
  readonly asOf: LocalDate;
  readonly content: Buffer;
  readonly dedupeKey: string;
  readonly messageId: string | null;
  /** The content's SHA-256, when the caller has it already (computed here otherwise). */
  readonly sha256?: string;
}

export interface DocumentMeta {
  readonly id: string;
  readonly customerId: string;
  readonly accountNumber: string;
  readonly customerType: 'business' | 'consumer';
  readonly kind: DocumentKind;
  readonly title: string;
  readonly language: string;
  readonly asOf: LocalDate;
  readonly contentType: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly messageId: string | null;
  readonly createdBy: string;
  readonly createdAt: Date;
}

export const newDocumentId = () => `doc_${ulid()}`;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// A letter is a few kilobytes: a hundred per statement keeps each well under any packet limit.
const CHUNK = 100;

/** Stores documents with their SHA-256; one already stored under the same dedupe key is kept. */
export async function insertDocuments(
  ex: Executor,
  engine: DatabaseKind,
  tenantId: number,
  actor: string,
  documents: readonly NewDocument[],
): Promise<void> {
  const digest = (d: NewDocument) => d.sha256 ?? sha256Hex(d.content);
  await writeRows(
    ex,
    engine,
    'documents',
    [
      { name: 'tenant_id', type: 'integer', value: () => tenantId },
      { name: 'id', type: 'text', value: (d) => d.id },
      { name: 'customer_id', type: 'text', value: (d) => d.customerId },
      { name: 'kind', type: 'text', value: (d) => d.kind },
      { name: 'title', type: 'text', value: (d) => d.title },
      { name: 'language', type: 'text', value: (d) => d.language },
      { name: 'as_of', type: 'date', value: (d) => d.asOf },
      { name: 'content', type: 'text', value: (d) => d.content },
      { name: 'sha256', type: 'text', value: digest },
      { name: 'size_bytes', type: 'integer', value: (d) => d.content.length },
      { name: 'dedupe_key', type: 'text', value: (d) => d.dedupeKey },
      { name: 'message_id', type: 'text', value: (d) => d.messageId },
      { name: 'created_by', type: 'text', value: () => actor },
    ],
    documents,
    (chunk) =>
      ex
        .insertInto('documents')
        .values(
          chunk.map((d) => ({
            tenant_id: tenantId,
            id: d.id,
            customer_id: d.customerId,
            kind: d.kind,
            title: d.title,
            language: d.language,
            as_of: d.asOf,
            content: d.content,
            sha256: digest(d),
            size_bytes: d.content.length,
            dedupe_key: d.dedupeKey,
            message_id: d.messageId,
            created_by: actor,
          })),
        )
        .onConflict((oc) => oc.columns(['tenant_id', 'dedupe_key']).doNothing())
        .execute()
        .then(() => undefined),
    CHUNK,
  );
}

const META = [
  'd.id',
  'd.customer_id',
  'c.account_number',
  'c.customer_type',
  'd.kind',
  'd.title',
  'd.language',
  'd.as_of',
  'd.content_type',
  'd.sha256',
  'd.size_bytes',
  'd.message_id',
  'd.created_by',
  'd.created_at',
] as const;

type MetaRow = {
  id: string;
  customer_id: string;
  account_number: string;
  customer_type: 'business' | 'consumer';
  kind: DocumentKind;
  title: string;
  language: string;
  as_of: string;
  content_type: string;
  sha256: string;
  size_bytes: number;
  message_id: string | null;
  created_by: string;
  created_at: Date;
};

const toMeta = (r: MetaRow): DocumentMeta => ({
  id: r.id,
  customerId: r.customer_id,
  accountNumber: r.account_number,
  customerType: r.customer_type,
  kind: r.kind,
  title: r.title,
  language: r.language,
  asOf: r.as_of as LocalDate,
  contentType: r.content_type,
  sha256: r.sha256,
  sizeBytes: r.size_bytes,
  messageId: r.message_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export async function findDocumentRow(
  ex: Executor,
  tenantId: number,
  id: string,
): Promise<{ meta: DocumentMeta; content: Buffer } | null> {
  const r = await ex
    .selectFrom('documents as d')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'd.tenant_id').onRef('c.id', '=', 'd.customer_id'),
    )
    .select([...META, 'd.content'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  return { meta: toMeta(r), content: Buffer.from(r.content) };
}

/** A customer's documents, newest first, without their bytes. */
export async function findDocumentRows(
  ex: Executor,
  tenantId: number,
  filter: { customerId?: string; ids?: readonly string[]; limit: number; before?: string },
): Promise<DocumentMeta[]> {
  const rows = await ex
    .selectFrom('documents as d')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.tenant_id', '=', 'd.tenant_id').onRef('c.id', '=', 'd.customer_id'),
    )
    .select(META)
    .where('d.tenant_id', '=', tenantId)
    .$if(filter.customerId !== undefined, (q) => q.where('d.customer_id', '=', filter.customerId as string))
    .$if(filter.ids !== undefined, (q) => q.where('d.id', '=', anyText(filter.ids ?? [])))
    .$if(filter.before !== undefined, (q) => q.where('d.id', '<', filter.before as string))
    .orderBy('d.id', 'desc')
    .limit(filter.limit)
    .execute();
  return rows.map(toMeta);
}

/** Attachments of an email: the documents' bytes, in the order given. */
export async function findDocumentContents(
  ex: Executor,
  tenantId: number,
  ids: readonly string[],
): Promise<{ id: string; title: string; kind: DocumentKind; content: Buffer }[]> {
  if (ids.length === 0) return [];
  const r = await sql<{ id: string; title: string; kind: DocumentKind; content: Uint8Array }>`
    select id, title, kind, content from documents where tenant_id = ${tenantId} and id = ${anyText(ids)}`.execute(
    ex,
  );
  const byId = new Map(r.rows.map((x) => [x.id, x]));
  return ids
    .map((id) => byId.get(id))
    .filter((x) => x !== undefined)
    .map((x) => ({ id: x.id, title: x.title, kind: x.kind, content: Buffer.from(x.content) }));
}
