/*
 * Baseline (b): MCRG measurements per second, single-threaded, 2D Ising L = 32 at K_c.
 * One measurement = `interval` Wolff flips, majority-rule blocking (fair-coin ties) to 3
 * further levels (32 → 16 → 8 → 4), the 7 even + 4 odd coupling sums of docs physics §3 on
 * all 4 levels (bit-packed padded layout, XOR and popcount, as CompiledCouplings), and accumulation into the current bin of
 * S, S Sᵀ per level and S^(n+1) S^(n)ᵀ between adjacent levels (all 11 × 11 entries).
 * usage: mcrg [measurements=20000] [seed=1] [interval=5]; prints one JSON object.
 */
#include <string.h>

#include "common.h"

#define L0 32
#define LEVELS 3 /* RG steps; levels 0..LEVELS are measured */
#define NL (LEVELS + 1)
#define M 11     /* couplings per level: 7 even, then 4 odd */
#define BINS 100
#define MAX_TERMS 32

typedef struct { int n; int off[4][2]; } term_t;
typedef struct { int coupling; term_t t; } coupling_term_t;

/* Offsets (row, col) from the anchor; every term of every coupling of physics §3. */
static const coupling_term_t TERMS[] = {
    {0, {2, {{0, 0}, {0, 1}}}}, {0, {2, {{0, 0}, {1, 0}}}},                           /* nearest neighbour */
    {1, {2, {{0, 0}, {1, 1}}}}, {1, {2, {{0, 1}, {1, 0}}}},                           /* next-nearest */
    {2, {4, {{0, 0}, {0, 1}, {1, 0}, {1, 1}}}},                                       /* plaquette */
    {3, {2, {{0, 0}, {0, 2}}}}, {3, {2, {{0, 0}, {2, 0}}}},                           /* third neighbour */
    {4, {2, {{0, 0}, {1, 2}}}}, {4, {2, {{0, 1}, {2, 0}}}},                           /* knight */
    {4, {2, {{0, 0}, {2, 1}}}}, {4, {2, {{0, 2}, {1, 0}}}},
    {5, {4, {{0, 1}, {1, 0}, {1, 2}, {2, 1}}}},                                       /* diamond */
    {6, {2, {{0, 0}, {2, 2}}}}, {6, {2, {{0, 2}, {2, 0}}}},                           /* (2,2) pairs */
    {7, {1, {{0, 0}}}},                                                               /* magnetization */
    {8, {3, {{0, 0}, {0, 1}, {1, 0}}}}, {8, {3, {{0, 0}, {0, 1}, {1, 1}}}},           /* 3 of a plaquette */
    {8, {3, {{0, 0}, {1, 0}, {1, 1}}}}, {8, {3, {{0, 1}, {1, 0}, {1, 1}}}},
    {9, {3, {{0, 0}, {0, 1}, {0, 2}}}}, {9, {3, {{0, 0}, {1, 0}, {2, 0}}}},           /* 3 in a row */
    {10, {3, {{0, 0}, {1, 1}, {2, 2}}}}, {10, {3, {{0, 2}, {1, 1}, {2, 0}}}},         /* 3 on a diagonal */
};
#define NTERMS ((int)(sizeof(TERMS) / sizeof(TERMS[0])))

/*
 * Per level, as CompiledCouplings: the configuration is copied into a periodic layout padded
 * by the couplings' reach (2), bit-packed (bit = 1 for a down spin); a term over 32
 * consecutive anchors of a row is the XOR of 32-bit windows, and Σ Π σ = n − 2·popcount.
 */
#define REACH 2
typedef struct {
  int L, P, words;
  int32_t *pad_source; /* padded index → site */
  uint32_t *bits;
} level_t;

static void level_init(level_t *lv, int L) {
  lv->L = L;
  lv->P = L + REACH;
  const int PV = lv->P * lv->P;
  lv->pad_source = malloc(sizeof(int32_t) * PV);
  for (int r = 0; r < lv->P; r++)
    for (int c = 0; c < lv->P; c++) lv->pad_source[r * lv->P + c] = site(L, r, c);
  lv->words = (PV >> 5) + 2;
  lv->bits = calloc((size_t)lv->words, sizeof(uint32_t));
}

static void coupling_sums(const level_t *lv, const int8_t *restrict s, double *restrict out) {
  const int L = lv->L, P = lv->P, PV = P * P;
  uint32_t *restrict bits = lv->bits;
  const int32_t *restrict src = lv->pad_source;
  const int full = PV >> 5;
  for (int w = 0; w < full; w++) {
    uint32_t word = 0;
    for (int k = 0; k < 32; k++) word |= (uint32_t)((1 - s[src[(w << 5) + k]]) >> 1) << k;
    bits[w] = word;
  }
  uint32_t word = 0;
  for (int i = full << 5; i < PV; i++) word |= (uint32_t)((1 - s[src[i]]) >> 1) << (i & 31);
  bits[full] = word;
  for (int c = 0; c < M; c++) out[c] = 0;
  for (int t = 0; t < NTERMS; t++) {
    const term_t *term = &TERMS[t].t;
    int delta[4];
    for (int j = 0; j < term->n; j++) delta[j] = term->off[j][0] * P + term->off[j][1];
    long ones = 0;
    for (int r = 0; r < L; r++) {
      const int x0 = r * P;
      for (int j = 0; j < L; j += 32) {
        const int n = L - j < 32 ? L - j : 32;
        uint32_t v = 0;
        for (int q = 0; q < term->n; q++) {
          const int i = x0 + j + delta[q];
          const int w = i >> 5, sh = i & 31;
          v ^= (bits[w] >> sh) | ((bits[w + 1] << (31 - sh)) << 1);
        }
        if (n < 32) v &= (1u << n) - 1u;
        ones += __builtin_popcount(v);
      }
    }
    out[TERMS[t].coupling] += (double)((long)L * L - 2 * ones);
  }
}

