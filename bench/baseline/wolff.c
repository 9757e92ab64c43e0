/*
 * Baseline (a): Wolff cluster flips on the 2D L × L Ising model at K_c, reported as
 * nanoseconds per spin added to a cluster.
 * usage: wolff [L=32] [spins to time=2e7] [seed=1]; prints one JSON object.
 */
#include "common.h"

int main(int argc, char **argv) {
  const int L = argc > 1 ? atoi(argv[1]) : 32;
  const double target = argc > 2 ? atof(argv[2]) : 2e7;
  const uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
  const uint32_t N = (uint32_t)L * L;
  int8_t *spin = malloc(N);
  int32_t *stack = malloc(sizeof(int32_t) * N);
  int32_t *nb = neighbour_table(L);
  rng_t rng = rng_stream(seed, 0);
  const uint32_t threshold = bond_threshold(K_C_2D);
  for (uint32_t i = 0; i < N; i++) spin[i] = 1;
  for (int i = 0; i < 2000; i++) wolff_flip(spin, nb, stack, N, threshold, &rng);

  double spins = 0, flips = 0;
  const double t0 = now_seconds();
  while (spins < target) {
    spins += wolff_flip(spin, nb, stack, N, threshold, &rng);
    flips++;
  }
  const double seconds = now_seconds() - t0;
  long m = 0;
  for (uint32_t i = 0; i < N; i++) m += spin[i];
  printf("{\"L\":%d,\"flips\":%.0f,\"spins\":%.0f,\"seconds\":%.6f,\"nsPerSpin\":%.4f,\"meanCluster\":%.3f,\"m\":%ld}\n", L,
         flips, spins, seconds, 1e9 * seconds / spins, spins / flips, m);
  return 0;
}
