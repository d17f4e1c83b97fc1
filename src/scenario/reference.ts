import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/**
 * The scenario format as a JSON Schema (draft 2020-12), generated from the zod schema: what
 * a file may contain, with each field's help, default and range. Editors use it to complete
 * and check scenario files; the field reference in docs/scenarios.md is rendered from it.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/iovsim/iovsim/scenario.schema.json',
    title: 'iovsim scenario',
    description: 'A scenario file of iovsim, the network I/O virtualization simulator (docs/scenarios.md).',
    ...schema,
  };
}

/** A JSON Schema node, as far as the reference reads it. */
interface Node {
  type?: string;
  description?: string;
  'x-type'?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Node;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
  oneOf?: Node[];
}

const code = (v: unknown) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;

/** A field's type in a few words: "int 1..1024", "`rx` or `tx`", "duration > 0". */
function typeText(n: Node): string {
  if (n['x-type']) return n['x-type'];
  const options = n.anyOf ?? n.oneOf;
  if (options) return options.map(typeText).join(' or ');
  if (n.const !== undefined) return code(n.const);
  if (n.enum) return n.enum.map(code).join(', ');
  const range = (lo?: number, hi?: number) =>
    lo !== undefined && hi !== undefined
      ? ` ${lo}..${hi}`
      : lo !== undefined
        ? ` >= ${lo}`
        : hi !== undefined
          ? ` <= ${hi}`
          : '';
  if (n.type === 'integer') return `int${range(n.minimum, n.maximum)}`;
  if (n.type === 'number')
    return n.exclusiveMinimum !== undefined
      ? `number > ${n.exclusiveMinimum}${n.maximum !== undefined ? `, <= ${n.maximum}` : ''}`
      : `number${range(n.minimum, n.maximum)}`;
  if (n.type === 'array')
    return `list${n.minItems ? ` (>= ${n.minItems})` : ''} of ${n.items ? typeText(n.items) : 'values'}`;
  if (n.type === 'object') return n.properties ? 'mapping (below)' : 'mapping';
  return n.type ?? 'value';
}

function defaultText(n: Node, required: boolean): string {
  if (required) return 'required';
  if (n.default === undefined) return 'none';
  if (typeof n.default === 'object' && n.default !== null && Object.keys(n.default).length === 0)
    return Array.isArray(n.default) ? '`[]`' : 'see below';
  return code(n.default);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The object node inside a field: itself, or the mapping branch of a "catalog name or mapping" union, or a list's item. */
function objectIn(n: Node): Node | undefined {
  if (n.properties) return n;
  if (n.type === 'array' && n.items) return objectIn(n.items);
  const mapping = (n.anyOf ?? []).find((o) => o.properties);
  return mapping;
}

function table(node: Node): string[] {
  const required = new Set(node.required ?? []);
  const lines = ['| field | type | default | meaning |', '|---|---|---|---|'];
  for (const [name, n] of Object.entries(node.properties ?? {})) {
    lines.push(
      `| \`${name}\` | ${cell(typeText(n))} | ${cell(defaultText(n, required.has(name)))} | ${cell(n.description ?? '')} |`,
    );
  }
  return lines;
}

/**
 * The field reference of docs/scenarios.md: a table per mapping (top level, then each block
 * in order, nested blocks after their parent), each field with its type, default and help.
 * Generated from the schema; a test fails when the committed page differs.
 */
export function fieldReference(): string {
  const root = scenarioJsonSchema() as Node;
  const out: string[] = ['### Top level', '', ...table(root), ''];
  const visit = (path: string, n: Node) => {
    const branches = n.oneOf;
    if (branches && branches.every((b) => b.properties)) {
      for (const b of branches) {
        const kind = b.properties?.kind?.const;
        out.push(`### \`${path}\`${kind !== undefined ? ` with \`kind: ${String(kind)}\`` : ''}`, '', ...table(b), '');
        for (const [k, c] of Object.entries(b.properties ?? {}))
          if (objectIn(c)) visit(`${path}.${k}${c.type === 'array' ? '[]' : ''}`, c);
      }
      return;
    }
    const obj = objectIn(n);
    if (!obj) return;
    const isMap = obj.additionalProperties && typeof obj.additionalProperties === 'object';
    if (isMap) return;
    out.push(
      `### \`${path}\``,
      '',
      ...(n.description ? [`${n.description.replace(/^./, (c) => c.toUpperCase())}.`, ''] : []),
      ...table(obj),
      '',
    );
    for (const [k, c] of Object.entries(obj.properties ?? {})) {
      // A field whose type is summed up in words (arrivals, claims) is explained in prose.
      if ((objectIn(c) && !c['x-type']) || c.oneOf) visit(`${path}.${k}${c.type === 'array' ? '[]' : ''}`, c);
    }
  };
  for (const [k, n] of Object.entries(root.properties ?? {})) {
    if (k === 'costs' || k === 'custom_paths' || k === 'sweep') continue;
    if (objectIn(n) || n.oneOf) visit(`${k}${n.type === 'array' ? '[]' : ''}`, n);
  }
  const custom = root.properties?.custom_paths?.additionalProperties;
  if (custom && typeof custom === 'object') out.push('### `custom_paths.<name>`', '', ...table(custom), '');
  return out.join('\n');
}

/** The JSON Schema node of a dotted field path (through a catalog-or-mapping union), if any. */
function nodeAt(path: string): Node | undefined {
  let n: Node | undefined = scenarioJsonSchema() as Node;
  for (const k of path.split('.')) {
    const obj: Node | undefined = n && objectIn(n);
    n = obj?.properties?.[k];
    if (!n) return undefined;
  }
  return n;
}

/**
 * A short human label for a scenario field, for chart axes: the first clause of its help
 * text and its path, "number of VMs (vms.count)". Taken from the schema's declarations, so
 * a field's words live in one place.
 */
export function fieldLabel(path: string): string {
  const help = nodeAt(path)?.description;
  if (!help) return path;
  // "saturate mode: bytes of frames ..." says when the field applies, then what it is.
  const clause = help
    .replace(/^[^:;.(]{1,30}: /, '')
    .split(/[;:(]|\. |, (?=[a-z`])/)[0]
    .trim();
  return `${clause} (${path})`;
}
