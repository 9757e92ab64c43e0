import { Registry } from '@rsrg/core';
import { type McrgConfig, type McrgResult, runMcrg } from '@rsrg/mcrg';
import { plugin as modelsPlugin } from '@rsrg/models';
import { plugin as projectorsPlugin } from '@rsrg/projectors';
import { plugin as samplersPlugin } from '@rsrg/samplers';
import { beforeAll, describe, expect, it } from 'vitest';
import { mcrgJson, renderMcrg } from '../src/commands/mcrg.js';
import { formatValueError } from '../src/format/value-error.js';

const base: McrgConfig = {
  model: 'ising2d',
  size: 8,
  samples: 2 * 4 * 40,
  thermalize: 20,
  chains: 2,
  binsPerChain: 4,
  seed: 5,
  workers: 1,
};

/** The lines of the table under `title` (up to the next blank line). */
function table(text: string, title: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(title));
  expect(at, `no table titled '${title}'`).toBeGreaterThan(-1);
  const end = lines.indexOf('', at);
  return lines.slice(at + 1, end < 0 ? undefined : end);
}

/** The N_r = 1 cell of row N_c = 1 of a table. */
const firstCell = (rows: string[]) => rows[1].trim().split(/\s{2,}/)[2];

describe('renderMcrg and mcrgJson', () => {
  const registry = new Registry().use(modelsPlugin).use(samplersPlugin).use(projectorsPlugin);
  let one: McrgResult;
  let several: McrgResult;

  beforeAll(async () => {
    one = await runMcrg(registry, { ...base, projector: 'majority' });
    several = await runMcrg(registry, {
      ...base,
      projectors: [{ id: 'majority', label: 'a' }, { id: 'decimation' }],
    });
  });

  it('one projector: the report as it always was', () => {
    const text = renderMcrg(one, registry);
    expect(text).toMatch(/^projector\s+majority \(b = 2\)$/m);
    const even = table(text, 'y_t from the even couplings');
    const e = one.estimates.find((x) => x.sector === 'even' && x.nr === 1 && x.nc === 1)!;
    expect(firstCell(even)).toBe(formatValueError(e.y, e.error));
    expect(text).not.toMatch(/^majority: /m);
  });

  it('several projectors: a pair of tables per projector, each titled with its label and holding its own numbers', () => {
    const text = renderMcrg(several, registry);
    expect(text).toMatch(/^projectors\s+a \(majority\), decimation \(b = 2\)$/m);
    for (const label of ['a', 'decimation']) {
      for (const [sector, title] of [
        ['even', 'y_t from the even couplings'],
        ['odd', 'y_h from the odd couplings'],
      ] as const) {
        const rows = table(text, `${label}: ${title}`);
        const e = several.estimates.find(
          (x) => x.projector === label && x.sector === sector && x.nr === 1 && x.nc === 1,
        )!;
        expect(firstCell(rows), `${label} ${sector}`).toBe(formatValueError(e.y, e.error));
      }
    }
    // Not vacuous: the two projectors' numbers differ.
    expect(firstCell(table(text, 'a: y_t'))).not.toBe(firstCell(table(text, 'decimation: y_t')));
    expect(text.match(/from the even couplings/g)).toHaveLength(2);
  });

  it('JSON keeps parameters.projector and projectorOptions for older readers; estimates name their projector when there are several', () => {
    const doc = mcrgJson(one, '0.0.0');
    expect(doc.parameters).toMatchObject({
      projector: 'majority',
      projectorOptions: {},
      projectors: [{ label: 'majority', id: 'majority', options: {} }],
    });
    expect(doc.estimates[0]).not.toHaveProperty('projector');
    const multi = mcrgJson(several, '0.0.0');
    expect(multi.parameters.projector).toBe('majority');
    expect(multi.parameters.projectors.map((p) => p.label)).toEqual(['a', 'decimation']);
    expect(new Set(multi.estimates.map((e) => e.projector))).toEqual(new Set(['a', 'decimation']));
  });
});
