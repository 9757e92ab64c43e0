/**
 * Windows of fine spins around blocks, for projectors whose coarse spin reads more than its
 * block (the RBM weight factor, a majority rule with a neighbour shell, a linear filter): a
 * `WindowLayout` places one window per block on a padded periodic copy, `windowPatterns`
 * turns a configuration into window bytes, and a `WindowTable` of weights over the window
 * gives every block's weighted sum h_J = Σ_k W_k σ_{b·X_J + origin + k} and e^{−2h_J} by
 * lookup (`windowFields`). Allocate once per lattice; the per-configuration calls allocate
 * nothing. For example, weights over a shell of s sites around blocks of side b:
 *
 * ```ts
 * const windows = new WindowLayout(fine, { stride: b, side: b + 2 * s, origin: -s });
 * const { reader, anchors } = windows;
 * const table = new WindowTable(reader.bitWindow, reader.offsets.length);
 * table.update(W); // (b + 2s)^d weights, row-major in the window; again after every change
 * const pat = new Uint8Array(reader.patternLength);
 * const groups = new Int32Array(anchors.length); // one table for every block
 * // per configuration σ:
 * windowPatterns(reader, sigma, 0, pat);
 * windowFields(table.table, table.products, pat, anchors, groups, reader.offsets, h, e);
 * ```
 */
export { dot, flat, strides, unflat } from './grid.js';
export { WindowLayout, type WindowPlacement } from './layout.js';
export { packLines, patterns, windowPatterns } from './patterns.js';
export { periodicSource, SEGMENT, WindowReader } from './reader.js';
export { buildWindowTable, WindowTable, windowFactors, windowFields } from './table.js';
