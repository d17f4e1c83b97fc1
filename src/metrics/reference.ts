import { COLUMNS, isFamily } from './metrics.js';
import { STUDY_COLUMNS } from './study.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * The output column reference of docs/scenarios.md, rendered from the declarations: every
 * run column with its unit, meaning and equation, whether the terminal table shows it and
 * the tolerance `compare` holds it to, then the columns experiments add.
 */
export function columnReference(): string {
  const lines = ['| column | unit | meaning | in the table | compare tolerance |', '|---|---|---|---|---|'];
  for (const c of COLUMNS) {
    const meaning = c.equation ? `${c.help}: ${c.equation}` : c.help;
    const shown = isFamily(c) ? (c.memberLabel ? 'yes' : '') : c.label ? `"${c.label}"` : '';
    const tolerance = !isFamily(c) && c.tolerance !== undefined ? `${100 * c.tolerance} %` : '';
    lines.push(`| \`${c.name}\` | ${c.unit} | ${cell(meaning)} | ${shown} | ${tolerance} |`);
  }
  lines.push(
    '',
    'Columns that experiments add (docs/experiments.md):',
    '',
    '| column | unit | meaning |',
    '|---|---|---|',
  );
  for (const c of STUDY_COLUMNS) lines.push(`| \`${c.name}\` | ${c.unit} | ${cell(c.help)} |`);
  return lines.join('\n') + '\n';
}
