// The few WebAssembly JS API members the AssemblyScript kernels (wolff-wasm, the RBM kernel) use,
// typed here because the project's TypeScript libs (ES2022 + node) declare no `WebAssembly` global.

/** A linear memory of 64 KiB pages. */
export interface WasmMemory {
  /** The memory's bytes; typed arrays over it are the kernel's inputs and outputs. */
  readonly buffer: ArrayBuffer;
}

/** An instantiated module: its exported functions. */
export interface WasmInstance {
  /** The module's exports by name: functions, globals, tables. */
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Bytes per WebAssembly page. */
export const WASM_PAGE = 65536;

/** Pages a 32-bit memory can hold (4 GiB). */
export const WASM_MAX_PAGES = 65536;

/** A module compiled (synchronously) from base64 once per process, then instantiated at will. */
export function cachedWasmModule(base64: string): () => object {
  let module: object | undefined;
  return () => {
    module ??= new wasm.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    return module;
  };
}

/**
 * A fixed-size memory of `bytes` (rounded up to whole pages) and an instance of `module` that
 * imports it as env.memory, beside the other `imports` (by module name).
 */
export function instantiateWasm(
  module: object,
  bytes: number,
  imports: Record<string, Record<string, unknown>> = {},
): {
  /** The instance's memory, imported as env.memory; its size never changes. */
  memory: WasmMemory;
  /** The instance of `module`, its exports ready to call. */
  instance: WasmInstance;
} {
  const pages = Math.ceil(bytes / WASM_PAGE);
  if (pages > WASM_MAX_PAGES) {
    throw new RangeError(
      `a WebAssembly kernel needs ${bytes} bytes of memory, more than the 4 GiB it can address`,
    );
  }
  const memory = new wasm.Memory({ initial: pages, maximum: pages });
  return { memory, instance: new wasm.Instance(module, { ...imports, env: { ...imports.env, memory } }) };
}
