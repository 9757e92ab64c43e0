import { Lattice, Rng, UsageError } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { blockEnvironmentPairs, rsmiOffsets } from '../src/index.js';

/** The (V, E) pairs of RSMI: geometry in 2D and 3D, read against direct lattice look-ups. */

const geometry = { blockSize: 2, buffer: 1, shell: 1 };

function randomConfigurations(lattice: Lattice, count: number, seed: number): Int8Array {
  const rng = Rng.stream(seed, 0);
  const c = new Int8Array(count * lattice.volume);
  for (let i = 0; i < c.length; i++) c[i] = rng.nextSign();
  return c;
}

describe('RSMI (V, E) pairs', () => {
  it('has b^d block sites and the shell L_B < D ≤ L_B + L_E: 4 + 20 in 2D, 8 + 152 in 3D', () => {
    expect(rsmiOffsets(2, geometry).block).toHaveLength(4);
    expect(rsmiOffsets(2, geometry).environment).toHaveLength(6 * 6 - 4 * 4);
    expect(rsmiOffsets(3, geometry).block).toHaveLength(8);
    expect(rsmiOffsets(3, geometry).environment).toHaveLength(6 ** 3 - 4 ** 3);
    // No buffer: the first neighbour shell, 12 sites around a 2×2 block.
    expect(rsmiOffsets(2, { blockSize: 2, buffer: 0, shell: 1 }).environment).toHaveLength(12);
  });

  it('reads every block of a 3D configuration with its environment, periodic', () => {
    const lattice = new Lattice([6, 8, 6]);
    const configurations = randomConfigurations(lattice, 2, 5);
    const pairs = blockEnvironmentPairs({ lattice, configurations }, geometry, { configurations: [1] });
    const blocks = 3 * 4 * 3;
    expect(pairs.count).toBe(blocks);
    const { block, environment } = rsmiOffsets(3, geometry);
    const at = (corner: number[], o: number[]) =>
      configurations[lattice.volume + lattice.index(o.map((x, a) => corner[a] + x))];
    for (let B = 0; B < blocks; B++) {
      const corner = [2 * Math.floor(B / 12), 2 * (Math.floor(B / 3) % 4), 2 * (B % 3)];
      let state = 0;
      block.forEach((o, i) => {
        if (at(corner, o) === 1) state |= 1 << i;
      });
      expect(pairs.blocks[B]).toBe(state);
      environment.forEach((o, j) => {
        expect(pairs.environments[B * environment.length + j]).toBe(at(corner, o));
      });
    }
  });

  it('subsamples the same blocks of a configuration whatever subset it is in', () => {
    const lattice = new Lattice([8, 8]);
    const configurations = randomConfigurations(lattice, 3, 6);
    const data = { lattice, configurations };
    const alone = blockEnvironmentPairs(data, geometry, {
      configurations: [2],
      blocksPerConfiguration: 5,
      seed: 9,
    });
    const among = blockEnvironmentPairs(data, geometry, {
      configurations: [0, 2],
      blocksPerConfiguration: 5,
      seed: 9,
    });
    expect(Array.from(among.blocks.subarray(5))).toEqual(Array.from(alone.blocks));
    expect(Array.from(among.environments.subarray(5 * 20))).toEqual(Array.from(alone.environments));
    // Another seed draws other blocks.
    const other = blockEnvironmentPairs(data, geometry, {
      configurations: [2],
      blocksPerConfiguration: 5,
      seed: 10,
    });
    expect(Array.from(other.environments)).not.toEqual(Array.from(alone.environments));
  });

  it('refuses q-state spins, a block of more than 8 spins and a lattice the environment wraps on', () => {
    const lattice = new Lattice([8, 8]);
    const configurations = randomConfigurations(lattice, 1, 7);
    configurations[3] = 2;
    expect(() =>
      blockEnvironmentPairs({ lattice, configurations }, geometry, { configurations: [0] }),
    ).toThrow(/Ising ±1 spins/);
    const big = { lattice: new Lattice([12, 12, 12]), configurations: new Int8Array(1728).fill(1) };
    expect(() => blockEnvironmentPairs(big, { ...geometry, blockSize: 3 }, { configurations: [0] })).toThrow(
      UsageError,
    );
    const small = { lattice: new Lattice([4, 4]), configurations: new Int8Array(16).fill(1) };
    expect(() => blockEnvironmentPairs(small, geometry, { configurations: [0] })).toThrow(/wrap onto itself/);
  });
});
