/**
 * Audit chain lanes (ADR 0014): a tenant's audit trail is a fixed set of hash chains ("lanes")
 * instead of one, so that audited transactions of one tenant that commit at the same time take
 * different lanes instead of queueing on a single head row. Each lane keeps the properties of ADR
 * 0013 (dense positions, each row linked to the previous row's hash, sealed while its transaction
 * holds the lane's head). Existing rows and the existing head become lane 0, so chains written before
 * this migration verify unchanged; the other lanes are created on first use.
 *
 * Frozen in time (see the foundation migration). Every key and index leads with `tenant_id`.
 */
export const auditLanes = `
alter table audit_chain add column lane smallint not null default 0;
alter table audit_chain drop constraint audit_chain_pkey;
alter table audit_chain add primary key (tenant_id, lane);
alter table audit_chain add constraint audit_chain_lane_range check (lane >= 0 and lane < 256);
alter table audit_chain add constraint audit_chain_legacy_lane0 check (lane = 0 or legacy_rows = 0);
alter table audit_log add column lane smallint not null default 0;
drop index audit_log_seq;
create unique index audit_log_lane_seq on audit_log (tenant_id, lane, seq);
`;
