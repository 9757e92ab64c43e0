/*
 * Baseline: MCRG measurements per second, single-threaded, simple cubic Ising L = 16 at K_c.
 * One measurement = `interval` Wolff flips, majority-rule blocking of 2 × 2 × 2 cubes
 * (fair-coin ties) to 2 further levels (16 → 8 → 4), the 10 even + 6 odd couplings of
 * 'ising3d.even' and 'ising3d.odd' on all 3 levels (bit-packed padded layout, XOR and popcount,
 * as CompiledCouplings), and accumulation into the current bin of S, S Sᵀ per level and
 * S^(n+1) S^(n)ᵀ between adjacent levels (all 16 × 16 entries).
 * usage: mcrg3d [measurements=4000] [seed=1] [interval=5]; prints one JSON object.
 */
#include <string.h>

#include "common.h"

#define D 3
#define L0 16
#define LEVELS 2 /* RG steps; levels 0..LEVELS are measured */
#define NL (LEVELS + 1)
#define M 16 /* couplings per level: 10 even, then 6 odd */
#define BINS 100
#define MAX_TERMS 128

typedef struct { int n; int off[4][D]; } term_t;

/*
 * Each coupling is the orbit of one representative term under the 48 elements of the cubic
 * point group, as couplingFromOrbit declares them in packages/models/src/ising/ising3d.ts;
 * `count` is the number of distinct terms (terms per site), checked after generation.
 */
static const struct { term_t rep; int count; } COUPLINGS[M] = {
    {{2, {{0, 0, 0}, {1, 0, 0}}}, 3},                       /* nearest neighbour */
    {{2, {{0, 0, 0}, {1, 1, 0}}}, 6},                       /* face diagonal (1,1,0) */
    {{2, {{0, 0, 0}, {1, 1, 1}}}, 4},                       /* body diagonal (1,1,1) */
    {{2, {{0, 0, 0}, {2, 0, 0}}}, 3},                       /* axis pair (2,0,0) */
    {{4, {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}}}, 3}, /* square plaquette */
    {{2, {{0, 0, 0}, {2, 1, 0}}}, 12},                      /* pair (2,1,0) */
    {{2, {{0, 0, 0}, {2, 1, 1}}}, 12},                      /* pair (2,1,1) */
    {{2, {{0, 0, 0}, {2, 2, 0}}}, 6},                       /* pair (2,2,0) */
    {{4, {{0, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 1, 1}}}, 2}, /* tetrahedron */
    {{4, {{0, 0, 0}, {1, 0, 0}, {0, 1, 1}, {1, 1, 1}}}, 6}, /* diagonal rectangle */
    {{1, {{0, 0, 0}}}, 1},                                  /* magnetization */
    {{3, {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}}}, 12},           /* 3-spin square corner */
    {{3, {{0, 0, 0}, {1, 0, 0}, {2, 0, 0}}}, 3},            /* 3 in a row */
    {{3, {{0, 0, 0}, {1, 1, 0}, {2, 2, 0}}}, 6},            /* 3 on a face diagonal */
    {{3, {{0, 0, 0}, {1, 1, 1}, {2, 2, 2}}}, 4},            /* 3 on a body diagonal */
    {{3, {{0, 0, 0}, {1, 1, 0}, {1, 0, 1}}}, 8},            /* face-diagonal triangle */
};

static term_t terms[MAX_TERMS];
static int term_coupling[MAX_TERMS];
static int nterms = 0;

static int offset_cmp(const void *a, const void *b) { return memcmp(a, b, sizeof(int) * D); }

/* Translate so that the bounding box starts at the origin, then sort the offsets. */
static void canonical(term_t *t) {
  for (int a = 0; a < D; a++) {
    int lo = t->off[0][a];
    for (int j = 1; j < t->n; j++) lo = t->off[j][a] < lo ? t->off[j][a] : lo;
    for (int j = 0; j < t->n; j++) t->off[j][a] -= lo;
  }
  qsort(t->off, (size_t)t->n, sizeof(t->off[0]), offset_cmp);
}

/* Every axis permutation combined with every reflection; distinct canonical images only. */
static void generate_terms(void) {
  static const int PERMS[6][D] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
  for (int c = 0; c < M; c++) {
    const int first = nterms;
    for (int p = 0; p < 6; p++)
      for (int signs = 0; signs < 1 << D; signs++) {
        term_t t = {COUPLINGS[c].rep.n, {{0}}};
        for (int j = 0; j < t.n; j++)
          for (int a = 0; a < D; a++) {
            const int v = COUPLINGS[c].rep.off[j][PERMS[p][a]];
            t.off[j][a] = (signs >> a) & 1 ? -v : v;
          }
        canonical(&t);
        int seen = 0;
        for (int k = first; k < nterms && !seen; k++) seen = memcmp(&terms[k], &t, sizeof t) == 0;
        if (!seen) {
          terms[nterms] = t;
          term_coupling[nterms++] = c;
        }
      }
    if (nterms - first != COUPLINGS[c].count) {
      fprintf(stderr, "mcrg3d: coupling %d has %d terms, expected %d\n", c, nterms - first, COUPLINGS[c].count);
      exit(1);
    }
  }
}