/* Majority rule on 2 × 2 blocks; a tie (sum 0) takes the top bit of one draw, as Rng.nextSign. */
static void majority(const int8_t *restrict fine, int Lf, int8_t *restrict coarse, rng_t *restrict rng) {
  const int Lc = Lf / 2;
  for (int I = 0; I < Lc; I++)
    for (int J = 0; J < Lc; J++) {
      const int a = 2 * I * Lf + 2 * J;
      const int sum = fine[a] + fine[a + 1] + fine[a + Lf] + fine[a + Lf + 1];
      coarse[I * Lc + J] = sum > 0 ? 1 : sum < 0 ? -1 : ((rng_next(rng) & 0x80000000u) ? 1 : -1);
    }
}

int main(int argc, char **argv) {
  const long measurements = argc > 1 ? atol(argv[1]) : 20000;
  const uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
  const int interval = argc > 3 ? atoi(argv[3]) : 5;
  const uint32_t N = L0 * L0;
  int8_t *spin[NL];
  level_t lv[NL];
  for (int n = 0, L = L0; n < NL; n++, L /= 2) {
    spin[n] = malloc((size_t)L * L);
    level_init(&lv[n], L);
  }
  int32_t *stack = malloc(sizeof(int32_t) * N);
  int32_t *nb = cubic_neighbours(2, L0);
  rng_t rng = rng_stream(seed, 0);  /* chain 0 samples with stream 2·0 ... */
  rng_t prng = rng_stream(seed, 1); /* ... and projects with stream 2·0 + 1, as runChain */
  const uint32_t threshold = bond_threshold(K_C_2D);
  /* As runChain: random start from the chain's stream (Rng.nextSign), then 1000 intervals. */
  for (uint32_t i = 0; i < N; i++) spin[0][i] = (rng_next(&rng) & 0x80000000u) ? 1 : -1;
  for (int i = 0; i < 1000 * interval; i++) wolff_flip(spin[0], nb, 4, stack, N, threshold, &rng);

  double *sum = calloc((size_t)BINS * NL * M, sizeof(double));
  double *sumSq = calloc((size_t)BINS * NL * M * M, sizeof(double));
  double *sumCross = calloc((size_t)BINS * LEVELS * M * M, sizeof(double));
  double S[NL * M];
  const long perBin = (measurements + BINS - 1) / BINS;

  const double t0 = now_seconds();
  for (long i = 0; i < measurements; i++) {
    for (int k = 0; k < interval; k++) wolff_flip(spin[0], nb, 4, stack, N, threshold, &rng);
    for (int n = 0; n < NL; n++) {
      if (n > 0) majority(spin[n - 1], lv[n - 1].L, spin[n], &prng);
      coupling_sums(&lv[n], spin[n], S + n * M);
    }
    const long bin = i / perBin;
    double *bs = sum + bin * NL * M;
    for (int j = 0; j < NL * M; j++) bs[j] += S[j];
    for (int n = 0; n < NL; n++) {
      double *row = sumSq + ((bin * NL + n) * M) * M;
      const double *Sn = S + n * M;
      for (int g = 0; g < M; g++)
        for (int a = 0; a < M; a++) row[g * M + a] += Sn[g] * Sn[a];
    }
    for (int n = 0; n < LEVELS; n++) {
      double *row = sumCross + ((bin * LEVELS + n) * M) * M;
      const double *fine = S + n * M, *coarse = fine + M;
      for (int g = 0; g < M; g++)
        for (int b = 0; b < M; b++) row[g * M + b] += coarse[g] * fine[b];
    }
  }
  const double seconds = now_seconds() - t0;

  /*
   * Checks that the work was real and the same as the TypeScript chain's: ⟨S_nn⟩/N at level 0
   * (≈ 1.4337 for L = 32 at K_c) and Σ S over all measurements for every level and coupling.
   */
  double total[NL * M] = {0};
  for (long b = 0; b < BINS; b++)
    for (int j = 0; j < NL * M; j++) total[j] += sum[b * NL * M + j];
  printf("{\"L\":%d,\"levels\":%d,\"interval\":%d,\"measurements\":%ld,\"seconds\":%.6f,\"perSecond\":%.2f,"
         "\"energyPerSite\":%.5f,\"totals\":[",
         L0, LEVELS, interval, measurements, seconds, measurements / seconds, total[0] / measurements / N);
  for (int j = 0; j < NL * M; j++) printf("%s%.0f", j ? "," : "", total[j]);
  printf("]}\n");
  return 0;
}
