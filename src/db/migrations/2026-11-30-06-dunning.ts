/** Dunning, documents, the email outbox and the job queue (issue 6). Being written. */
export const dunning = `
select 1;
`;
