/*
 * Baselines: the RBM weight factor of Chung & Kao on the periodic L × L lattice (filter side w,
 * stride b), with the lookup-table algorithm of packages/projectors/src/window/ and
 * src/rbm/layout.ts: a window sum Σ_k W_k s_k is read a byte of spins at a time from a padded
 * periodic copy of the input, through tables of T = Σ_c w_c s_c and E = e^{−2T} per window
 * byte, so a field is a sum of T's and its Boltzmann factor a product of E's.
 *
 *   rbm project [n=2e5] [seed=1] [L=32] [w=8] [b=2]
 *       projections σ → μ per second, as RbmProjector.create(lattice).apply
 *   rbm cd [n=2e4] [seed=1] [L=32] [w=8] [b=2] [k=3]
 *       CD-k gradient contributions per second, as ContrastiveDivergence.accumulate
 *
 * Shared set-up (as bench/run.mjs does it): filter W_k = (2u − 1)/2 with u = nextFloat of
 * stream 0, in weight order; 64 configurations of nextSign from stream 1; the timed run
 * draws from stream 2 after a warm-up. Prints one JSON object.
 */
#include <string.h>

#include "common.h"

#define SEGMENT 8
#define PRODUCT_BOUND 300.0
#define POOL 64
#define FILTER_SCALE 0.5
#define TWO_POW_M32 2.3283064365386963e-10

/*
 * How windows of side `side` are read over one padded periodic array (WindowReader): byte p
 * holds the spins at p, p+1, ... along the rows; a window of side ≤ 4 packs `lines_per_byte`
 * consecutive rows into one byte, `line_bits` bits each.
 */
typedef struct {
  int padded_volume;
  int32_t *source; /* padded index → site */
  int lines_per_byte, line_bits, line_stride;
  int pattern_length;
  int nbytes;          /* bytes per window */
  int32_t *offsets;    /* padded offset of each window byte from the window's corner */
  int32_t *bit_window; /* window offset (row-major, side × side) of bit c of byte s, or −1 */
} reader_t;

static void reader_init(reader_t *r, int L, int P, int shift, int side) {
  r->padded_volume = P * P;
  r->source = malloc(sizeof(int32_t) * P * P);
  for (int pr = 0; pr < P; pr++)
    for (int pc = 0; pc < P; pc++) r->source[pr * P + pc] = site(L, pr - shift, pc - shift);
  const int packed = side <= SEGMENT / 2;
  r->lines_per_byte = packed ? SEGMENT / side : 1;
  r->line_bits = packed ? side : SEGMENT;
  r->line_stride = P;
  r->pattern_length = P * P + (r->lines_per_byte - 1) * P + SEGMENT;
  const int k = r->lines_per_byte;
  const int segments = (side + SEGMENT - 1) / SEGMENT;
  r->nbytes = packed ? (side + k - 1) / k : side * segments;
  r->offsets = malloc(sizeof(int32_t) * r->nbytes);
  r->bit_window = malloc(sizeof(int32_t) * r->nbytes * SEGMENT);
  int n = 0;
  if (packed) {
    for (int chunk = 0; chunk * k < side; chunk++, n++) {
      r->offsets[n] = chunk * k * P;
      for (int c = 0; c < SEGMENT; c++) {
        const int line = chunk * k + c / side;
        r->bit_window[n * SEGMENT + c] = c < k * side && line < side ? line * side + c % side : -1;
      }
    }
  } else {
    for (int row = 0; row < side; row++)
      for (int s = 0; s < segments; s++, n++) {
        r->offsets[n] = row * P + s * SEGMENT;
        for (int c = 0; c < SEGMENT; c++) {
          const int col = s * SEGMENT + c;
          r->bit_window[n * SEGMENT + c] = col < side ? row * side + col : -1;
        }
      }
  }
}

/*
 * The index tables of RbmLayout. σ → h: hidden unit J at coarse (X, Y) reads the window of side
 * w at (bX, bY) of the fine configuration padded to L + w − b. μ → g (the transposed
 * convolution): fine site (bm + q) sees hidden units m − j, j < n = ⌈w/b⌉ per axis, through
 * W_{q + bj}; with the coarse configuration padded by n − 1 on the low side that is a window of
 * side n at m, with its own table group per residue q.
 */
