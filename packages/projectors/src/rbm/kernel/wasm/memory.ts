import { cachedWasmModule, instantiateWasm } from '@rsrg/core';
import { RBM_WASM_BASE64 } from '../../../wasm/rbm-module.generated.js';
import { buildWindowTable, SEGMENT, type WindowReader } from '../../../window/index.js';
import type { RbmLayout } from '../../layout.js';

const rbmModule = cachedWasmModule(RBM_WASM_BASE64);

/** Word indices of the header at address 0 (keep in step with asm/rbm.ts). */
const Header = {
  fineSource: 0,
  finePadded: 1,
  fineLines: 2,
  fineLineStride: 3,
  fineLineBits: 4,
  finePat: 5,
  fineOffsets: 6,
  fineBytes: 7,
  hiddenAnchors: 8,
  hiddenGroups: 9,
  hidden: 10,
  forwardTable: 11,
  forwardProducts: 12,
  coarseSource: 13,
  coarsePadded: 14,
  coarseLines: 15,
  coarseLineStride: 16,
  coarseLineBits: 17,
  coarsePat: 18,
  coarseOffsets: 19,
  coarseBytes: 20,
  visibleAnchors: 21,
  visibleGroups: 22,
  visible: 23,
  transposedTable: 24,
  transposedProducts: 25,
  h: 26,
  e: 27,
  t: 28,
  mu: 29,
  eg: 30,
  sigma: 31,
  buckets: 32,
  data: 33,
  chain: 34,
  rng: 35,
} as const;

const HEADER_BYTES = 256;

/** The header words of one window reader: the fine side (hidden fields) or the coarse (visible). */
const READER_WORDS = {
  fine: {
    source: Header.fineSource,
    pat: Header.finePat,
    offsets: Header.fineOffsets,
    padded: Header.finePadded,
    lines: Header.fineLines,
    lineStride: Header.fineLineStride,
    lineBits: Header.fineLineBits,
    bytes: Header.fineBytes,
  },
  coarse: {
    source: Header.coarseSource,
    pat: Header.coarsePat,
    offsets: Header.coarseOffsets,
    padded: Header.coarsePadded,
    lines: Header.coarseLines,
    lineStride: Header.coarseLineStride,
    lineBits: Header.coarseLineBits,
    bytes: Header.coarseBytes,
  },
} as const;

/** What asm/rbm.ts exports. */
export interface RbmExports {
  accumulate(cdSteps: number, persistent: number): number;
  project(): void;
  fields(): void;
}

