import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NamedShard, Plan } from '@rsrg/campaigns';
import { checksummedJson, UsageError } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { prepareOutFile, writeOutFile } from '../files.js';
import { toJson } from '../format/json.js';
import { mcrgJson, renderMcrg } from './mcrg.js';

interface MergeOptions {
  json?: boolean;
  out?: string;
  partial?: boolean;
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
      // Loaded here, not at start-up: every other command starts faster without the campaign layer.
      const { mergedResult, mergeShards, readPlan, readShardFile, runDirResults, writeResultH5 } =
        await import('@rsrg/campaigns');
      const { withWorkers } = await import('../run-dir.js');
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
        shards = runDirResults(runDir, plan, { partial: opts.partial === true });
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
        await writeResultH5(h5, result, merged.accumulators, { parameters: plan });
      }
      io.stdout(opts.json ? toJson(doc) : renderMcrg(result, registry));
    });
}
