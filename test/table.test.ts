import { describe, expect, it } from 'vitest';
import { fmt, toLongTable, toTable } from '../src/output/table.js';
import { longTables } from '../src/output/tidy.js';

// The terminal table: numbers to about three significant digits, a row's cells alike.
describe('terminal table cells', () => {
  it('rounds to about three significant digits, large numbers in exponent form, none as "-"', () => {
    expect(fmt(3.14159)).toBe('3.14');
    expect(fmt(31.4159)).toBe('31.4');
    expect(fmt(314.159)).toBe('314');
    expect(fmt(240_123)).toBe('2.40e+5');
    expect(fmt(7)).toBe('7');
    expect(fmt(undefined)).toBe('-');
    expect(fmt('')).toBe('-');
    expect(fmt('sriov')).toBe('sriov');
  });

  it('prints a whole number with decimals when its row has fractions, zero always as 0', () => {
    const table = toTable('t', [
      { path: 'a', fairness_jain: 1, drop_pct: 0 },
      { path: 'b', fairness_jain: 0.9981, drop_pct: 0 },
      { path: 'c', fairness_jain: 0, drop_pct: 0.5 },
    ]);
    const line = (label: string): string[] =>
      table
        .split('\n')
        .find((l) => l.startsWith(label))!
        .slice(label.length)
        .trim()
        .split(/\s+/);
    expect(line('fairness (Jain)')).toEqual(['1.00', '1.00', '0']);
    expect(line('drops %')).toEqual(['0', '0', '0.50']);
  });
});

// The per-VM and per-core long forms: one line per row and member, none empty.
describe('long forms', () => {
  it('a row read back from a CSV, with empty cells for members it lacks, adds no line for them', () => {
    // As --resume reads a sweep's CSV back: the 1-VM row has the 2-VM row's columns, empty.
    const rows = [
      { 'vms.count': 1, scenario: 's', path: 'sriov', vm0_gbps: 9.5, vm1_gbps: '' },
      { 'vms.count': 2, scenario: 's', path: 'sriov', vm0_gbps: 4.7, vm1_gbps: 4.8 },
    ];
    const perVm = longTables(rows, ['vms.count']).find((t) => t.suffix === 'per_vm')!;
    expect(perVm.rows).toEqual([
      { 'vms.count': 1, scenario: 's', path: 'sriov', vm: 0, gbps: 9.5 },
      { 'vms.count': 2, scenario: 's', path: 'sriov', vm: 0, gbps: 4.7 },
      { 'vms.count': 2, scenario: 's', path: 'sriov', vm: 1, gbps: 4.8 },
    ]);
  });
});

describe('the long table (sweeps, searches)', () => {
  it('prints a column alike: a whole number beside fractions takes their decimals', () => {
    const text = toLongTable(
      't',
      [
        { 'vms.count': 1, path: 'sriov', delivered_gbps: 2 },
        { 'vms.count': 2, path: 'sriov', delivered_gbps: 2.5 },
      ],
      ['vms.count'],
    );
    const lines = text.trimEnd().split('\n').slice(2);
    expect(lines.map((l) => l.trim().split(/\s+/))).toEqual([
      ['1', 'sriov', '2.00'],
      ['2', 'sriov', '2.50'],
    ]);
  });
});
