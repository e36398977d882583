import { Worker } from 'node:worker_threads';

/**
 * The embedded engine run on a worker thread, behind the part of PGlite's interface that Kysely's
 * PGlite dialect and `Database.exec` use (`query`, `exec`, `transaction`, `close`, `waitReady`).
 *
 * PGlite is WebAssembly that runs on the thread that calls it: while it executes a statement, that
 * thread does nothing else. A bulk import alternates between JavaScript (reading, checking and
 * encoding the next rows) and the engine (writing the previous ones), each waiting for the other.
 * With the engine on its own thread the two overlap on two cores, as they do with a PostgreSQL
 * server (docs/benchmarks.md). Every call crosses threads as a message (tens of microseconds), so
 * this is for long statements, not for many small ones: the import commands use it.
 */
export class ThreadedPGlite {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  #next = 0;
  #transactions = 0;
  #closed = false;
  #failure: Error | null = null;
  ready = false;
  readonly waitReady: Promise<void>;

  constructor(dataDir: string) {
    this.#worker = new Worker(new URL('./pglite-thread-worker.mjs', import.meta.url), {
      workerData: { dataDir },
    });
    this.#worker.on('message', (m: Reply) => {
      const waiting = this.#pending.get(m.id);
      if (!waiting) return;
      this.#pending.delete(m.id);
      if (m.ok) waiting.resolve(m.result);
      else waiting.reject(Object.assign(new Error(m.error.message), { name: m.error.name }, m.error.fields));
    });
    // A crashed thread fails what was waiting on it and everything after.
    const crash = (error: Error) => {
      this.#failure = error;
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', crash);
    this.#worker.on('exit', (code) => {
      if (!this.#closed) crash(new Error(`the embedded database's thread ended (exit code ${code})`));
    });
    this.waitReady = this.#call({ op: 'open' }).then(() => {
      this.ready = true;
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #call<T>(message: Omit<Request, 'id'>): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(new Error('the embedded database is closed'));
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#worker.postMessage({ ...message, id });
    });
  }

  query<T>(sql: string, params?: unknown[], options?: { rowMode?: 'object' | 'array' }): Promise<Results<T>> {
    return this.#call({ op: 'query', sql, params: params ?? [], rowMode: options?.rowMode ?? 'object' });
  }

  exec(sql: string): Promise<Results[]> {
    return this.#call({ op: 'exec', sql });
  }

  async transaction<T>(fn: (tx: ThreadTransaction) => Promise<T>): Promise<T> {
    const tx = ++this.#transactions;
    await this.#call({ op: 'begin', tx });
    const handle: ThreadTransaction = {
      query: <R>(sql: string, params?: unknown[], options?: { rowMode?: 'object' | 'array' }) =>
        this.#call<Results<R>>({
          op: 'query',
          sql,
          params: params ?? [],
          rowMode: options?.rowMode ?? 'object',
          tx,
        }),
    };
    let result: T;
    try {
      result = await fn(handle);
    } catch (e) {
      await this.#call({ op: 'rollback', tx });
      throw e;
    }
    await this.#call({ op: 'commit', tx });
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#call({ op: 'close' });
    } finally {
      this.#closed = true;
      await this.#worker.terminate();
    }
  }
}

export interface Results<T = Record<string, unknown>> {
  rows: T[];
  affectedRows?: number;
  fields: { name: string; dataTypeID: number }[];
}

/** What Kysely's dialect calls on a transaction. */
export interface ThreadTransaction {
  query<T>(sql: string, params?: unknown[], options?: { rowMode?: 'object' | 'array' }): Promise<Results<T>>;
}

interface Request {
  id: number;
  op: 'open' | 'query' | 'exec' | 'begin' | 'commit' | 'rollback' | 'close';
  sql?: string;
  params?: unknown[];
  rowMode?: 'object' | 'array';
  tx?: number;
}

type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; fields: Record<string, unknown> } };
