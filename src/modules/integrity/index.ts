export { type CheckResult, checkLedger } from './check-ledger.ts';