/*
 * Per level, as CompiledCouplings: the configuration is copied into a periodic layout padded
 * by the couplings' reach (2 on every axis, for both sets), bit-packed (bit = 1 for a down
 * spin); a term over 32 consecutive anchors of a row is the XOR of 32-bit windows, and
 * Σ Π σ = n − 2·popcount. Both sets share one packing per level.
 */
#define REACH 2
typedef struct {
  int L, P, words;
  int32_t *pad_source; /* padded index → site */
  uint32_t *bits;
  int delta[MAX_TERMS][4]; /* padded displacement of each spin of each term */
} level_t;

static void level_init(level_t *lv, int L) {
  lv->L = L;
  const int P = lv->P = L + REACH;
  const int PV = P * P * P;
  lv->pad_source = malloc(sizeof(int32_t) * PV);
  for (int x = 0; x < P; x++)
    for (int y = 0; y < P; y++)
      for (int z = 0; z < P; z++) lv->pad_source[(x * P + y) * P + z] = ((x % L) * L + y % L) * L + z % L;
  lv->words = (PV >> 5) + 2;
  lv->bits = calloc((size_t)lv->words, sizeof(uint32_t));
  for (int t = 0; t < nterms; t++)
    for (int j = 0; j < terms[t].n; j++)
      lv->delta[t][j] = (terms[t].off[j][0] * P + terms[t].off[j][1]) * P + terms[t].off[j][2];
}

static void coupling_sums(const level_t *lv, const int8_t *restrict s, double *restrict out) {
  const int L = lv->L, P = lv->P, PV = P * P * P;
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
  for (int t = 0; t < nterms; t++) {
    const int n = terms[t].n;
    const int *delta = lv->delta[t];
    long ones = 0;
    for (int x = 0; x < L; x++)
      for (int y = 0; y < L; y++) {
        const int x0 = (x * P + y) * P; /* first anchor of the row along the last axis */
        for (int j = 0; j < L; j += 32) {
          const int len = L - j < 32 ? L - j : 32;
          uint32_t v = 0;
          for (int q = 0; q < n; q++) {
            const int i = x0 + j + delta[q];
            const int w = i >> 5, sh = i & 31;
            v ^= (bits[w] >> sh) | ((bits[w + 1] << (31 - sh)) << 1);
          }
          if (len < 32) v &= (1u << len) - 1u;
          ones += __builtin_popcount(v);
        }
      }
    out[term_coupling[t]] += (double)((long)L * L * L - 2 * ones);
  }
}

/* Majority rule on 2 × 2 × 2 cubes; a tie (sum 0) takes the top bit of one draw, as Rng.nextSign. */
static void majority(const int8_t *restrict fine, int Lf, int8_t *restrict coarse, rng_t *restrict rng) {
  const int Lc = Lf / 2, plane = Lf * Lf;
  for (int I = 0; I < Lc; I++)
    for (int J = 0; J < Lc; J++)
      for (int K = 0; K < Lc; K++) {
        const int a = (2 * I * Lf + 2 * J) * Lf + 2 * K;
        const int sum = fine[a] + fine[a + 1] + fine[a + Lf] + fine[a + Lf + 1] + fine[a + plane] +
                        fine[a + plane + 1] + fine[a + plane + Lf] + fine[a + plane + Lf + 1];
        coarse[(I * Lc + J) * Lc + K] =
            sum > 0 ? 1 : sum < 0 ? -1 : ((rng_next(rng) & 0x80000000u) ? 1 : -1);
      }
}

int main(int argc, char **argv) {
  const long measurements = argc > 1 ? atol(argv[1]) : 4000;
  const uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
  const int interval = argc > 3 ? atoi(argv[3]) : 5;
  const uint32_t N = L0 * L0 * L0;
  generate_terms();
  int8_t *spin[NL];
  level_t lv[NL];
  for (int n = 0, L = L0; n < NL; n++, L /= 2) {
    spin[n] = malloc((size_t)L * L * L);
    level_init(&lv[n], L);
  }
  int32_t *stack = malloc(sizeof(int32_t) * N);
  int32_t *nb = cubic_neighbours(D, L0);
  rng_t rng = rng_stream(seed, 0);  /* chain 0 samples with stream 2·0 ... */
  rng_t prng = rng_stream(seed, 1); /* ... and projects with stream 2·0 + 1, as runChain */
  const uint32_t threshold = bond_threshold(K_C_3D);
  /* As runChain: random start from the chain's stream (Rng.nextSign), then 1000 intervals. */
  for (uint32_t i = 0; i < N; i++) spin[0][i] = (rng_next(&rng) & 0x80000000u) ? 1 : -1;
  for (int i = 0; i < 1000 * interval; i++) wolff_flip(spin[0], nb, 2 * D, stack, N, threshold, &rng);

  double *sum = calloc((size_t)BINS * NL * M, sizeof(double));
  double *sumSq = calloc((size_t)BINS * NL * M * M, sizeof(double));
  double *sumCross = calloc((size_t)BINS * LEVELS * M * M, sizeof(double));
  double S[NL * M];
  const long perBin = (measurements + BINS - 1) / BINS;

  const double t0 = now_seconds();
  for (long i = 0; i < measurements; i++) {
    for (int k = 0; k < interval; k++) wolff_flip(spin[0], nb, 2 * D, stack, N, threshold, &rng);
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
   * (≈ 1 at K_c: 3 bonds per site) and Σ S over all measurements for every level and coupling.
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
