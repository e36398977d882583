/** Collection agencies and champion/challenger experiments (issue 6). Being written. */
export const agencies = `
select 1;
`;
