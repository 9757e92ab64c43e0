/*
 * Baseline: Wolff cluster flips on the L^d Ising model at K_c (d = 2 or 3), reported as
 * nanoseconds per spin added to a cluster.
 * usage: wolff [L=32] [spins to time=2e7] [seed=1] [d=2]; prints one JSON object.
 */
#include "common.h"

/* Thermalize with 2000 flips from all up, then time flips until `target` spins were added. */
static void run(int d, int L, double target, uint64_t seed, int8_t *spin, uint32_t N, double *spins,
                double *flips, double *seconds) {
  int32_t *stack = malloc(sizeof(int32_t) * N);
  int32_t *nb = cubic_neighbours(d, L);
  rng_t rng = rng_stream(seed, 0);
  const uint32_t threshold = bond_threshold(d == 2 ? K_C_2D : K_C_3D);
  for (uint32_t i = 0; i < N; i++) spin[i] = 1;
  /* The degree is a literal in each branch so that the bond loop is unrolled for it. */
#define FLIP() (d == 2 ? wolff_flip(spin, nb, 4, stack, N, threshold, &rng) \
                       : wolff_flip(spin, nb, 6, stack, N, threshold, &rng))
  for (int i = 0; i < 2000; i++) FLIP();
  double s = 0, f = 0;
  const double t0 = now_seconds();
  while (s < target) {
    s += FLIP();
    f++;
  }
  *seconds = now_seconds() - t0;
#undef FLIP
  *spins = s;
  *flips = f;
}

int main(int argc, char **argv) {
  const int L = argc > 1 ? atoi(argv[1]) : 32;
  const double target = argc > 2 ? atof(argv[2]) : 2e7;
  const uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
  const int d = argc > 4 ? atoi(argv[4]) : 2;
  if (d != 2 && d != 3) {
    fprintf(stderr, "wolff: dimension must be 2 or 3, got %d\n", d);
    return 1;
  }
  uint32_t N = 1;
  for (int a = 0; a < d; a++) N *= (uint32_t)L;
  int8_t *spin = malloc(N);
  double spins, flips, seconds;
  run(d, L, target, seed, spin, N, &spins, &flips, &seconds);
  long m = 0;
  for (uint32_t i = 0; i < N; i++) m += spin[i];
  printf("{\"d\":%d,\"L\":%d,\"flips\":%.0f,\"spins\":%.0f,\"seconds\":%.6f,\"nsPerSpin\":%.4f,\"meanCluster\":%.3f,"
         "\"m\":%ld}\n",
         d, L, flips, spins, seconds, 1e9 * seconds / spins, spins / flips, m);
  return 0;
}