typedef struct {
  int L, w, b, C, n, hidden, visible;
  reader_t fine, coarse;
  int32_t *hidden_anchors, *hidden_groups, *hidden_weight_index;
  int32_t *visible_anchors, *visible_groups, *visible_weight_index;
} layout_t;

static void layout_init(layout_t *l, int L, int w, int b) {
  l->L = L;
  l->w = w;
  l->b = b;
  const int C = l->C = L / b;
  const int n = l->n = (w + b - 1) / b;
  l->hidden = C * C;
  l->visible = L * L;
  const int Pf = L + (w > b ? w - b : 0);
  reader_init(&l->fine, L, Pf, 0, w);
  l->hidden_anchors = malloc(sizeof(int32_t) * l->hidden);
  l->hidden_groups = calloc((size_t)l->hidden, sizeof(int32_t)); /* one filter: group 0 */
  for (int X = 0; X < C; X++)
    for (int Y = 0; Y < C; Y++) l->hidden_anchors[X * C + Y] = b * X * Pf + b * Y;
  l->hidden_weight_index = l->fine.bit_window;

  const int Pc = C + n - 1;
  reader_init(&l->coarse, C, Pc, n - 1, n);
  l->visible_anchors = malloc(sizeof(int32_t) * l->visible);
  l->visible_groups = malloc(sizeof(int32_t) * l->visible);
  for (int x = 0; x < L; x++)
    for (int y = 0; y < L; y++) {
      l->visible_anchors[x * L + y] = (x / b) * Pc + y / b;
      l->visible_groups[x * L + y] = (x % b) * b + y % b;
    }
  const int bits = l->coarse.nbytes * SEGMENT;
  l->visible_weight_index = malloc(sizeof(int32_t) * b * b * bits);
  for (int g = 0; g < b * b; g++)
    for (int bit = 0; bit < bits; bit++) {
      const int v = l->coarse.bit_window[bit];
      int k = -1;
      if (v >= 0) {
        const int kr = g / b + b * (n - 1 - v / n), kc = g % b + b * (n - 1 - v % n);
        if (kr < w && kc < w) k = kr * w + kc;
      }
      l->visible_weight_index[g * bits + bit] = k;
    }
}

/* Lookup tables of one direction (WindowTable): 2·256 doubles per segment, T then E per byte. */
typedef struct {
  int segments, per_group, products;
  const int32_t *weight_index;
  double *table;
} field_table_t;

static void table_init(field_table_t *t, const int32_t *weight_index, int segments, int per_group) {
  t->segments = segments;
  t->per_group = per_group;
  t->weight_index = weight_index;
  t->table = malloc(sizeof(double) * 512 * segments);
}

/* buildTable: products of E are used only when every group's Σ|w| ≤ PRODUCT_BOUND. */
static void table_update(field_table_t *t, const double *W) {
  double scratch[2 * SEGMENT];
  int safe = 1;
  double group_sum = 0;
  for (int q = 0; q < t->segments; q++) {
    if (q % t->per_group == 0) group_sum = 0;
    double t0 = 0;
    for (int c = 0; c < SEGMENT; c++) {
      const int k = t->weight_index[q * SEGMENT + c];
      const double w = k >= 0 ? W[k] : 0;
      scratch[c] = 2 * w;
      scratch[SEGMENT + c] = exp(-4 * w);
      t0 -= w;
      group_sum += fabs(w);
    }
    if (group_sum > PRODUCT_BOUND) safe = 0;
    double *base = t->table + (q << 9);
    base[0] = t0;
    base[1] = exp(-2 * t0);
    for (int p = 1; p < 256; p++) {
      const int low = p & -p;
      const int c = __builtin_ctz((unsigned)low);
      const double *from = base + ((p ^ low) << 1);
      base[p << 1] = from[0] + scratch[c];
      base[(p << 1) + 1] = from[1] * scratch[SEGMENT + c];
    }
  }
  t->products = safe;
}

/* pat[p] = byte of the spins at padded p..p+7 (bit c ⇔ +1); packed rows when the reader says so. */
static void window_patterns(const reader_t *r, const int8_t *restrict spins, uint8_t *restrict pat) {
  const int32_t *restrict source = r->source;
  unsigned byte = 0;
  for (int p = r->padded_volume - 1; p >= 0; p--) {
    byte = ((byte << 1) | (unsigned)((spins[source[p]] + 1) >> 1)) & 255u;
    pat[p] = (uint8_t)byte;
  }
  if (r->lines_per_byte > 1) {
    const unsigned mask = (1u << r->line_bits) - 1u;
    for (int p = 0; p < r->padded_volume; p++) {
      unsigned v = pat[p] & mask;
      for (int l = 1; l < r->lines_per_byte; l++) v |= (pat[p + l * r->line_stride] & mask) << (l * r->line_bits);
      pat[p] = (uint8_t)v;
    }
  }
}

