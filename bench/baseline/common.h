/*
 * Shared pieces of the C baselines: xoshiro128** seeded like Rng.stream (splitmix64 of the
 * master seed and stream index), the periodic square-lattice tables, one Wolff cluster flip
 * and a monotonic clock. Written as a C programmer would write the same algorithms as the
 * TypeScript kernels, so the timings compare implementations, not algorithms.
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

/* Neighbour table, 4 per site: +col, -col, +row, -row (order does not change the cluster). */
static int32_t *neighbour_table(int L) {
  int32_t *nb = malloc(sizeof(int32_t) * 4 * L * L);
  for (int r = 0; r < L; r++)
    for (int c = 0; c < L; c++) {
      int32_t x = r * L + c;
      nb[4 * x + 0] = site(L, r, c + 1);
      nb[4 * x + 1] = site(L, r, c - 1);
      nb[4 * x + 2] = site(L, r + 1, c);
      nb[4 * x + 3] = site(L, r - 1, c);
    }
  return nb;
}

/*
 * One Wolff cluster flip with bond probability p = 1 - e^{-2K}: seed site uniform, spins
 * flipped when added, an explicit stack. Returns the cluster size (spins added).
 */
static inline uint32_t wolff_flip(int8_t *restrict spin, const int32_t *restrict nb, int32_t *restrict stack,
                                  uint32_t N, uint32_t threshold, rng_t *restrict rng) {
  const int32_t seed = (int32_t)(((uint64_t)rng_next(rng) * N) >> 32);
  const int8_t s0 = spin[seed];
  spin[seed] = (int8_t)-s0;
  stack[0] = seed;
  uint32_t sp = 1, size = 1;
  while (sp) {
    const int32_t x = stack[--sp];
    const int32_t *n = nb + 4 * x;
    for (int k = 0; k < 4; k++) {
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
static uint32_t bond_threshold(double K) {
  double t = ceil((1.0 - exp(-2.0 * K)) * 4294967296.0);
  return t >= 4294967295.0 ? 4294967295u : (uint32_t)t;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

#define K_C_2D 0.44068679350977147

#endif
