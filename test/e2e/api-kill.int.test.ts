import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import {
  type ApplyAttempt,
  applicationIdsIn,
  applyRequest,
  formatMinor,
  runApplyLoad,
  tallyAnswers,
  verifyApplyLoad,
} from '../support/apply-load.ts';
import {
  type ApplyScenario,
  ENV,
  findPgServer,
  loadAmountMinor,
  prepareApplyScenario,
} from '../support/apply-scenario.ts';
import { HttpClient, sleep } from '../support/http-load.ts';
import { runArbor, startServeProcess } from '../support/serve-process.ts';

/**
 * Acceptance (issue 5): `kill -9` of `arbor serve` while 32 clients apply receipts, then a restart on
 * the same database. Every write that was answered 2xx is there; nothing is half-written (each
 * request's application, journal entry, materialized amounts and idempotency record are all there or
 * none); a request that got no answer, sent again with its Idempotency-Key, is replayed if it had
 * committed and applied once if it had not; `arbor check` passes.
 *
 * On PGlite the kill lands on an embedded database mid-write: the restart is a test of its
 * durability in its data directory. ARBOR_API_KILL_AFTER_MS (default 5000) sets when the first kill
 * lands, ARBOR_API_KILL_ROUNDS (default 3) how many load-and-kill rounds run before the final restart.
 */
const CLIENTS = 32;
const KILL_AFTER_MS = Number(process.env.ARBOR_API_KILL_AFTER_MS ?? 5000);
const KILL_ROUNDS = Number(process.env.ARBOR_API_KILL_ROUNDS ?? 3);

const pg = await findPgServer();

async function killAndRestart(scenario: ApplyScenario) {
  // Several rounds of load and kill, each on the database the previous kill left: each kill is
  // another chance to land between a commit and its answer, the window a retry must get right.
  const attempts: ApplyAttempt[] = [];
  for (let round = 0; round < KILL_ROUNDS; round++) {
    const server = await startServeProcess(scenario.target, { ...ENV, ARBOR_DB_POOL: '16' });
    const client = new HttpClient(server.url, { sockets: CLIENTS * 2, token: scenario.token });
    let killed = false;
    const load = runApplyLoad({
      client,
      clients: CLIENTS,
      receipts: scenario.receipts,
      invoices: scenario.invoices,
      amountMinor: loadAmountMinor,
      stop: () => killed,
      seed: 3 + round,
    });
    const after = KILL_AFTER_MS + round * 1300;
    try {
      await sleep(after);
      const exit = server.kill9();
      killed = true;
      expect((await exit).signal).toBe('SIGKILL');
      const got = await load;
      attempts.push(...got);
      console.info(`[${scenario.engine}] round ${round + 1}: killed after ${after} ms:`, tallyAnswers(got));
    } finally {
      client.close();
    }
    for (const line of server.errors.slice(0, 3))
      console.error(`[${scenario.engine}] server error: ${line.slice(0, 2000)}`);
  }
  const answered = attempts.filter((a) => a.status !== null && a.status < 300);
  const unanswered = attempts.filter((a) => a.status === null);
  expect(answered.length).toBeGreaterThan(0);

  // The restart opens the same database: PostgreSQL has rolled back what was in flight; PGlite
  // recovers its data directory.
  const restarted = await startServeProcess(scenario.target, { ...ENV, ARBOR_DB_POOL: '16' });
  const again = new HttpClient(restarted.url, { sockets: 8, token: scenario.token });
  const replays = { committedBeforeKill: 0, appliedNow: 0, refusedNow: 0 };
  const answeredReplays: string[] = [];
  try {
    // A request with no answer, sent again: replayed if it had committed, else it runs now.
    for (const a of unanswered) {
      const receipt = scenario.receipts.find((r) => r.id === a.receiptId);
      if (!receipt) throw new Error(`unknown receipt ${a.receiptId}`);
      const { path, body } = applyRequest(receipt, a.invoice, formatMinor(a.amountMinor));
      const r = await again.request('POST', path, { body, headers: { 'idempotency-key': a.key } });
      expect(r.status, r.body).toBeLessThan(500);
      a.status = r.status;
      if (r.status < 300) {
        a.applicationIds = applicationIdsIn(r.body);
        a.okAnswers++;
        if (r.headers['idempotent-replayed'] === 'true') {
          a.replayedAnswers++;
          replays.committedBeforeKill++;
        } else replays.appliedNow++;
      } else replays.refusedNow++;
    }
    // An answered request sent again is replayed with the same answer: the answer was durable too.
    for (const a of answered.slice(-50)) {
      const receipt = scenario.receipts.find((r) => r.id === a.receiptId);
      if (!receipt) continue;
      const { path, body } = applyRequest(receipt, a.invoice, formatMinor(a.amountMinor));
      const r = await again.request('POST', path, { body, headers: { 'idempotency-key': a.key } });
      if (r.status !== 200 && r.status !== 201)
        answeredReplays.push(`${a.key}: ${r.status} ${r.body.slice(0, 200)}`);
      else if (r.headers['idempotent-replayed'] !== 'true') answeredReplays.push(`${a.key}: not a replay`);
      else if (applicationIdsIn(r.body).join(',') !== a.applicationIds.join(','))
        answeredReplays.push(`${a.key}: other applications ${applicationIdsIn(r.body).join(',')}`);
    }
  } finally {
    again.close();
  }
  console.info(`[${scenario.engine}] ${unanswered.length} requests without an answer, sent again:`, replays);
  expect((await restarted.stop()).code).toBe(0);
  expect(answeredReplays).toEqual([]);
  expect(restarted.errors).toEqual([]);

  const database = await openDatabase(scenario.target);
  try {
    const v = await verifyApplyLoad(database, attempts, scenario.baseline, {
      receiptIds: scenario.receipts.map((r) => r.id),
      invoices: scenario.invoices,
    });
    // Every 2xx write is there, and nothing is there that no answer (first or replayed) names.
    expect(v.missing).toEqual([]);
    expect(v.unclaimed).toEqual([]);
    expect(v.wrongRows).toEqual([]);
    // None half-written: materialized amounts match the rows, entries balance, keys have answers.
    expect(v.receiptsOff).toEqual([]);
    expect(v.itemsOff).toEqual([]);
    expect(v.unbalanced).toEqual([]);
    expect(v.keysWithoutAnswer).toBe(0);
    expect(v.appliedMinor).toBe(v.answeredMinor);
    expect(v.keysStoredOk).toBe(v.requestsOk);
  } finally {
    await database.close();
  }
  const check = await runArbor(scenario.target, ['check'], ENV);
  expect(check.code, check.out + check.err).toBe(0);
}

describe.skipIf(!pg.url)(
  `kill -9 of arbor serve under load, PostgreSQL${pg.url ? '' : ` (skipped: no PostgreSQL server answers at ${pg.tried}; set ARBOR_TEST_DATABASE_URL)`}`,
  () => {
    let scenario: ApplyScenario;
    beforeAll(async () => {
      scenario = await prepareApplyScenario('postgres', pg.url);
    }, 300_000);
    afterAll(async () => {
      await scenario?.dispose();
    });
    it('keeps every answered write and half-writes none', () => killAndRestart(scenario), 600_000);
  },
);

describe('kill -9 of arbor serve under load, PGlite (the embedded database killed mid-write)', () => {
  let scenario: ApplyScenario;
  beforeAll(async () => {
    scenario = await prepareApplyScenario('pglite', null);
  }, 300_000);
  afterAll(async () => {
    await scenario?.dispose();
  });
  it('keeps every answered write and half-writes none', () => killAndRestart(scenario), 600_000);
});
