import type pg from 'pg';

/**
 * Named prepared statements on a PostgreSQL server connection. Kysely sends every query as an unnamed
 * statement, which the server parses and plans again each time; for the short queries of an API
 * request that was about half of the server's time (bench:api, measured with
 * log_min_duration_statement: 2.7 ms of parse and bind out of 5.4 ms per application POST). Here a
 * query with parameters is sent under a name the first time a connection runs its text and by that
 * name afterwards, so the server parses it once per connection and, once its plan proves generic,
 * plans it once too.
 *
 * Bounded: at most `MAX_PER_CONNECTION` names per connection (a server process keeps each one's
 * plan), and only texts up to `MAX_TEXT` characters (short, frequent statements gain; a long report
 * query plans in no time next to its run). Not inside a transaction that changed planner settings
 * with `set local` (the aging report does): a plan cached there would carry them to other
 * transactions, and one cached elsewhere would ignore them. Not with a long string value (below).
 */
const MAX_PER_CONNECTION = 256;
const MAX_TEXT = 4000;
/**
 * A call with a string value longer than this goes unnamed, planned for its values. Such values are
 * lists (`anyText`: ids joined into one string that `string_to_array` splits): a custom plan folds
 * the split into a constant array, which PostgreSQL searches by hash, whereas a generic plan splits
 * the string again for every row it filters. The worklist's read of payment plans for 5,000
 * customers took 881 ms under the generic plan and 0.9 ms under a custom one (EXPLAIN ANALYZE on the
 * bench:worklist database); the server had switched to the generic plan after five calls.
 */
const MAX_NAMED_VALUE = 256;

/** Statement names by text, the same for every connection of the process. */
const names = new Map<string, string>();
/** Bounds `names` over a long run (connections come and go): then it starts again, under new names. */
const MAX_NAMES = 10_000;
let generation = 0;

function nameFor(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMES) {
      names.clear();
      generation++;
    }
    // A new generation never reuses a name a connection may still hold for another text.
    name = `arbor_${generation.toString(36)}_${names.size.toString(36)}`;
    names.set(text, name);
  }
  return name;
}

// Errors that leave a named statement unusable on its connection: its plan's result type changed
// (a migration altered a table), or the server no longer has it. The text then goes unnamed there.
const STALE = new Set(['0A000', '26000']);

/** Makes `client` send its parameterized queries as named prepared statements (see above). */
export function usePreparedStatements(client: pg.ClientBase): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const prepared = new Set<string>();
  const unnamed = new Set<string>();
  let plannerSettings = false;
  const patched = (...args: unknown[]): unknown => {
    const [text, values, callback] = args;
    if (typeof text === 'string') {
      const head = text.trimStart().slice(0, 9).toLowerCase();
      if (head.startsWith('set local')) plannerSettings = true;
      else if (head.startsWith('commit') || head.startsWith('rollback') || head.startsWith('begin'))
        plannerSettings = false;
      if (
        Array.isArray(values) &&
        values.length > 0 &&
        callback === undefined &&
        !plannerSettings &&
        text.length <= MAX_TEXT &&
        !values.some((v) => typeof v === 'string' && v.length > MAX_NAMED_VALUE) &&
        !unnamed.has(text) &&
        (prepared.has(text) || prepared.size < MAX_PER_CONNECTION)
      ) {
        prepared.add(text);
        const result = query({ name: nameFor(text), text, values }) as Promise<unknown>;
        return result.catch((error: unknown) => {
          const code = (error as { code?: unknown }).code;
          if (typeof code === 'string' && STALE.has(code)) {
            prepared.delete(text);
            unnamed.add(text);
          }
          throw error;
        });
      }
    }
    return query(...args);
  };
  client.query = patched as typeof client.query;
}