/* h[u] = Σ_s T[group_u, s][byte] and e[u] = e^{−2h[u]} (a product of E's when safe). */
static void unit_fields(const field_table_t *t, const uint8_t *restrict pat, const int32_t *restrict anchors,
                        const int32_t *restrict groups, const int32_t *restrict offsets, int R, int count,
                        double *restrict h, double *restrict e) {
  const double *restrict table = t->table;
  for (int u = 0; u < count; u++) {
    const int a = anchors[u], g = groups[u] * R;
    double s = 0, f = 1;
    for (int q = 0; q < R; q++) {
      const int i = ((g + q) << 9) | (pat[a + offsets[q]] << 1);
      s += table[i];
      f *= table[i + 1];
    }
    h[u] = s;
    e[u] = t->products ? f : exp(-2 * s);
  }
}

/* unit_fields without h. */
static void unit_factors(const field_table_t *t, const uint8_t *restrict pat, const int32_t *restrict anchors,
                         const int32_t *restrict groups, const int32_t *restrict offsets, int R, int count,
                         double *restrict e) {
  const double *restrict table = t->table;
  if (t->products) {
    for (int u = 0; u < count; u++) {
      const int a = anchors[u], g = groups[u] * R;
      double f = 1;
      for (int q = 0; q < R; q++) f *= table[(((g + q) << 9) | (pat[a + offsets[q]] << 1)) + 1];
      e[u] = f;
    }
  } else {
    for (int u = 0; u < count; u++) {
      const int a = anchors[u], g = groups[u] * R;
      double s = 0;
      for (int q = 0; q < R; q++) s += table[((g + q) << 9) | (pat[a + offsets[q]] << 1)];
      e[u] = exp(-2 * s);
    }
  }
}

/* out[u] = +1 with probability 1/(1 + e[u]): one draw per unit, +1 iff u·2^-32·(1 + e) < 1. */
static void sample_spins(const double *restrict e, int8_t *restrict out, int count, rng_t *restrict rng) {
  rng_t r = *rng;
  for (int i = 0; i < count; i++) {
    const double u = (double)rng_next(&r) * TWO_POW_M32;
    out[i] = (int8_t)(1 - 2 * (u * (1 + e[i]) >= 1));
  }
  *rng = r;
}

static void tanh_fields(const double *restrict h, const double *restrict e, double *restrict t, int count) {
  for (int J = 0; J < count; J++) {
    const double x = h[J];
    t[J] = x > 20 ? 1 : x < -20 ? -1 : (1 - e[J]) / (1 + e[J]);
  }
}

/* buckets[s·256 + byte s of J's window] += weight·t[J]: the gradient, grouped by spin byte. */
static void add_to_buckets(const uint8_t *restrict pat, const int32_t *restrict anchors,
                           const int32_t *restrict offsets, int R, int count, const double *restrict t,
                           double weight, double *restrict buckets) {
  for (int J = 0; J < count; J++) {
    const int a = anchors[J];
    const double v = weight * t[J];
    for (int q = 0; q < R; q++) buckets[(q << 8) | pat[a + offsets[q]]] += v;
  }
}

/* grad[W index of bit c of segment s] += Σ_byte buckets[s][byte]·(±1 of bit c). */
static void resolve_buckets(const double *buckets, const int32_t *weight_index, int segments, double *grad) {
  for (int q = 0; q < segments; q++) {
    const double *b = buckets + (q << 8);
    double total = 0;
    for (int p = 0; p < 256; p++) total += b[p];
    for (int c = 0; c < SEGMENT; c++) {
      const int k = weight_index[q * SEGMENT + c];
      if (k < 0) continue;
      double plus = 0;
      for (int p = 1 << c; p < 256; p = (p + 1) | (1 << c)) plus += b[p];
      grad[k] += 2 * plus - total;
    }
  }
}

typedef struct {
  const layout_t *l;
  int k;
  field_table_t forward, transposed;
  uint8_t *fine_pat, *coarse_pat;
  double *h, *e, *t, *eg;
  int8_t *mu, *sigma;
} cd_t;

