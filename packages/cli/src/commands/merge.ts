import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import {
  checkpointShard,
  mergedResult,
  mergeShards,
  type Plan,
  readPlan,
  type ShardResult,
  type ShardSpec,
  shardProgress,
  shardResultCodec,
} from '@rsrg/campaigns';
import { checksummedJson, UsageError } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { prepareOutFile, writeOutFile } from '../files.js';
import { toJson } from '../format/json.js';
import { withWorkers } from '../run-dir.js';
import { mcrgJson, renderMcrg } from './mcrg.js';

interface MergeOptions {
  json?: boolean;
  out?: string;
  partial?: boolean;
}

/** A shard's result with the name messages give it (its file). */
interface NamedShard {
  readonly name: string;
  readonly shard: ShardResult;
}

/** Reads a shard file: `<I>.rsrg`, or `<I>.h5` whose lossless `<I>.rsrg` lies beside it. */
function readShardFile(path: string): NamedShard {
  let file = path;
  if (extname(path) === '.h5') {
    file = join(resolve(path, '..'), `${basename(path, '.h5')}.rsrg`);
    if (!existsSync(file))
      throw new UsageError(
        `${path}: merge reads the lossless shard file ${file} beside it, and it is missing`,
      );
  }
  if (!existsSync(file)) throw new UsageError(`${path}: no such file`);
  return { name: path, shard: shardResultCodec.decode(readFileSync(file), file) };
}

/** The shard files of a run directory (`shards/<I>.rsrg`), in index order. */
export function shardFiles(runDir: string): string[] {
  const dir = join(runDir, 'shards');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^\d+\.rsrg$/.test(n))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((n) => join(dir, n));
}

/** The shards (I/N) that have checkpoints in a run directory, from the file names. */
export function checkpointedShards(runDir: string): ShardSpec[] {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return [];
  const seen = new Map<string, ShardSpec>();
  for (const name of readdirSync(dir)) {
    const m = /^shard-(\d+)-of-(\d+)\.\d+\.ckpt$/.exec(name);
    if (m) seen.set(`${m[1]}/${m[2]}`, { index: Number(m[1]), count: Number(m[2]) });
  }
  return [...seen.values()].sort((a, b) => a.count - b.count || a.index - b.index);
}

/**
 * The shards of a run directory to merge: every finished shard file, then, for each shard
 * with checkpoints but no file, its newest good checkpoint when it is finished (a whole run
 * of `rsrg mcrg --run-dir`) or when `partial`.
 */
function runDirShards(runDir: string, plan: Plan, partial: boolean): NamedShard[] {
  const shards = shardFiles(runDir).map(readShardFile);
  const have = new Set(shards.map((s) => `${s.shard.shard.index}/${s.shard.shard.count}`));
  for (const spec of checkpointedShards(runDir)) {
    if (have.has(`${spec.index}/${spec.count}`)) continue;
    const progress = shardProgress(runDir, plan, spec);
    if (!progress.checkpoint || !(progress.done || partial)) continue;
    shards.push({
      name: `shard ${spec.index}/${spec.count} (checkpoint)`,
      shard: checkpointShard(plan, progress.checkpoint),
    });
  }
  return shards;
}

/**
 * `rsrg merge <run-dir | shard files…>`: merges the shards of one plan and prints what
 * `rsrg mcrg` prints for the whole run (docs/campaigns.md, "Shards and merge").
 */
export function mergeCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('merge')
    .description('merge the shards of a run (rsrg mcrg --run-dir --shard) and report it as rsrg mcrg does')
    .argument('<inputs...>', 'a run directory, or shard files (shards/<I>.rsrg or their .h5)')
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .addOption(
      new Option(
        '--out <file>',
        'also write the JSON result to this file, and the HDF5 result beside it (<file> less .json, plus .h5)',
      ),
    )
    .addOption(
      new Option(
        '--partial',
        'merge what there is: missing chains, and running shards from their checkpoints',
      ),
    )
    .action(async (inputs: string[], opts: MergeOptions) => {
      const { io } = ctx;
      const paths = inputs.map((p) => resolve(io.cwd, p));
      const out = opts.out === undefined ? undefined : prepareOutFile(resolve(io.cwd, opts.out));
      const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
      let plan: Plan;
      let shards: NamedShard[];
      let runDir: string | undefined;
      if (paths.some(isDir)) {
        if (paths.length > 1) throw new UsageError('merge takes one run directory, or shard files');
        runDir = paths[0];
        plan = readPlan(runDir);
        shards = runDirShards(runDir, plan, opts.partial === true);
        if (shards.length === 0)
          throw new UsageError(`${runDir}: no finished shard to merge (--partial merges checkpoints too)`);
      } else {
        shards = paths.map(readShardFile);
        plan = shards[0].shard.plan;
      }
      const registry = await ctx.registry();
      const merged = mergeShards(
        plan,
        shards.map((s) => s.shard),
        { partial: opts.partial === true, names: shards.map((s) => s.name) },
      );
      if (opts.partial) {
        const missing = merged.missing.length;
        io.stderr(
          `rsrg: partial merge: ${merged.measured} of ${merged.planned} measurements (${plan.config.chains - missing} of ${plan.config.chains} chains, ${merged.unfinished.length} unfinished)\n`,
        );
      }
      const result = withWorkers(await mergedResult(registry, merged), 1);
      const doc = mcrgJson(result, ctx.version);
      if (out) {
        writeOutFile(out, checksummedJson(doc));
        const h5 = `${out.endsWith('.json') ? out.slice(0, -'.json'.length) : out}.h5`;
        const { writeResultH5 } = await import('@rsrg/campaigns');
        await writeResultH5(h5, result, merged.accumulators, { parameters: plan });
      }
      io.stdout(opts.json ? toJson(doc) : renderMcrg(result, registry));
    });
}