/** Typed-array constructors by element size, for `region`. */
type View = Int8Array | Uint8Array | Int32Array | Uint32Array | Float64Array;
type ViewClass<V extends View> = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): V;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * One instance of asm/rbm.ts and its memory, laid out here: the index tables of the layout
 * (copied once), the lookup tables (built in place by `buildWindowTable`, so that exp is the
 * host's and the tables are those of the js kernel), the scratch arrays, the data point and
 * the RNG state. With `transposed`, also the visible units' side for CD.
 */
export class RbmMemory {
  readonly exports: RbmExports;
  readonly header: Int32Array;
  readonly data: Int8Array;
  readonly rng: Uint32Array;
  readonly h: Float64Array;
  readonly e: Float64Array;
  readonly mu: Int8Array;
  readonly forward: Float64Array;
  readonly transposed: Float64Array;
  readonly sigma: Int8Array;
  readonly chain: Int8Array;
  readonly buckets: Float64Array;
  private readonly scratch = new Float64Array(2 * SEGMENT);

  constructor(
    readonly layout: RbmLayout,
    withTransposed: boolean,
  ) {
    const l = layout;
    const fine = l.fineReader;
    const coarse = l.coarseReader;
    const regions: [number, number, number][] = [];
    let end = HEADER_BYTES;
    // Every region 8-byte aligned; a word of the header gets its address.
    const plan = (word: number, bytes: number) => {
      regions.push([word, end, bytes]);
      const at = end;
      end += Math.ceil(bytes / 8) * 8;
      return at;
    };
    const planReader = (words: (typeof READER_WORDS)['fine' | 'coarse'], reader: WindowReader) => {
      plan(words.source, 4 * reader.source.length);
      plan(words.pat, reader.patternLength);
      plan(words.offsets, 4 * reader.offsets.length);
    };
    const fineBytes = fine.offsets.length;
    planReader(READER_WORDS.fine, fine);
    plan(Header.hiddenAnchors, 4 * l.hidden);
    plan(Header.hiddenGroups, 4 * l.hidden);
    plan(Header.forwardTable, 8 * (l.hiddenWeightIndex.length / SEGMENT) * 512);
    plan(Header.h, 8 * l.hidden);
    plan(Header.e, 8 * l.hidden);
    plan(Header.mu, l.hidden);
    plan(Header.data, l.visible);
    plan(Header.rng, 16);
    if (withTransposed) {
      planReader(READER_WORDS.coarse, coarse);
      plan(Header.visibleAnchors, 4 * l.visible);
      plan(Header.visibleGroups, 4 * l.visible);
      plan(Header.transposedTable, 8 * (l.visibleWeightIndex.length / SEGMENT) * 512);
      plan(Header.t, 8 * l.hidden);
      plan(Header.eg, 8 * l.visible);
      plan(Header.sigma, l.visible);
      plan(Header.buckets, 8 * fineBytes * 256);
      plan(Header.chain, l.visible);
    }
    const { memory, instance } = instantiateWasm(rbmModule(), end, { rbm: { exp: Math.exp } });
    this.exports = instance.exports as unknown as RbmExports;
    const buffer = memory.buffer;
    const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.header = header;
    const address = new Map<number, [number, number]>();
    for (const [word, at, bytes] of regions) {
      header[word] = at;
      address.set(word, [at, bytes]);
    }
    const region = <V extends View>(word: number, Class: ViewClass<V>): V => {
      const [at, bytes] = address.get(word) ?? [0, 0];
      return new Class(buffer, at, bytes / Class.BYTES_PER_ELEMENT);
    };
    const writeReader = (words: (typeof READER_WORDS)['fine' | 'coarse'], reader: WindowReader) => {
      region(words.source, Int32Array).set(reader.source);
      region(words.offsets, Int32Array).set(reader.offsets);
      header[words.padded] = reader.source.length;
      header[words.lines] = reader.linesPerByte;
      header[words.lineStride] = reader.lineStride;
      header[words.lineBits] = reader.lineBits;
      header[words.bytes] = reader.offsets.length;
    };
    writeReader(READER_WORDS.fine, fine);
    region(Header.hiddenAnchors, Int32Array).set(l.hiddenAnchors);
    region(Header.hiddenGroups, Int32Array).set(l.hiddenGroups);
    header[Header.hidden] = l.hidden;
    header[Header.visible] = l.visible;
    this.forward = region(Header.forwardTable, Float64Array);
    this.h = region(Header.h, Float64Array);
    this.e = region(Header.e, Float64Array);
    this.mu = region(Header.mu, Int8Array);
    this.data = region(Header.data, Int8Array);
    this.rng = region(Header.rng, Uint32Array);
    if (withTransposed) {
      writeReader(READER_WORDS.coarse, coarse);
      region(Header.visibleAnchors, Int32Array).set(l.visibleAnchors);
      region(Header.visibleGroups, Int32Array).set(l.visibleGroups);
    }
    this.transposed = region(Header.transposedTable, Float64Array);
    this.sigma = region(Header.sigma, Int8Array);
    this.chain = region(Header.chain, Int8Array);
    this.buckets = region(Header.buckets, Float64Array);
  }

  /** Rebuilds the lookup tables for W (the transposed ones too when this memory has them). */
  setWeights(W: Float64Array): void {
    const l = this.layout;
    const { header, scratch } = this;
    const fineBytes = l.fineReader.offsets.length;
    const forward = buildWindowTable(W, l.hiddenWeightIndex, fineBytes, this.forward, scratch);
    header[Header.forwardProducts] = forward ? 1 : 0;
    if (this.transposed.length > 0) {
      const coarseBytes = l.coarseReader.offsets.length;
      const ok = buildWindowTable(W, l.visibleWeightIndex, coarseBytes, this.transposed, scratch);
      header[Header.transposedProducts] = ok ? 1 : 0;
    }
  }
}
