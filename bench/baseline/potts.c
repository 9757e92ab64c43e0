/*
 * Baseline: the q-state Potts samplers on the periodic L×L square lattice, as the TypeScript
 * kernels of packages/samplers/src/potts draw them (same stream, same order of draws, same
 * neighbour order), so both languages produce the same chain.
 *   wolff: one cluster per step, ns per spin added
 *   sw:    one Swendsen–Wang sweep per step, ns per site
 *   heat-bath: one typewriter heat-bath sweep per step, ns per site
 * usage: potts <wolff|sw|heat-bath> [L=64] [q=3] [sites to time=2e7] [seed=1]; K = ln(1 + √q).
 * Starts from all 0 on stream 0 of the seed, 2000 steps (wolff) or 100 sweeps untimed, then
 * times steps until `sites` spins were added or visited. Prints one JSON object.
 */
#include <string.h>

#include "common.h"

#define TWO_M32 2.3283064365386963e-10

/*
 * One Wolff cluster: a seed site, a new state uniform among the q − 1 others (no draw for
 * q = 2), grown over neighbours in the seed's old state with r < threshold; sites take the
 * new state as they join. `degree` a literal, so the bond loop is unrolled.
 */
static inline uint32_t potts_wolff(uint8_t *restrict spin, const int32_t *restrict nb, const int degree,
                                   int32_t *restrict stack, uint32_t N, int q, uint32_t threshold,
                                   rng_t *restrict rng) {
  const int32_t seed = (int32_t)(((uint64_t)rng_next(rng) * N) >> 32);
  const uint8_t old = spin[seed];
  int next = old + 1;
  if (q > 2) next += (int)(((uint64_t)rng_next(rng) * (uint32_t)(q - 1)) >> 32);
  if (next >= q) next -= q;
  spin[seed] = (uint8_t)next;
  stack[0] = seed;
  uint32_t sp = 1, size = 1;
  while (sp) {
    const int32_t *n = nb + degree * stack[--sp];
    for (int k = 0; k < degree; k++) {
      const int32_t y = n[k];
      if (spin[y] == old && rng_next(rng) < threshold) {
        spin[y] = (uint8_t)next;
        stack[sp++] = y;
        size++;
      }
    }
  }
  return size;
}

/* One Swendsen–Wang sweep: clusters grown in site order, each one's state σ + nextInt(q) mod q drawn first. */
static void potts_sw(uint8_t *restrict spin, const int32_t *restrict nb, const int degree, int32_t *restrict stack,
                     uint8_t *restrict visited, uint32_t N, int q, uint32_t threshold, rng_t *restrict rng) {
  memset(visited, 0, N);
  for (uint32_t x0 = 0; x0 < N; x0++) {
    if (visited[x0]) continue;
    const uint8_t old = spin[x0];
    int next = old + (int)(((uint64_t)rng_next(rng) * (uint32_t)q) >> 32);
    if (next >= q) next -= q;
    visited[x0] = 1;
    spin[x0] = (uint8_t)next;
    stack[0] = (int32_t)x0;
    uint32_t sp = 1;
    while (sp) {
      const int32_t *n = nb + degree * stack[--sp];
      for (int k = 0; k < degree; k++) {
        const int32_t y = n[k];
        if (visited[y] || spin[y] != old) continue;
        if (rng_next(rng) < threshold) {
          visited[y] = 1;
          spin[y] = (uint8_t)next;
          stack[sp++] = y;
        }
      }
    }
  }
}

/* One heat-bath sweep: state c with probability ∝ boltzmann[n_c], the first c whose partial sum exceeds u. */
static void potts_heat_bath(uint8_t *restrict spin, const int32_t *restrict nb, const int degree, uint32_t N, int q,
                            const double *restrict boltzmann, int32_t *restrict counts, rng_t *restrict rng) {
  for (uint32_t i = 0; i < N; i++) {
    const int32_t *n = nb + degree * i;
    for (int k = 0; k < degree; k++) counts[spin[n[k]]]++;
    double total = 0;
    for (int c = 0; c < q; c++) total += boltzmann[counts[c]];
    const double u = (double)rng_next(rng) * TWO_M32 * total;
    int c = 0;
    double cumulative = boltzmann[counts[0]];
    while (cumulative <= u && c < q - 1) cumulative += boltzmann[counts[++c]];
    for (int k = 0; k < degree; k++) counts[spin[n[k]]] = 0;
    spin[i] = (uint8_t)c;
  }
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "wolff";
  const int L = argc > 2 ? atoi(argv[2]) : 64;
  const int q = argc > 3 ? atoi(argv[3]) : 3;
  const double target = argc > 4 ? atof(argv[4]) : 2e7;
  const uint64_t seed = argc > 5 ? strtoull(argv[5], NULL, 10) : 1;
  const int wolff = !strcmp(mode, "wolff"), sw = !strcmp(mode, "sw"), hb = !strcmp(mode, "heat-bath");
  if (!(wolff || sw || hb) || L < 3 || q < 2 || q > 256) {
    fprintf(stderr, "usage: potts <wolff|sw|heat-bath> [L>=3] [2<=q<=256] [sites] [seed]\n");
    return 1;
  }
  const uint32_t N = (uint32_t)L * (uint32_t)L;
  const double K = log(1.0 + sqrt((double)q));
  uint8_t *spin = calloc(N, 1);
  uint8_t *visited = malloc(N);
  int32_t *stack = malloc(sizeof(int32_t) * N);
  int32_t *counts = calloc((size_t)q, sizeof(int32_t));
  int32_t *nb = cubic_neighbours(2, L);
  /* As the kernels: r < 2^32 (1 − e^{−K}), the bond of K alone (bond_threshold takes 2K). */
  const uint32_t threshold = bond_threshold(0.5 * K);
  double boltzmann[5];
  for (int k = 0; k <= 4; k++) boltzmann[k] = exp(K * (k - 4));
  rng_t rng = rng_stream(seed, 0);
  double sites = 0, steps = 0;
#define STEP()                                                                        \
  (wolff ? potts_wolff(spin, nb, 4, stack, N, q, threshold, &rng)                     \
   : sw  ? (potts_sw(spin, nb, 4, stack, visited, N, q, threshold, &rng), N)          \
         : (potts_heat_bath(spin, nb, 4, N, q, boltzmann, counts, &rng), N))
  for (int i = 0; i < (wolff ? 2000 : 100); i++) STEP();
  const double t0 = now_seconds();
  while (sites < target) {
    sites += STEP();
    steps++;
  }
  const double seconds = now_seconds() - t0;
#undef STEP
  long histogram[256] = {0};
  for (uint32_t i = 0; i < N; i++) histogram[spin[i]]++;
  printf("{\"mode\":\"%s\",\"L\":%d,\"q\":%d,\"steps\":%.0f,\"sites\":%.0f,\"seconds\":%.6f,\"nsPerSite\":%.4f,"
         "\"meanCluster\":%.3f,\"states\":[",
         mode, L, q, steps, sites, seconds, 1e9 * seconds / sites, sites / steps);
  for (int c = 0; c < q; c++) printf(c ? ",%ld" : "%ld", histogram[c]);
  printf("]}\n");
  return 0;
}
