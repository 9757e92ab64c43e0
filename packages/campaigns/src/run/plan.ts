/**
 * The plan of a run: every parameter that fixes its numbers, stored as `<run-dir>/plan.json`
 * so that a resumed run, a shard on another node and a merge all work from the same one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError, RsrgError, UsageError, writeFileAtomic } from '@rsrg/core';
import type { ResolvedMcrgConfig, ResolvedSamplingConfig } from '@rsrg/mcrg';

/** The `format` field of every plan file. */
export const PLAN_FORMAT = 'rsrg-plan';
/** The plan format this build writes and reads; a plan of another version is refused. */
export const PLAN_FORMAT_VERSION = 1;
/** The plan's file name in a run directory. */
export const PLAN_FILE = 'plan.json';

/** A run's resolved configuration without the worker count, which never changes its numbers. */
export type PlanConfig = Omit<ResolvedMcrgConfig, 'workers'>;

/** A sampling run's (`rsrg sample`'s) resolved configuration without the worker count. */
export type SamplePlanConfig = Omit<ResolvedSamplingConfig, 'workers'>;

/**
 * What a run directory is for: the resolved configuration and where it came from. `planHash`
 * identifies the numbers the plan produces (it covers the format version and the
 * configuration, not the time, paths or versions), and every checkpoint and shard of the run
 * carries it.
 */
export type Plan = RunPlan<'mcrg', PlanConfig> & {
  /** Of an extended run (`rsrg mcrg --extend`): the chains it was extended from. */
  readonly base?: PlanBase;
};

/** The plan of a sampling run (`rsrg sample --run-dir`): its ensemble's configurations. */
export type SamplePlan = RunPlan<'sample', SamplePlanConfig>;

/**
 * The plan of any kind of run directory: `kind` says what the run computes ('mcrg', 'sample',
 * 'train', 'study') and `config` holds every parameter that fixes its numbers, as plain JSON
 * data.
 */
export interface RunPlan<K extends string = string, C = unknown> {
  /** 'rsrg-plan'. */
  readonly format: typeof PLAN_FORMAT;
  /** `PLAN_FORMAT_VERSION` of the build that wrote it. */
  readonly formatVersion: number;
  /**
   * What the run computes: 'mcrg' (Swendsen's MCRG over sampled configurations), 'sample' (an
   * ensemble of configurations), 'train' (a projector's training), 'study' (a study run end to
   * end).
   */
  readonly kind: K;
  /** Every parameter, defaults filled in (the worker count left out). */
  readonly config: C;
  /** The registry's plugin modules (file URLs), so that a worker or a merge can rebuild it. */
  readonly sources: readonly string[];
  /** Versions of the packages that wrote the plan. */
  readonly versions: Readonly<Record<string, string>>;
  /** When the plan was written (ISO 8601). */
  readonly createdAt: string;
  /** SHA-256 (hex) of the canonical JSON of { formatVersion, kind, config }. */
  readonly planHash: string;
}

/**
 * Where an extended run came from: chains 0 … `chains` − 1 finished under the earlier plans
 * `from` (oldest first), and are kept in `base/<planHash>.rsrg`; the run's shards run the rest.
 */
export interface PlanBase {
  /** How many chains were finished before the extension. */
  readonly chains: number;
  /** The plan hashes the run had before, oldest first. */
  readonly from: readonly string[];
}

/** The hash of a plan of `kind` with `config` (see `Plan.planHash`). */
export function runPlanHash(kind: string, config: unknown): string {
  return sha256(canonicalJson({ formatVersion: PLAN_FORMAT_VERSION, kind, config }));
}

/**
 * The plan of a run of `kind` with `config` (plain JSON data: copied through JSON, so that
 * what is stored and hashed is what is read back).
 */
