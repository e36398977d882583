/**
 * Letters kept in the documents table's own rows (issue 6, the dunning run's writes).
 *
 * A letter is 2–4 kB of PDF, its streams already deflated. Over PostgreSQL's 2 kB threshold the
 * server tried to compress each one (in vain: stored at full size), then moved it out of line into
 * the TOAST table, one more heap row and index entry per chunk: most of the cost of writing a first
 * run's tens of thousands of letters (measured on 20,000 letters: 650 ms as before, 150 ms kept in
 * line). With a target of 8160 bytes a row up to a page is kept as it is; larger documents (a
 * statement with embedded fonts, 25 kB and more) are still moved out of line. Rows already stored are
 * left as they are.
 *
 * Frozen in time (see the foundation migration).
 */
export const documentsInline = `
alter table documents set (toast_tuple_target = 8160);
`;
