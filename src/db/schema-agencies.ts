import type { ColumnType } from 'kysely';

/** Row types of the agencies, experiments and risk-model migration (07), for Kysely; joined into `DB` in schema.ts. */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateCol = string;
/** jsonb: read as the parsed value, written as JSON text. */
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

export interface RiskModelsTable {
  tenant_id: number;
  id: string;
  as_of: DateCol;
  version: string;
  model: Json<unknown>;
  calibration: Json<unknown>;
  created_by: string;
  created_at: Timestamp;
}

export interface AgenciesTable {
  tenant_id: number;
  id: string;
  code: string;
  name: string;
  /** numeric(7,6) as a decimal string ('0.25'). */
  commission_rate: string;
  email: string | null;
  phone: string | null;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type PlacementStatus = 'placed' | 'recalled' | 'closed';

export interface AgencyPlacementsTable {
  tenant_id: number;
  id: string;
  agency_id: string;
  customer_id: string;
  currency: string;
  placed_on: DateCol;
  placed_minor: bigint;
  commission_rate: string;
  status: ColumnType<PlacementStatus, PlacementStatus | undefined, PlacementStatus>;
  closed_on: DateCol | null;
  close_reason: string | null;
  notes: string | null;
  placed_by: string;
  created_at: Timestamp;
}

export interface AgencyPlacementItemsTable {
  tenant_id: number;
  placement_id: string;
  item_id: string;
  placed_minor: bigint;
  active: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface AgencyRecoveriesTable {
  tenant_id: number;
  id: string;
  placement_id: string;
  recovered_on: DateCol;
  currency: string;
  recovered_minor: bigint;
  commission_minor: bigint;
  net_minor: bigint;
  receipt_id: string | null;
  journal_entry_id: string | null;
  reference: string | null;
  import_id: string | null;
  source_line: number | null;
  created_by: string;
  created_at: Timestamp;
}

export type ExperimentStatus = 'draft' | 'running' | 'stopped';
export type StratifyBy = 'segment' | 'customer_type' | 'collector';

export interface ExperimentsTable {
  tenant_id: number;
  id: string;
  code: string;
  name: string;
  description: string | null;
  subject: ColumnType<string, string | undefined, string>;
  status: ColumnType<ExperimentStatus, ExperimentStatus | undefined, ExperimentStatus>;
  seed: bigint;
  stratify_by: StratifyBy | null;
  population: JsonDefault<unknown>;
  settings: JsonDefault<unknown>;
  started_on: DateCol | null;
  stopped_on: DateCol | null;
  created_by: string;
  created_at: Timestamp;
}

export interface ExperimentVariantsTable {
  tenant_id: number;
  experiment_id: string;
  key: string;
  name: string;
  weight: number;
  is_control: ColumnType<boolean, boolean | undefined, boolean>;
  config: JsonDefault<unknown>;
}

export interface ExperimentAssignmentsTable {
  tenant_id: number;
  experiment_id: string;
  customer_id: string;
  variant_key: string;
  stratum: string;
  assigned_on: DateCol;
}

export interface AgenciesTables {
  risk_models: RiskModelsTable;
  agencies: AgenciesTable;
  agency_placements: AgencyPlacementsTable;
  agency_placement_items: AgencyPlacementItemsTable;
  agency_recoveries: AgencyRecoveriesTable;
  experiments: ExperimentsTable;
  experiment_variants: ExperimentVariantsTable;
  experiment_assignments: ExperimentAssignmentsTable;
}