export function createRunPlan<K extends string, C>(
  kind: K,
  config: C,
  sources: readonly string[],
  versions: Readonly<Record<string, string>>,
): RunPlan<K, C> {
  const copy = JSON.parse(JSON.stringify(config)) as C;
  return {
    format: PLAN_FORMAT,
    formatVersion: PLAN_FORMAT_VERSION,
    kind,
    config: copy,
    sources: [...sources],
    versions: { ...versions },
    createdAt: new Date().toISOString(),
    planHash: runPlanHash(kind, copy),
  };
}

/**
 * JSON with the keys of every object sorted and no white space: the same value always gives
 * the same text. Numbers are written as JSON.stringify writes them (shortest round trip).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The configuration a plan stores: the resolved one less `workers`, options copied. */
export function planConfig(config: ResolvedMcrgConfig | PlanConfig): PlanConfig;
export function planConfig(config: ResolvedSamplingConfig | SamplePlanConfig): SamplePlanConfig;
export function planConfig(
  config: ResolvedMcrgConfig | ResolvedSamplingConfig | PlanConfig | SamplePlanConfig,
): PlanConfig | SamplePlanConfig {
  const { workers: _, ...rest } = config as ResolvedMcrgConfig;
  return JSON.parse(JSON.stringify(rest)) as PlanConfig;
}

/** The hash that identifies a plan's numbers (see `Plan.planHash`). */
export function planHash(config: ResolvedMcrgConfig | PlanConfig): string {
  return runPlanHash('mcrg', planConfig(config));
}

/**
 * The plan of a resolved configuration (`prepareMcrg(registry, config).config`).
 *
 * @param sources the registry's plugin modules (`registry.sources`)
 * @param versions the packages behind the run (`packageVersions(registry.sources)`)
 */
export function createPlan(
  config: ResolvedMcrgConfig | PlanConfig,
  sources: readonly string[],
  versions: Readonly<Record<string, string>>,
): Plan {
  return createRunPlan('mcrg', planConfig(config), sources, versions);
}

/** The hash that identifies a sampling plan's numbers (see `RunPlan.planHash`). */
export function samplePlanHash(config: ResolvedSamplingConfig | SamplePlanConfig): string {
  return runPlanHash('sample', planConfig(config));
}

/**
 * The plan of a resolved sampling configuration (`prepareSampling(registry, config).config`),
 * of kind 'sample'.
 *
 * @param sources the registry's plugin modules (`registry.sources`)
 * @param versions the packages behind the run (`packageVersions(registry.sources)`)
 */
export function createSamplePlan(
  config: ResolvedSamplingConfig | SamplePlanConfig,
  sources: readonly string[],
  versions: Readonly<Record<string, string>>,
): SamplePlan {
  return createRunPlan('sample', planConfig(config), sources, versions);
}

/** The plan file of a run directory. */
export function planPath(runDir: string): string {
  return join(runDir, PLAN_FILE);
}

/**
 * Writes `plan` to `<runDir>/plan.json` (atomically, creating the directory), with a `sha256`
 * field: the SHA-256 of the canonical JSON of the rest, so that an edit or damage is seen.
 */
export function writePlan(runDir: string, plan: RunPlan): void {
  mkdirSync(runDir, { recursive: true });
  const doc = { ...plan, sha256: sha256(canonicalJson(plan)) };
  writeFileAtomic(planPath(runDir), `${JSON.stringify(doc, null, 2)}\n`, {
    label: `the plan ${planPath(runDir)}`,
  });
}

/**
 * The plan of a run directory, its checksum and format checked. Throws a UsageError when the
 * directory has no plan, and a FileFormatError, in one line, when the plan is damaged, edited,
 * not a plan, or of another format version.
 */
