import type { ChainState, Hamiltonian, Lattice, Sampler, SamplerKernel } from '@rsrg/core';
import { cachedWasmModule, instantiateWasm } from '@rsrg/core';
import { bondLimits, bondTable } from '../bond-table.js';
import { assertSupported, checkVolume, clusterSupport } from '../support.js';

import { WOLFF_WASM_BASE64 } from './wolff-module.generated.js';

const wolffModule = cachedWasmModule(WOLFF_WASM_BASE64);

type ClusterFn = (
  spins: number,
  neighbours: number,
  degree: number,
  limit: number,
  stack: number,
  rng: number,
  volume: number,
) => number;

const align4 = (bytes: number) => Math.ceil(bytes / 4) * 4;

/**
 * `wolff` compiled to WebAssembly from AssemblyScript (asm/wolff.ts): the same algorithm,
 * draw for draw, so a chain has the same clusters and RNG state with either sampler. Each
 * kernel owns a memory laid out as spins (i8) | neighbours (i32) | bond limits (u32) |
 * stack (i32) | rng (4 × u32); a step copies the spins and RNG state in, flips one cluster
 * and copies them back, so the ChainState stays the only state of the chain.
 *
 * The two copies cost O(volume) per step: negligible near and below K_c, where a cluster is
 * a sizeable part of the lattice, but they dominate at high temperature on large lattices
 * (clusters of a few spins), where `wolff` is the faster choice.
 */
export const wolffWasm: Sampler = {
  id: 'wolff-wasm',
  description: 'Wolff single-cluster flips in WebAssembly (ferromagnetic pair couplings)',
  unit: 'cluster flip',
  supports: clusterSupport,
  create(lattice: Lattice, h: Hamiltonian): SamplerKernel {
    assertSupported('wolff-wasm', clusterSupport(lattice, h));
    const { degree, neighbours, threshold } = bondTable(lattice, h);
    const volume = lattice.volume;
    const spinsAt = 0;
    const neighboursAt = align4(spinsAt + volume);
    const limitAt = neighboursAt + 4 * volume * degree;
    const stackAt = limitAt + 4 * degree;
    const rngAt = stackAt + 4 * volume;
    const { memory, instance } = instantiateWasm(wolffModule(), rngAt + 16);
    new Int32Array(memory.buffer, neighboursAt, neighbours.length).set(neighbours);
    new Uint32Array(memory.buffer, limitAt, degree).set(bondLimits(threshold));
    const spins = new Int8Array(memory.buffer, spinsAt, volume);
    const rng = new Uint32Array(memory.buffer, rngAt, 4);
    // The loop unrolled for the square and simple cubic lattices, else the general one.
    const unrolled = instance.exports[`cluster${degree}`] as ClusterFn | undefined;
    const cluster = unrolled ?? (instance.exports.cluster as ClusterFn);
    return {
      step(state: ChainState): number {
        checkVolume(state, volume);
        spins.set(state.spins);
        rng.set(state.rng.s);
        const added = cluster(spinsAt, neighboursAt, degree, limitAt, stackAt, rngAt, volume);
        state.spins.set(spins);
        state.rng.s.set(rng);
        state.moves++;
        return added;
      },
    };
  },
};
