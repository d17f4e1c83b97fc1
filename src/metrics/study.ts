/**
 * Columns that experiments add to run rows: the outcome of a search, and how replications
 * went. Declared here, beside the run metrics, so tables and docs derive from one list.
 */
export interface StudyColumn {
  name: string;
  unit: string;
  help: string;
  /** Identifies the row, like a swept field: leads the one-line-per-row table. */
  key?: boolean;
  /** Shown in the one-line-per-row table of sweeps and searches. */
  long?: boolean;
  /** Shown after the run metrics there (a note on the row rather than a result). */
  last?: boolean;
  /** Its value is text, not a number (a capacity may be either: "2.6 Gbit/s", "none (...)"). */
  text?: boolean;
}

export const STUDY_COLUMNS = [
  { name: 'frame_bytes', unit: 'B', help: "zero-loss search: the frame size of this row's search", key: true },
  {
    name: 'zero_loss_load_pct',
    unit: '%',
    help: "zero-loss search: the largest offered load, in % of line rate, whose loss is at most `search.loss`; the row's other columns are that probe's run",
    long: true,
  },
  {
    name: 'search_field',
    text: true,
    unit: '',
    help: 'capacity search: the field it varied (`vms.count` or `traffic.load_per_vm`)',
  },
  {
    name: 'capacity',
    text: true,
    unit: 'VMs, or the unit of search.from',
    help: "capacity search: the largest value that meets every SLO; the row's other columns are that probe's run",
    long: true,
  },
  {
    name: 'binding_constraint',
    text: true,
    unit: '',
    help: 'capacity search: what fails just above the capacity (an SLO, a NIC limit, or the end of the range)',
    long: true,
  },
  { name: 'search_probes', unit: 'runs', help: 'searches: runs the search made' },
  {
    name: 'replications',
    unit: 'runs',
    help: 'replications behind the row (with `replications` > 1 or a precision target)',
    long: true,
  },
  {
    name: 'precision',
    text: true,
    unit: '',
    help: 'whether the precision target was reached, and the relative half-width achieved',
    long: true,
    last: true,
  },
] as const satisfies readonly StudyColumn[];

export type StudyColumnName = (typeof STUDY_COLUMNS)[number]['name'];