static void cd_init(cd_t *cd, const layout_t *l, int k, const double *W) {
  cd->l = l;
  cd->k = k;
  table_init(&cd->forward, l->hidden_weight_index, l->fine.nbytes, l->fine.nbytes);
  table_init(&cd->transposed, l->visible_weight_index, l->b * l->b * l->coarse.nbytes, l->coarse.nbytes);
  table_update(&cd->forward, W);
  table_update(&cd->transposed, W);
  cd->fine_pat = calloc((size_t)l->fine.pattern_length, 1);
  cd->coarse_pat = calloc((size_t)l->coarse.pattern_length, 1);
  cd->h = malloc(sizeof(double) * l->hidden);
  cd->e = malloc(sizeof(double) * l->hidden);
  cd->t = malloc(sizeof(double) * l->hidden);
  cd->mu = malloc((size_t)l->hidden);
  cd->eg = malloc(sizeof(double) * l->visible);
  cd->sigma = malloc((size_t)l->visible);
}

static void hidden_fields(cd_t *cd, const uint8_t *pat) {
  const layout_t *l = cd->l;
  unit_fields(&cd->forward, pat, l->hidden_anchors, l->hidden_groups, l->fine.offsets, l->fine.nbytes, l->hidden,
              cd->h, cd->e);
}

/*
 * One configuration's CD-k gradient contribution G(data) − G(negative sample) into `buckets`,
 * the chain started at the data: hidden units, then per step the visible and (but for the
 * last) the hidden units, each in site order. Returns the sites where the sample differs.
 */
static int cd_accumulate(cd_t *cd, const int8_t *data, rng_t *rng, double *buckets) {
  const layout_t *l = cd->l;
  const int Rf = l->fine.nbytes;
  window_patterns(&l->fine, data, cd->fine_pat);
  hidden_fields(cd, cd->fine_pat);
  tanh_fields(cd->h, cd->e, cd->t, l->hidden);
  add_to_buckets(cd->fine_pat, l->hidden_anchors, l->fine.offsets, Rf, l->hidden, cd->t, 1, buckets);
  sample_spins(cd->e, cd->mu, l->hidden, rng);
  for (int s = 1; s <= cd->k; s++) {
    window_patterns(&l->coarse, cd->mu, cd->coarse_pat);
    unit_factors(&cd->transposed, cd->coarse_pat, l->visible_anchors, l->visible_groups, l->coarse.offsets,
                 l->coarse.nbytes, l->visible, cd->eg);
    sample_spins(cd->eg, cd->sigma, l->visible, rng);
    window_patterns(&l->fine, cd->sigma, cd->fine_pat);
    if (s < cd->k) {
      unit_factors(&cd->forward, cd->fine_pat, l->hidden_anchors, l->hidden_groups, l->fine.offsets, Rf, l->hidden,
                   cd->e);
      sample_spins(cd->e, cd->mu, l->hidden, rng);
    } else {
      hidden_fields(cd, cd->fine_pat);
    }
  }
  tanh_fields(cd->h, cd->e, cd->t, l->hidden);
  add_to_buckets(cd->fine_pat, l->hidden_anchors, l->fine.offsets, Rf, l->hidden, cd->t, -1, buckets);
  int differ = 0;
  for (int i = 0; i < l->visible; i++) differ += (1 - cd->sigma[i] * data[i]) >> 1;
  return differ;
}

