import type { Hamiltonian, Lattice, Sampler, SamplerKernel } from '@rsrg/core';
import {
  createPottsHeatBathKernel,
  createPottsSwendsenWangKernel,
  createPottsWolffKernel,
  createPottsWolffWasmKernel,
} from './potts/index.js';
import { assertSupported } from './support.js';

/**
 * Why the Potts kernels cannot simulate h: they take q-state spins and the one
 * nearest-neighbour coupling Σ_x Σ_a δ(σ_x, σ_{x+e_a}) (one bond per site and axis), at a
 * finite K, and K ≥ 0 for the cluster algorithms.
 */
export function pottsSupport(lattice: Lattice, h: Hamiltonian, cluster: boolean): string | undefined {
  if (h.spins?.kind !== 'state')
    return 'it simulates q-state Potts spins, not Ising ±1 spins (use wolff, swendsen-wang or heat-bath)';
  if (h.couplings.length !== 1) return 'it simulates the nearest-neighbour Potts model alone (one coupling)';
  const [c] = h.couplings;
  const d = lattice.dimension;
  const axes = new Set<number>();
  const pair = c.terms.every((t) => {
    if (t.length !== 2 || t[0].length !== d || t[1].length !== d) return false;
    let axis = -1;
    for (let a = 0; a < d; a++) {
      const step = Math.abs(t[1][a] - t[0][a]);
      if (step === 0) continue;
      if (step !== 1 || axis >= 0) return false;
      axis = a;
    }
    if (axis < 0 || axes.has(axis)) return false;
    axes.add(axis);
    return true;
  });
  if (c.operator?.kind !== 'equal' || !pair || axes.size !== d)
    return `coupling '${c.name}' is not the Potts nearest-neighbour coupling Σ δ(σ_x, σ_{x+e_a}) of a ${d}-dimensional lattice`;
  const K = h.K[0];
  if (!Number.isFinite(K)) return `coupling K = ${K} is not finite`;
  if (cluster && K < 0)
    return `K = ${K} < 0; cluster updates need a ferromagnetic coupling (use potts-heat-bath)`;
  return undefined;
}

type PottsKernelFactory = (lattice: Lattice, q: number, K: number) => SamplerKernel;

/** A registered sampler over one Potts kernel: reads q and K off the Hamiltonian. */
function pottsSampler(
  id: string,
  description: string,
  unit: string,
  cluster: boolean,
  kernel: PottsKernelFactory,
): Sampler {
  return {
    id,
    description,
    unit,
    supports: (lattice, h) => pottsSupport(lattice, h, cluster),
    create(lattice, h) {
      assertSupported(id, pottsSupport(lattice, h, cluster));
      return kernel(lattice, h.spins?.states ?? 2, h.K[0]);
    },
  };
}

/** Wolff single-cluster updates of the q-state Potts model (`potts-wolff`). */
export const pottsWolff: Sampler = pottsSampler(
  'potts-wolff',
  'Wolff single-cluster updates of the nearest-neighbour q-state Potts model (new state uniform among the q − 1 others)',
  'cluster flip',
  true,
  createPottsWolffKernel,
);

/** The same Wolff chain from the WebAssembly kernel (`potts-wolff-wasm`): same clusters, same draws. */
export const pottsWolffWasm: Sampler = pottsSampler(
  'potts-wolff-wasm',
  'Wolff single-cluster updates of the q-state Potts model in WebAssembly (the chain of potts-wolff, draw for draw)',
  'cluster flip',
  true,
  createPottsWolffWasmKernel,
);

/** Swendsen–Wang sweeps of the q-state Potts model (`potts-swendsen-wang`). */
export const pottsSwendsenWang: Sampler = pottsSampler(
  'potts-swendsen-wang',
  'Swendsen–Wang cluster sweeps of the nearest-neighbour q-state Potts model',
  'sweep',
  true,
  createPottsSwendsenWangKernel,
);

/** Heat-bath sweeps of the q-state Potts model (`potts-heat-bath`), any finite K. */
export const pottsHeatBath: Sampler = pottsSampler(
  'potts-heat-bath',
  'Heat-bath single-site updates of the nearest-neighbour q-state Potts model in typewriter sweeps (any K)',
  'sweep',
  false,
  createPottsHeatBathKernel,
);