export function readPlan(runDir: string): Plan {
  const plan = readRunPlan(runDir, 'mcrg');
  if (typeof plan.config !== 'object' || plan.config === null) {
    throw new FileFormatError(`${planPath(runDir)} is damaged (no mcrg configuration)`);
  }
  if (plan.planHash !== planHash(plan.config as PlanConfig)) {
    throw new FileFormatError(`${planPath(runDir)}: its planHash does not match its configuration`);
  }
  const { base } = plan as Plan;
  const config = plan.config as PlanConfig;
  if (
    base !== undefined &&
    !(
      Number.isSafeInteger(base.chains) &&
      base.chains > 0 &&
      base.chains < config.chains &&
      Array.isArray(base.from) &&
      base.from.every((h) => typeof h === 'string')
    )
  ) {
    throw new FileFormatError(`${planPath(runDir)} is damaged (a bad "base")`);
  }
  return plan as Plan;
}

/**
 * The plan of a sampling run directory (`rsrg sample --run-dir`), checked as `readRunPlan`
 * checks any; a FileFormatError when it holds no sampling configuration.
 */
export function readSamplePlan(runDir: string): SamplePlan {
  const plan = readRunPlan(runDir, 'sample');
  if (typeof plan.config !== 'object' || plan.config === null) {
    throw new FileFormatError(`${planPath(runDir)} is damaged (no sample configuration)`);
  }
  return plan as SamplePlan;
}

/** The command whose run directories hold plans of each kind (`rsrg <command> --run-dir`). */
const RUN_COMMANDS: Readonly<Record<string, string>> = {
  mcrg: 'mcrg',
  sample: 'sample',
  train: 'train',
  study: 'reproduce',
};

/**
 * The plan of a run directory of `kind`, its checksum, format and hash checked: a UsageError
 * when there is none or it is a plan of another kind, a FileFormatError, in one line, when it
 * is damaged, edited, not a plan, or of another format version.
 */
export function readRunPlan<K extends string>(runDir: string, kind: K): RunPlan<K> {
  const path = planPath(runDir);
  if (!existsSync(path)) {
    throw new UsageError(
      `${runDir} holds no plan (${PLAN_FILE}): not a run directory, or its run was never started`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new FileFormatError(`${path} is damaged (not JSON: ${err.message})`);
    throw new RsrgError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || (doc as Plan).format !== PLAN_FORMAT) {
    throw new FileFormatError(`${path} is not an rsrg plan (no "format": "${PLAN_FORMAT}")`);
  }
  const { sha256: stored, ...plan } = doc as Plan & { sha256?: unknown };
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    const newer = typeof plan.formatVersion === 'number' && plan.formatVersion > PLAN_FORMAT_VERSION;
    throw new FileFormatError(
      `${path} is plan format version ${JSON.stringify(plan.formatVersion)}; this build reads ${PLAN_FORMAT_VERSION} (${newer ? 'written by a newer rsrg: upgrade to run it' : 'an old format no longer read'})`,
    );
  }
  if (stored !== sha256(canonicalJson(plan))) {
    throw new FileFormatError(`${path}: checksum mismatch: the plan was edited or is damaged`);
  }
  if (plan.kind !== kind) {
    const other: unknown = plan.kind;
    const command = (k: string) => RUN_COMMANDS[k] ?? k;
    if (typeof other === 'string' && Object.hasOwn(RUN_COMMANDS, other)) {
      throw new UsageError(
        `${runDir} is the run directory of an rsrg ${command(other)} run, not of an rsrg ${command(kind)} run`,
      );
    }
    throw new FileFormatError(`${path} is damaged (no ${kind} configuration)`);
  }
  if (plan.planHash !== runPlanHash(kind, plan.config)) {
    throw new FileFormatError(`${path}: its planHash does not match its configuration`);
  }
  return plan as RunPlan<K>;
}

/**
 * The first package whose version in `requested` differs from the `stored` plan's, as one
 * line, or undefined: a run resumed by other code may not continue bit for bit.
 */
export function compareVersions(
  stored: Pick<RunPlan, 'versions'>,
  requested: Pick<RunPlan, 'versions'>,
): string | undefined {
  for (const name of Object.keys(stored.versions).sort()) {
    const was = stored.versions[name];
    const now = requested.versions[name];
    if (now !== undefined && now !== was) {
      return `${name} ${now} differs from the run's ${was} (resume with the version that started it)`;
    }
  }
  return undefined;
}