static int project(long n, uint64_t seed, const layout_t *l, const double *W, const int8_t *pool) {
  field_table_t forward;
  table_init(&forward, l->hidden_weight_index, l->fine.nbytes, l->fine.nbytes);
  table_update(&forward, W);
  uint8_t *pat = calloc((size_t)l->fine.pattern_length, 1);
  double *h = malloc(sizeof(double) * l->hidden), *e = malloc(sizeof(double) * l->hidden);
  int8_t *mu = malloc((size_t)l->hidden);
  const int V = l->visible;
#define APPLY(sigma, rng)                                                                                       \
  do {                                                                                                         \
    window_patterns(&l->fine, (sigma), pat);                                                                  \
    unit_fields(&forward, pat, l->hidden_anchors, l->hidden_groups, l->fine.offsets, l->fine.nbytes, l->hidden, \
                h, e);                                                                                         \
    sample_spins(e, mu, l->hidden, (rng));                                                                     \
  } while (0)
  rng_t rng = rng_stream(seed, 2);
  for (long i = 0; i < 1000; i++) APPLY(pool + (i % POOL) * V, &rng); /* warm-up, as the JS side */
  const double t0 = now_seconds();
  for (long i = 0; i < n; i++) APPLY(pool + (i % POOL) * V, &rng);
  const double seconds = now_seconds() - t0;
  /* Check: every configuration of the pool projected once with stream 3, FNV-1a of the μ bits. */
  rng_t check = rng_stream(seed, 3);
  uint32_t hash = 2166136261u;
  long plus = 0;
  for (int c = 0; c < POOL; c++) {
    APPLY(pool + c * V, &check);
    for (int J = 0; J < l->hidden; J++) {
      const uint32_t bit = (uint32_t)(mu[J] + 1) >> 1;
      plus += bit;
      hash = (hash ^ bit) * 16777619u;
    }
  }
#undef APPLY
  printf("{\"mode\":\"project\",\"L\":%d,\"w\":%d,\"b\":%d,\"n\":%ld,\"seconds\":%.6f,\"perSecond\":%.2f,"
         "\"products\":%s,\"plus\":%ld,\"hash\":%u}\n",
         l->L, l->w, l->b, n, seconds, n / seconds, forward.products ? "true" : "false", plus, hash);
  return 0;
}

static int contrastive_divergence(long n, uint64_t seed, const layout_t *l, const double *W, const int8_t *pool,
                                  int k) {
  cd_t cd;
  cd_init(&cd, l, k, W);
  double *buckets = calloc((size_t)l->fine.nbytes * 256, sizeof(double));
  const int V = l->visible;
  rng_t rng = rng_stream(seed, 2);
  long differ = 0;
  for (long i = 0; i < 200; i++) differ += cd_accumulate(&cd, pool + (i % POOL) * V, &rng, buckets); /* warm-up */
  const double t0 = now_seconds();
  for (long i = 0; i < n; i++) differ += cd_accumulate(&cd, pool + (i % POOL) * V, &rng, buckets);
  const double seconds = now_seconds() - t0;
  const int size = l->w * l->w;
  double *grad = calloc((size_t)size, sizeof(double));
  resolve_buckets(buckets, l->hidden_weight_index, l->fine.nbytes, grad);
  printf("{\"mode\":\"cd\",\"k\":%d,\"L\":%d,\"w\":%d,\"b\":%d,\"n\":%ld,\"seconds\":%.6f,\"perSecond\":%.2f,"
         "\"products\":%s,\"differ\":%ld,\"gradient\":[",
         k, l->L, l->w, l->b, n, seconds, n / seconds,
         cd.forward.products && cd.transposed.products ? "true" : "false", differ);
  for (int i = 0; i < size; i++) printf("%s%.17g", i ? "," : "", grad[i]);
  printf("]}\n");
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "project";
  const int cd = strcmp(mode, "cd") == 0;
  if (!cd && strcmp(mode, "project") != 0) {
    fprintf(stderr, "rbm: mode must be 'project' or 'cd', got '%s'\n", mode);
    return 1;
  }
  const long n = argc > 2 ? (long)atof(argv[2]) : cd ? 20000 : 200000;
  const uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
  const int L = argc > 4 ? atoi(argv[4]) : 32;
  const int w = argc > 5 ? atoi(argv[5]) : 8;
  const int b = argc > 6 ? atoi(argv[6]) : 2;
  const int k = argc > 7 ? atoi(argv[7]) : 3;
  if (L < 1 || w < 1 || b < 1 || L % b != 0 || k < 1) {
    fprintf(stderr, "rbm: need L divisible by b and w, b, k ≥ 1\n");
    return 1;
  }
  layout_t l;
  layout_init(&l, L, w, b);
  double *W = malloc(sizeof(double) * w * w);
  rng_t frng = rng_stream(seed, 0);
  for (int i = 0; i < w * w; i++) W[i] = (2 * ((double)rng_next(&frng) * TWO_POW_M32) - 1) * FILTER_SCALE;
  int8_t *pool = malloc((size_t)POOL * l.visible);
  rng_t crng = rng_stream(seed, 1);
  for (long i = 0; i < (long)POOL * l.visible; i++) pool[i] = (rng_next(&crng) & 0x80000000u) ? 1 : -1;
  return cd ? contrastive_divergence(n, seed, &l, W, pool, k) : project(n, seed, &l, W, pool);
}
