import { resolve } from 'node:path';
import { assertDistinctPaths, checksummedJson, estimateRow, type Registry, UsageError } from '@rsrg/core';
import type { McrgConfig, McrgResult, ResolvedMcrgConfig } from '@rsrg/mcrg';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { namedPath, prepareOutFile, readEnsembleFile, weightsFile, writeOutFile } from '../files.js';
import { jsonHead, toJson } from '../format/json.js';
import { renderFields, renderTable } from '../format/table.js';
import { formatValueError } from '../format/value-error.js';
import { integerAtLeast, keyValue, positiveSeconds, real } from '../options.js';
import { progressBar } from '../progress.js';
import { addResourceOptions, chooseWorkers, guardMemory, type ResourceOptions } from '../sampling.js';
import { weightsProjector } from '../weights-projector.js';

/** Defaults that do not depend on the model; the rest come from the model and runMcrg. */
export const MCRG_DEFAULTS = {
  model: 'ising2d',
  size: 32,
  samples: 100_000,
  thermalize: 1000,
  seed: 1,
} as const;

interface McrgOptions extends ResourceOptions {
  model: string;
  modelOption?: Record<string, string>;
  size: number;
  coupling?: number;
  sampler?: string;
  projector?: string;
  weights?: string;
  projectorOption?: Record<string, string>;
  samples: number;
  thermalize: number;
  interval?: number;
  levels?: number;
  chains?: number;
  bins?: number;
  seed: number;
  workers?: number;
  json?: boolean;
  out?: string;
  ensemble?: string;
  runDir?: string;
  checkpointEvery: number;
  planOnly?: boolean;
  shard?: string;
  extend?: boolean;
}

