import { makeUsAccount } from './bank-accounts.ts';
import type { BankPool } from './build-demo-customers.ts';
import type { Customer, Party, PartyKind, Segment } from './demo-model.ts';
import { NameBook, partyName, phoneNumber, slugOf } from './demo-names.ts';
import {
  BROKER_FORMS,
  CAPTIVE_NAMES,
  CONSULTANT_FORMS,
  NAME_PREFIXES,
  TPA_NAMES,
  US_CITIES,
} from './demo-vocabulary.ts';
import type { Prng } from './prng.ts';

/**
 * Brokers, TPAs, captive insurers, consultants and paying parents, each with one relationship row per
 * customer it serves. A TPA or captive with the `payer` role pays its clients' invoices in batches.
 */

function scaledCount(base: number, customers: number): number {
  return Math.max(1, Math.min(base * 3, Math.round((base * customers) / 2000)));
}

export function buildParties(rng: Prng, customers: Customer[], banks: BankPool): Party[] {
  const n = customers.length;
  const names = new NameBook();
  const make = (kind: PartyKind, prefix: string, count: number, nameOf: (i: number) => string): Party[] => {
    const list: Party[] = [];
    for (let i = 0; i < count; i++) {
      const name = names.unique(() => nameOf(i));
      const [, , , area] = rng.pick(US_CITIES);
      const accounts: string[] = [];
      const accountCount = kind === 'tpa' ? rng.int(1, 3) : 1;
      for (let k = 0; k < accountCount; k++) accounts.push(makeUsAccount(rng, rng.pick(banks.us)));
      list.push({
        id: `${prefix}-${String(i + 1).padStart(3, '0')}`,
        name,
        kind,
        email: `${rng.pick(['ar', 'remittance', 'billing', 'accounts'])}@${slugOf(name)}.example.com`,
        phone: phoneNumber(rng, area),
        bankAccounts: accounts,
        payer: null,
        relations: [],
      });
    }
    return list;
  };
  const fromList = (list: readonly string[], fallback: string) => (i: number) =>
    list[i] ?? `${rng.pick(NAME_PREFIXES)} ${fallback}`;

  const brokers = make('broker', 'BRK', scaledCount(30, n), () => partyName(rng, BROKER_FORMS));
  const tpas = make('tpa', 'TPA', scaledCount(12, n), fromList(TPA_NAMES, 'Benefit Administrators LLC'));
  const captives = make(
    'captive',
    'CAP',
    scaledCount(6, n),
    fromList(CAPTIVE_NAMES, 'Captive Insurance Co.'),
  );
  const consultants = make('consultant', 'CON', scaledCount(10, n), () => partyName(rng, CONSULTANT_FORMS));

  for (const t of tpas) {
    t.payer = {
      key: t.id,
      kind: 'tpa',
      name: t.name,
      bankAccounts: t.bankAccounts,
      methods: [
        ['ach', 70],
        ['wire', 10],
        ['lockbox', 20],
      ],
      primary: 'ach',
      cadence: 'weekly',
      runWeekday: rng.int(1, 5),
      checkNumber: rng.int(10000, 90000),
    };
  }
  for (const cp of captives) {
    cp.payer = {
      key: cp.id,
      kind: 'captive',
      name: cp.name,
      bankAccounts: cp.bankAccounts,
      methods: [
        ['wire', 80],
        ['ach', 20],
      ],
      primary: 'wire',
      cadence: 'weekly',
      runWeekday: rng.int(1, 5),
      checkNumber: rng.int(10000, 90000),
    };
  }

  const parentParties: Party[] = [];
  const tpaShare: Record<Segment, number> = {
    taft_hartley: 0.7,
    small_group: 0.22,
    mid_market: 0.18,
    public_sector: 0.05,
    large_group: 0.05,
    individual: 0,
  };
  const byAccount = customers.slice().sort((a, b) => a.ord - b.ord);
  for (const c of byAccount) {
    if (c.consumer) continue;
    const inCentralFamily = c.parent?.centralAp === true || c.centralAp;
    const canUseThirdParty = !inCentralFamily && c.entity === 'MAIN' && c.delinquentFrom === null;
    if (canUseThirdParty && rng.chance(tpaShare[c.segment])) {
      const tpa = rng.pick(tpas);
      const pays = rng.chance(0.92);
      tpa.relations.push({ customer: c, roles: pays ? 'payer' : 'notice;statement' });
      if (pays) {
        c.payerParty = tpa;
        // Union funds are billed in care of their fund administrator.
        if (c.segment === 'taft_hartley') c.billToParty = tpa.id;
      }
    } else if (
      canUseThirdParty &&
      (c.segment === 'large_group' || c.segment === 'mid_market') &&
      rng.chance(0.12)
    ) {
      const captive = rng.pick(captives);
      captive.relations.push({ customer: c, roles: 'payer' });
      c.payerParty = captive;
    }
    if (rng.chance(0.7)) {
      rng.pick(brokers).relations.push({
        customer: c,
        roles: rng.chance(0.15) ? 'notice;statement;dispute_contact' : 'notice;statement',
      });
    }
    if (
      (c.segment === 'large_group' || c.segment === 'mid_market' || c.segment === 'public_sector') &&
      rng.chance(0.15)
    ) {
      rng
        .pick(consultants)
        .relations.push({ customer: c, roles: rng.chance(0.3) ? 'notice;dispute_contact' : 'notice' });
    }
    if (c.centralAp && c.children.length > 0) {
      // The parent's treasury pays for the family: a `parent` party lets cash application tie its
      // payments to the subsidiaries.
      const party: Party = {
        id: `PAR-${c.account}`,
        name: c.name,
        kind: 'parent',
        email: c.email,
        phone: c.phone,
        bankAccounts: c.bankAccounts,
        payer: null,
        relations: c.children
          .slice()
          .sort((a, b) => a.ord - b.ord)
          .map((child) => ({ customer: child, roles: 'payer;statement' })),
      };
      parentParties.push(party);
    }
  }
  return [...brokers, ...tpas, ...captives, ...consultants, ...parentParties];
}
