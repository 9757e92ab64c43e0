import { hamiltonian, Lattice, Rng, randomSpins } from '@rsrg/core';
import { describe, expect, it } from 'vitest';
import { biasedBondLimits, bondTable } from '../src/bond-table.js';
import { wolffCluster, wolffCluster4, wolffCluster6 } from '../src/wolff.js';
import { nn2, nn3 } from './cases.js';

describe('wolff: the unrolled kernels', () => {
  it.each([
    {
      name: 'wolffCluster4, 2D 24×24 at K_c',
      unrolled: wolffCluster4,
      lattice: new Lattice([24, 24]),
      h: hamiltonian([nn2], [0.44068679350977147]),
    },
    {
      name: 'wolffCluster6, 3D 8³ at K_c',
      unrolled: wolffCluster6,
      lattice: new Lattice([8, 8, 8]),
      h: hamiltonian([nn3], [0.221654626]),
    },
  ])(
    '$name flips the same clusters as the general loop and leaves the same RNG state',
    ({ unrolled, lattice, h }) => {
      const { degree, neighbours, threshold } = bondTable(lattice, h);
      const limit = biasedBondLimits(threshold);
      const rng = Rng.stream(3, 0);
      const a = randomSpins(lattice, rng);
      const b = a.slice();
      const rngA = rng.s.slice();
      const rngB = rng.s.slice();
      const stack = new Int32Array(lattice.volume);
      let total = 0;
      for (let i = 0; i < 3000; i++) {
        const added = wolffCluster(a, neighbours, degree, limit, stack, rngA);
        expect(unrolled(b, neighbours, degree, limit, stack, rngB), `flip ${i}`).toBe(added);
        total += added;
        if (a.some((s, x) => s !== b[x]) || rngA.some((w, k) => w !== rngB[k]))
          expect.fail(`state differs after flip ${i}`);
      }
      // Clusters of many spins, so the comparison covers every bond of the unrolled loop.
      expect(total / 3000).toBeGreaterThan(20);
    },
  );
});