/** The options that make up a run's configuration: given none, `--run-dir` runs the stored plan. */
const MODEL_OPTIONS: readonly (keyof McrgOptions)[] = [
  'model',
  'modelOption',
  'size',
  'coupling',
  'sampler',
  'projector',
  'weights',
  'projectorOption',
  'samples',
  'thermalize',
  'interval',
  'levels',
  'chains',
  'bins',
  'seed',
];

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `rsrg mcrg`: Swendsen's MCRG exponents y_t and y_h with jackknife errors. */
export function mcrgCommand(program: Command, ctx: CommandContext): Command {
  const opt = (flags: string, description: string, parse?: (text: string) => unknown) => {
    const o = new Option(flags, description);
    return parse ? o.argParser(parse) : o;
  };
  const mcrg = program
    .command('mcrg')
    .description('estimate the RG eigenvalue exponents y_t and y_h by Monte Carlo renormalization group')
    .addOption(opt('--model <id>', 'model to simulate (see rsrg list)').default(MCRG_DEFAULTS.model))
    .addOption(
      opt(
        '--model-option <key=value>',
        'an option of the model, e.g. q=3 for the Potts model (repeatable; rsrg list shows them)',
        keyValue('--model-option'),
      ),
    )
    .addOption(
      opt('--size <L>', 'linear lattice size', integerAtLeast('--size', 1)).default(MCRG_DEFAULTS.size),
    )
    .addOption(
      opt(
        '--coupling <K>',
        "coupling K of the model's Hamiltonian (default: the model's default coupling, normally its K_c)",
        real('--coupling'),
      ),
    )
    .addOption(opt('--sampler <id>', "Monte Carlo sampler (default: the model's)"))
    .addOption(opt('--projector <id>', "RG projector, the weight factor P(μ|σ) (default: the model's)"))
    .addOption(
      opt(
        '--weights <file>',
        'weights file for a trainable projector (passed as its weights option); an rsrg projector file names its projector, so --projector may be left out',
      ),
    )
    .addOption(
      opt(
        '--projector-option <key=value>',
        'an option of the projector, e.g. blockSize=3 or w=0.8 (repeatable)',
        keyValue('--projector-option'),
      ),
    )
    .addOption(
      opt('--samples <n>', 'measurements in all chains together', integerAtLeast('--samples', 1)).default(
        MCRG_DEFAULTS.samples,
      ),
    )
    .addOption(
      opt(
        '--thermalize <n>',
        'sampler moves per chain before the first measurement',
        integerAtLeast('--thermalize', 0),
      ).default(MCRG_DEFAULTS.thermalize),
    )
    .addOption(
      opt(
        '--interval <n>',
        "sampler moves between measurements (default: the model's)",
        integerAtLeast('--interval', 1),
      ),
    )
    .addOption(
      opt(
        '--levels <n>',
        'RG steps N_r to take (default: as many as the lattice allows)',
        integerAtLeast('--levels', 1),
      ),
    )
    .addOption(
      opt(
        '--chains <n>',
        'independent Markov chains (default: chosen by the run)',
        integerAtLeast('--chains', 1),
      ),
    )
    .addOption(
      opt('--bins <n>', 'jackknife bins per chain (default: chosen by the run)', integerAtLeast('--bins', 1)),
    )
    .addOption(
      opt(
        '--seed <n>',
        'master seed; with the chain index it fixes every random stream',
        integerAtLeast('--seed', 0),
      ).default(MCRG_DEFAULTS.seed),
    )
    .addOption(
      opt(
        '--workers <n>',
        'worker threads (default: the available cores); never changes the results',
        integerAtLeast('--workers', 1),
      ),
    )
    .addOption(
      opt(
        '--ensemble <file>',
        'measure the configurations of an ensemble file (rsrg sample) instead of sampling; the sampling options then come from it',
      ),
    )
    .addOption(
      opt(
        '--run-dir <dir>',
        'run in this directory: write its plan (or check it), checkpoint, resume after a stop; without model options, run the stored plan',
      ),
    )
    .addOption(
      opt(
        '--checkpoint-every <seconds>',
        'with --run-dir: seconds between checkpoints',
        positiveSeconds('--checkpoint-every'),
      ).default(60),
    )
    .addOption(opt('--plan-only', 'with --run-dir: write the plan and stop'))
    .addOption(
      opt(
        '--extend',
        'with --run-dir and --chains M: add chains to the finished run, as long as its own; done, it equals a run of M chains from the start',
      ),
    )
    .addOption(opt('--shard <I/N>', 'with --run-dir: run only shard I of N (its chains), for rsrg merge'))
    .addOption(opt('--json', 'print one JSON object instead of text'))
    .addOption(
      opt(
        '--out <file>',
        'also write the JSON result to this file (whole or not at all), creating its directory',
      ),
    )
    .action(async (opts: McrgOptions, command: Command) => {
      const { io } = ctx;
      const runDirOnly = ['checkpointEvery', 'planOnly', 'shard', 'extend'] as const;
      if (opts.runDir === undefined) {
        const stray = runDirOnly.find((k) => command.getOptionValueSource(k) === 'cli');
        if (stray) throw new UsageError(`--${kebab(stray)} needs --run-dir`);
      } else if (opts.ensemble !== undefined) {
        throw new UsageError(
          '--ensemble cannot be used with --run-dir: a run directory samples its configurations',
        );
      }
      // Nothing runs when an output would overwrite an input.
      assertDistinctPaths(
        [namedPath(io.cwd, '--ensemble', opts.ensemble), namedPath(io.cwd, '--weights', opts.weights)],
        [namedPath(io.cwd, '--out', opts.out)],
      );
      const out = opts.out === undefined ? undefined : prepareOutFile(resolve(io.cwd, opts.out));
      const registry = await ctx.registry();
      // Over an ensemble, defaults give way to its header: only values typed by the user are checked against it.
      const ensemble =
        opts.ensemble === undefined
          ? undefined
          : await readEnsembleFile(io, opts.ensemble, '--ensemble', registry);
      const typed = (key: keyof McrgOptions) => command.getOptionValueSource(key) === 'cli';
      // A projector file names its projector: --projector may be left out, and may not disagree.
      const projector =
        opts.weights === undefined
          ? opts.projector
          : weightsProjector(registry, io, opts.weights, opts.projector);
      // The configuration from the options for which `given` holds (those with defaults).
      const configOf = (given: (key: keyof McrgOptions) => boolean): McrgConfig => ({
        ...(given('model') && { model: opts.model }),
        ...(opts.modelOption !== undefined && { modelOptions: opts.modelOption }),
        ...(given('size') && { size: opts.size }),
        ...(given('samples') && { samples: opts.samples }),
        ...(given('thermalize') && { thermalize: opts.thermalize }),
        ...(given('seed') && { seed: opts.seed }),
        ...(ensemble && { ensemble }),
        ...(opts.workers !== undefined && { workers: opts.workers }),
        ...(opts.coupling !== undefined && { coupling: opts.coupling }),
        ...(opts.sampler !== undefined && { sampler: opts.sampler }),
        ...(projector !== undefined && { projector }),
        ...((opts.weights !== undefined || opts.projectorOption !== undefined) && {
          projectorOptions: {
            ...opts.projectorOption,
            ...(opts.weights !== undefined && {
              // Absolute in a plan: a scheduler's task runs it from another directory.
              weights: weightsFile(
                io,
                opts.runDir === undefined ? opts.weights : resolve(io.cwd, opts.weights),
              ),
            }),
          },
        }),
        ...(opts.interval !== undefined && { interval: opts.interval }),
        ...(opts.levels !== undefined && { levels: opts.levels }),
        ...(opts.chains !== undefined && { chains: opts.chains }),
        ...(opts.bins !== undefined && { binsPerChain: opts.bins }),
      });
      const config = configOf((key) => !ensemble || typed(key));
      if (opts.runDir !== undefined) {
        const modelGiven = MODEL_OPTIONS.some(typed);
        if (opts.extend && !typed('chains'))
          throw new UsageError('--extend needs --chains: the number of chains to extend the run to');
        // Loaded here, not at start-up: the campaign layer is only for run directories.
        const { parseShard } = await import('@rsrg/campaigns');
        const { runInRunDir } = await import('../run-dir.js');
        await runInRunDir(
          ctx,
          registry,
          {
            runDir: resolve(io.cwd, opts.runDir),
            config: modelGiven ? config : undefined,
            typed: modelGiven ? configOf(typed) : undefined,
            extend: opts.extend === true,
            checkpointEvery: opts.checkpointEvery,
            planOnly: opts.planOnly === true,
            shard: opts.shard === undefined ? undefined : parseShard(opts.shard),
            workers: chooseWorkers(io, opts.workers, Number.POSITIVE_INFINITY, opts.forceWorkers),
          },
          {
            json: (r) => mcrgJson(r, ctx.version),
            text: (r) => renderMcrg(r, registry),
            asJson: opts.json === true,
            out,
          },
        );
        return;
      }
      // Loaded here so that help, list and parse errors do not pay for the analyzer's imports.
      const { assertRunArraysFit, estimateMcrgMemory, prepareMcrg, runMcrg } = await import('@rsrg/mcrg');
      // Checked before anything is allocated: the configuration, the worker threads, the memory.
      const setup = await prepareMcrg(registry, { ...config, workers: 1 });
      const workers = chooseWorkers(io, opts.workers, setup.config.chains, opts.forceWorkers);
      guardMemory(
        estimateMcrgMemory(setup, { workers, ensembleBytes: ensemble?.packed.length ?? 0 }),
        opts.maxMemory,
        'use a smaller --size or fewer --workers, or set --max-memory',
      );
      assertRunArraysFit(setup, 'mcrg');
      io.signal?.throwIfAborted();
      const progress = progressBar(io);
      let result: McrgResult;
      try {
        result = await runMcrg(
          registry,
          { ...config, workers },
          { onProgress: (p) => progress.update(p), signal: io.signal },
        );
      } finally {
        progress.stop();
      }
      io.signal?.throwIfAborted();
      const doc = mcrgJson(result, ctx.version);
      if (out) writeOutFile(out, checksummedJson(doc));
      io.stdout(opts.json ? toJson(doc) : renderMcrg(result, registry));
    });
  return addResourceOptions(mcrg);
}

