export { type CustomerProfile, findCustomerProfiles } from './find-customer-profiles.ts';
export { type CustomerListFilter, type CustomerListRow, findCustomersPage } from './find-customers-page.ts';
export { findPartiesPage, type PartyListFilter, type PartyListRow } from './find-parties-page.ts';
export {
  findPartyBankAccounts,
  findPartyRelationships,
  type PartyRelationshipRow,
} from './find-party-relationships.ts';
export { CUSTOMERS_SPEC, DEFAULT_TERMS, importCustomers } from './import-customers.ts';
export { importParties, PARTIES_SPEC, PARTY_KINDS, PARTY_ROLES } from './import-parties.ts';
export { bankAccountProblem, normalizeBankAccount, parseBankAccountList } from './logic/bank-account.ts';
export { partiesError } from './parties.errors.ts';
export {
  type CustomerRef,
  findAllCustomers,
  findCustomerByNumber,
  findCustomersByNumbers,
} from './parties.repo.ts';
