import {
  type ChainState,
  cachedWasmModule,
  instantiateWasm,
  type Lattice,
  type SamplerKernel,
} from '@rsrg/core';
import { checkVolume } from '../../support.js';
import { checkClusterCoupling, checkStates, pottsBonds } from '../neighbours.js';
import { pottsBondLimit } from '../wolff.js';
import { POTTS_WASM_BASE64 } from './potts-wolff-module.generated.js';

const pottsWolffModule = cachedWasmModule(POTTS_WASM_BASE64);

type ClusterFn = (
  spins: number,
  neighbours: number,
  degree: number,
  q: number,
  limit: number,
  stack: number,
  rng: number,
  volume: number,
) => number;

const align4 = (bytes: number) => Math.ceil(bytes / 4) * 4;

/**
 * `createPottsWolffKernel` compiled to WebAssembly from AssemblyScript (asm/potts-wolff.ts):
 * the same algorithm, draw for draw, so a chain has the same clusters and RNG state with either
 * kernel. Each kernel owns a memory laid out as spins (u8) | neighbours (i32) | stack (i32) |
 * rng (4 × u32); a step copies the spins and RNG state in, grows one cluster and copies them
 * back, so the ChainState stays the only state of the chain. The copies cost O(volume) per
 * step: negligible near and below K_c, where a cluster is a sizeable part of the lattice, but
 * they dominate at high temperature on large lattices, where the TypeScript kernel is faster.
 */
export function createPottsWolffWasmKernel(lattice: Lattice, q: number, K: number): SamplerKernel {
  checkStates(q);
  checkClusterCoupling('potts wolff-wasm', K);
  const bonds = pottsBonds(lattice);
  // K = 0 opens no bond: degree 0 makes the cluster its seed alone, as the TypeScript kernel.
  const degree = K > 0 ? bonds.degree : 0;
  const limit = (pottsBondLimit(K) ^ 0x80000000) >>> 0;
  const volume = lattice.volume;
  const spinsAt = 0;
  const neighboursAt = align4(spinsAt + volume);
  const stackAt = neighboursAt + 4 * bonds.neighbours.length;
  const rngAt = stackAt + 4 * volume;
  const { memory, instance } = instantiateWasm(pottsWolffModule(), rngAt + 16);
  new Int32Array(memory.buffer, neighboursAt, bonds.neighbours.length).set(bonds.neighbours);
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
      const added = cluster(spinsAt, neighboursAt, degree, q, limit, stackAt, rngAt, volume);
      state.spins.set(spins);
      state.rng.s.set(rng);
      state.moves++;
      return added;
    },
  };
}
