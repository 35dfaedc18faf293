import { describe, expect, it } from 'vitest';
import { renderTable } from '../src/output/text-table.js';

describe('a text table', () => {
  it('given cells of several widths, when rendered, then each column but the last is padded to its widest cell', () => {
    expect(
      renderTable(
        ['name', 'v'],
        [
          ['churn-model@1', 'x'],
          ['a', 'longer value'],
        ],
      ),
    ).toBe(['name           v', 'churn-model@1  x', 'a              longer value'].join('\n'));
  });

  it('given a million rows (the versions of a model at 1M runs), when rendered, then every row is there under the widest cell', () => {
    const rows = Array.from({ length: 1_000_000 }, (_, i): [string, string] => [`m@${i + 1}`, 'sklearn']);
    const lines = renderTable(['VERSION', 'FRAMEWORK'], rows).split('\n');
    expect(lines).toHaveLength(1_000_001);
    expect(lines[1_000_000]).toBe('m@1000000  sklearn');
    expect(lines[1]).toBe('m@1        sklearn');
  });
});