/**
 * The resolved configuration as the document's `parameters`. `projector` and `projectorOptions`
 * repeat the first (for `rsrg mcrg` the only) entry of `projectors`, for readers of older outputs.
 */
function mcrgParameters(config: ResolvedMcrgConfig) {
  const { projectors, levels, binsPerChain, ...sampling } = config;
  const [first] = projectors;
  return {
    ...sampling,
    projector: first.id,
    projectorOptions: first.options,
    projectors,
    levels,
    binsPerChain,
  };
}

/** The `mcrg --json` document (schema in docs/cli.md). */
export function mcrgJson(result: McrgResult, cliVersion: string) {
  // One projector: estimates as they always were; several: each names its projector.
  const several = result.projectors.length > 1;
  return {
    ...jsonHead('mcrg'),
    parameters: mcrgParameters(result.config),
    seed: result.config.seed,
    model: result.model,
    blockSize: result.blockSize,
    lattices: result.lattices,
    couplings: result.couplings,
    estimates: result.estimates.map((e) => estimateRow(e, several)),
    samples: result.samples,
    bins: result.bins,
    tauInt: result.tauInt,
    movesPerMeasurement: result.movesPerMeasurement,
    spinsUpdatedPerMove: result.spinsUpdatedPerMove,
    wallSeconds: result.wallSeconds,
    rng: result.rng,
    versions: { ...result.versions, '@rsrg/cli': cliVersion },
  };
}