/** How a parameter is named on the command line. */
const OPTION: Readonly<Record<string, string>> = {
  model: '--model',
  modelOptions: '--model-option',
  size: '--size',
  coupling: '--coupling',
  sampler: '--sampler',
  interval: '--interval',
  thermalize: '--thermalize',
  samples: '--samples',
  chains: '--chains',
  binsPerChain: '--bins',
  levels: '--levels',
  seed: '--seed',
};

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A parameter's value as typed: model options as `q=3,…` ('none' when absent). */
const showOption = (key: string, v: unknown) =>
  key !== 'modelOptions'
    ? show(v)
    : v === undefined
      ? 'none'
      : Object.entries(v as Record<string, unknown>)
          .map(([k, x]) => `${k}=${x}`)
          .join(',');

function describeProjectors(config: PlanConfig): string {
  return config.projectors
    .map((p) => {
      const options = Object.entries(p.options)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const label = p.label === p.id ? '' : ` as ${p.label}`;
      return `${p.id}${options ? `(${options})` : ''}${label}`;
    })
    .join(', ');
}

/**
 * The first parameter in which `requested` differs from the `stored` plan, as one line in the
 * words of the command line ("--samples 2000 differs from the run's 1000"), or undefined when
 * they are the same run. The worker count is never compared (it does not change the numbers);
 * the package versions are compared last, unless `versions` is false: a run resumed by other
 * code may not continue bit for bit.
 */
export function comparePlan(
  stored: Plan,
  requested: Plan | ResolvedMcrgConfig | PlanConfig,
  options?: { readonly versions?: boolean },
): string | undefined;
export function comparePlan(
  stored: SamplePlan,
  requested: SamplePlan | ResolvedSamplingConfig | SamplePlanConfig,
  options?: { readonly versions?: boolean },
): string | undefined;
export function comparePlan(
  stored: Plan | SamplePlan,
  requested: Plan | SamplePlan | ResolvedMcrgConfig | ResolvedSamplingConfig | PlanConfig | SamplePlanConfig,
  options: { readonly versions?: boolean } = {},
): string | undefined {
  const asPlan = 'planHash' in requested ? requested : undefined;
  // A sampling plan has no projectors, levels or bins: those compare as equal (both absent).
  const a = stored.config as PlanConfig;
  const b = (asPlan ? asPlan.config : planConfig(requested as PlanConfig)) as PlanConfig;
  for (const key of Object.keys(OPTION) as (keyof PlanConfig)[]) {
    if (canonicalJson(a[key]) !== canonicalJson(b[key])) {
      return `${OPTION[key]} ${showOption(key, b[key])} differs from the run's ${showOption(key, a[key])}`;
    }
  }
  if (a.projectors !== undefined && canonicalJson(a.projectors) !== canonicalJson(b.projectors)) {
    const single = a.projectors.length === 1 && b.projectors.length === 1;
    const [pa, pb] = [a.projectors[0], b.projectors[0]];
    if (single && pa.id !== pb.id) return `--projector ${pb.id} differs from the run's ${pa.id}`;
    if (single && canonicalJson(pa.options) !== canonicalJson(pb.options)) {
      return `projector options ${describeProjectors(b)} differ from the run's ${describeProjectors(a)}`;
    }
    return `projectors ${describeProjectors(b)} differ from the run's ${describeProjectors(a)}`;
  }
  if (canonicalJson(a) !== canonicalJson(b)) {
    const key = [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .find((k) => canonicalJson(a[k as keyof PlanConfig]) !== canonicalJson(b[k as keyof PlanConfig]));
    return `${key} ${show(b[key as keyof PlanConfig])} differs from the run's ${show(a[key as keyof PlanConfig])}`;
  }
  if (asPlan && options.versions !== false) return compareVersions(stored, asPlan);
  return undefined;
}
