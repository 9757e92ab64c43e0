/*
 * Shared pieces of the C baselines: xoshiro128** seeded like Rng.stream (splitmix64 of the
 * master seed and stream index), the periodic hypercubic neighbour tables, one Wolff cluster
 * flip and a monotonic clock. Written as a C programmer would write the same algorithms as the
 * TypeScript kernels, so the timings compare implementations, not algorithms. Built with
 * -ffp-contract=off: JavaScript has no fused multiply-add, and floating-point kernels (the RBM)
 * must round as the TypeScript does to draw the same spins.
 */
#ifndef RSRG_BASELINE_COMMON_H
#define RSRG_BASELINE_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct { uint32_t s[4]; } rng_t;

static inline uint32_t rotl32(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static inline uint32_t rng_next(rng_t *r) {
  uint32_t *s = r->s;
  const uint32_t out = rotl32(s[1] * 5u, 7) * 9u;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl32(s[3], 11);
  return out;
}

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Same derivation as Rng.stream(seed, stream) in @rsrg/core. */
static rng_t rng_stream(uint64_t seed, uint64_t stream) {
  uint64_t x = (seed * 0x100000001b3ull) ^ (stream + 0x632be59bd9b4e019ull);
  splitmix64(&x);
  uint64_t a = splitmix64(&x), b = splitmix64(&x);
  rng_t r = {{(uint32_t)a, (uint32_t)(a >> 32), (uint32_t)b, (uint32_t)(b >> 32)}};
  if ((r.s[0] | r.s[1] | r.s[2] | r.s[3]) == 0) r.s[0] = 1;
  return r;
}

static inline int32_t site(int L, int row, int col) {
  return (int32_t)(((row % L + L) % L) * L + (col % L + L) % L);
}

/*
 * Neighbour table of the periodic L^d lattice, 2d per site in the order of the TypeScript bond
 * table (the orbit of the nearest-neighbour term, last axis first): +e_{d-1}, -e_{d-1}, ...,
 * +e_0, -e_0. The order fixes which draw tests which bond, so it must match for the same
 * clusters.
 */
static inline int32_t *cubic_neighbours(int d, int L) {
  int32_t N = 1;
  for (int a = 0; a < d; a++) N *= L;
  int32_t *nb = malloc(sizeof(int32_t) * 2 * d * N);
  for (int32_t x = 0; x < N; x++) {
    int32_t stride = 1;
    for (int a = d - 1, j = 0; a >= 0; a--, j += 2) {
      const int32_t c = (x / stride) % L; /* coordinate along axis a */
      nb[2 * d * x + j] = x + ((c + 1) % L - c) * stride;
      nb[2 * d * x + j + 1] = x + ((c + L - 1) % L - c) * stride;
      stride *= L;
    }
  }
  return nb;
}

/*
 * One Wolff cluster flip with bond probability p = 1 - e^{-2K}: seed site uniform, spins
 * flipped when added, an explicit stack. `degree` is 2d; pass a constant so that the inlined
 * bond loop is unrolled. Returns the cluster size (spins added).
 */
static inline uint32_t wolff_flip(int8_t *restrict spin, const int32_t *restrict nb, const int degree,
                                  int32_t *restrict stack, uint32_t N, uint32_t threshold,
                                  rng_t *restrict rng) {
  const int32_t seed = (int32_t)(((uint64_t)rng_next(rng) * N) >> 32);
  const int8_t s0 = spin[seed];
  spin[seed] = (int8_t)-s0;
  stack[0] = seed;
  uint32_t sp = 1, size = 1;
  while (sp) {
    const int32_t x = stack[--sp];
    const int32_t *n = nb + degree * x;
    for (int k = 0; k < degree; k++) {
      const int32_t y = n[k];
      if (spin[y] == s0 && rng_next(rng) < threshold) {
        spin[y] = (int8_t)-s0;
        stack[sp++] = y;
        size++;
      }
    }
  }
  return size;
}

/* u < threshold  ⇔  u · 2^-32 < p, the bond test of the TypeScript kernels. */
static inline uint32_t bond_threshold(double K) {
  double t = ceil(-expm1(-2.0 * K) * 4294967296.0); /* p as the bond table computes it */
  return t >= 4294967295.0 ? 4294967295u : (uint32_t)t;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#define K_C_2D 0.44068679350977147
#define K_C_3D 0.221654626

#endif