/**
 * The human report: parameters, then one table per sector shaped like the paper's Table 1; with
 * several projectors, one such pair per projector, each titled with its label.
 */
export function renderMcrg(r: McrgResult, registry: Registry): string {
  const c = r.config;
  const unit = registry.samplers.has(c.sampler) ? registry.samplers.get(c.sampler).unit : 'move';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const several = r.projectors.length > 1;
  const named = r.projectors.map((p) => (p.label === p.id ? p.id : `${p.label} (${p.id})`)).join(', ');
  const fields: [string, string][] = [
    [
      'model',
      `${r.model.id} (d = ${r.model.dimension}${r.model.states === undefined ? '' : `, q = ${r.model.states}`})`,
    ],
    ['lattice', r.lattices[0]],
    ['K', String(c.coupling)],
    ['sampler', c.sampler],
    [several ? 'projectors' : 'projector', `${named} (b = ${r.blockSize})`],
    ['samples', `${r.samples} measurements`],
    ['thermalize', `${plural(c.thermalize, unit)} per chain`],
    ['chains×bins', `${c.chains} × ${c.binsPerChain} = ${r.bins} bins`],
    ['interval', `${plural(c.interval, unit)} per measurement`],
    ['levels', `${c.levels}: ${r.lattices.join(' → ')}`],
    ['seed', `${c.seed} (${r.rng})`],
    ['τ_int', `${formatValueError(r.tauInt.value, r.tauInt.error)} ${r.tauInt.unit}`],
    ['wall time', `${r.wallSeconds.toFixed(r.wallSeconds < 10 ? 2 : 1)} s on ${plural(c.workers, 'worker')}`],
  ];
  const sectorName = r.model.sectors ?? { even: 'even', odd: 'odd' };
  const sectors = [
    {
      exponent: 'y_t' as const,
      title: `y_t from the ${sectorName.even} couplings`,
      known: r.model.exponents?.yt,
      names: r.couplings.even,
    },
    {
      exponent: 'y_h' as const,
      title: `y_h from the ${sectorName.odd} couplings`,
      known: r.model.exponents?.yh,
      names: r.couplings.odd,
    },
  ];
  let missing = false;
  const tables = r.projectors.flatMap(({ label }) =>
    sectors.map(({ exponent, title, known, names }) => {
      const cell = new Map(
        r.estimates
          .filter((e) => e.projector === label && e.exponent === exponent)
          .map((e) => [`${e.nr}:${e.nc}`, e]),
      );
      const levels = Array.from({ length: c.levels }, (_, i) => i + 1);
      const header = ['N_c', 'coupling', ...levels.map((nr) => `N_r = ${nr}`)];
      const rows = names.map((name, i) => [
        String(i + 1),
        name,
        ...levels.map((nr) => {
          const e = cell.get(`${nr}:${i + 1}`);
          if (!e) return '';
          if (!Number.isFinite(e.y)) missing = true;
          return Number.isFinite(e.y) ? formatValueError(e.y, e.error) : '—';
        }),
      ]);
      const titled = several ? `${label}: ${title}` : title;
      const head = known === undefined ? titled : `${titled} (known: ${known})`;
      return `${head}\n${renderTable(header, rows, ['right', 'left', ...levels.map(() => 'right' as const)])}`;
    }),
  );
  const note = missing
    ? '\n— no finite estimate: A or B is singular (couplings that coincide on a small lattice)\n'
    : '';
  return `${renderFields(fields)}\n\n${tables.join('\n\n')}\n${note}`;
}
