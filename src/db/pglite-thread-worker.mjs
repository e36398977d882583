// The embedded engine on a thread of its own (src/db/pglite-thread.ts holds the other end and says
// why). Plain JavaScript: a worker thread does not inherit the TypeScript loader of `bin/arbor.js`.
// Each message is handed to PGlite as it comes; PGlite runs them one at a time in that order.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';

// The same parsers as the engine in the main thread (database.ts): int8 → BigInt, date and numeric
// as the text PostgreSQL wrote. BigInt values cross the thread boundary as they are.
const parsers = {
  [types.INT8]: (x) => BigInt(x),
  [types.DATE]: (x) => x,
  [types.NUMERIC]: (x) => x,
};

/** @type {PGlite} */
let pglite;
/** Open transactions by id: their PGlite handle and how to end them. */
const transactions = new Map();

function errorFields(error) {
  // Only plain values cross: PGlite's errors also carry the query options (functions).
  const fields = {};
  if (error && typeof error === 'object') {
    for (const [key, value] of Object.entries(error)) {
      if (value === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof value))
        fields[key] = value;
    }
  }
  return {
    name: error instanceof Error ? error.name : 'Error',
    message: error instanceof Error ? error.message : String(error),
    fields,
  };
}

function reply(id, result) {
  parentPort.postMessage({ id, ok: true, result });
}

function fail(id, error) {
  parentPort.postMessage({ id, ok: false, error: errorFields(error) });
}

async function handle(m) {
  switch (m.op) {
    case 'open': {
      pglite = new PGlite(workerData.dataDir, { parsers });
      await pglite.waitReady;
      return null;
    }
    case 'query': {
      const on = m.tx === undefined ? pglite : transactions.get(m.tx)?.tx;
      if (!on) throw new Error(`no open transaction ${m.tx}`);
      const r = await on.query(m.sql, m.params, { rowMode: m.rowMode ?? 'object' });
      return { rows: r.rows, affectedRows: r.affectedRows, fields: r.fields };
    }
    case 'exec': {
      const results = await pglite.exec(m.sql);
      return results.map((r) => ({ rows: r.rows, affectedRows: r.affectedRows, fields: r.fields }));
    }
    case 'begin': {
      const t = {};
      const begun = new Promise((resolve) => {
        t.done = pglite.transaction(async (tx) => {
          t.tx = tx;
          resolve();
          await new Promise((commit, rollback) => {
            t.commit = commit;
            t.rollback = rollback;
          });
        });
      });
      // A transaction that fails to begin rejects `done` before `begun` resolves.
      await Promise.race([begun, t.done]);
      transactions.set(m.tx, t);
      return null;
    }
    case 'commit':
    case 'rollback': {
      const t = transactions.get(m.tx);
      if (!t) throw new Error(`no open transaction ${m.tx}`);
      transactions.delete(m.tx);
      if (m.op === 'commit') {
        t.commit();
        await t.done;
      } else {
        t.rollback(new Error('rollback'));
        await t.done.catch(() => {});
      }
      return null;
    }
    case 'close': {
      if (pglite && !pglite.closed) await pglite.close();
      return null;
    }
    default:
      throw new Error(`unknown operation ${m.op}`);
  }
}

parentPort.on('message', (m) => {
  handle(m).then(
    (result) => reply(m.id, result),
    (error) => fail(m.id, error),
  );
});
