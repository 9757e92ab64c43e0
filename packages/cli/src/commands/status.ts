import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ShardSpec } from '@rsrg/campaigns';
import { UsageError } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { jsonHead, toJson } from '../format/json.js';
import { renderTable } from '../format/table.js';

interface StatusOptions {
  json?: boolean;
  checkpointEvery: number;
}

/**
 * A shard's state, by a heuristic: `done` when its result file exists (the whole run: when
 * result.json does or its last checkpoint has every chain done), `failed` when its Slurm task's
 * log ends with rsrg exiting with an error (neither 0 nor 75), `running` when its newest
 * checkpoint is younger than 2 checkpoint intervals + 30 s, `stalled` when older (stopped,
 * killed outside Slurm, or queued again), `pending` without a checkpoint.
 */
export type ShardState = 'pending' | 'running' | 'stalled' | 'failed' | 'done';

/**
 * The exit code of a Slurm task's last run, when the last line its array script logged (in
 * `<logs>/shard-<I>.err`) is "rsrg exited with code X"; undefined while it runs, before it
 * ran, or without a log. Only the log's tail is read: a long campaign's log is long.
 */
function loggedExit(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const size = statSync(path).size;
  const length = Math.min(size, 1 << 16);
  const tail = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, tail, 0, length, size - length);
  } finally {
    closeSync(fd);
  }
  const lines = tail.toString('utf8').match(/^rsrg-slurm: .*$/gm);
  const last = lines?.[lines.length - 1]?.match(/: rsrg exited with code (\d+)$/);
  return last ? Number(last[1]) : undefined;
}

/** The number of shards of the run directory's Slurm job array (`rsrg submit`), 0 without one. */
function arrayShards(runDir: string, script: string): number {
  const path = join(runDir, script);
  if (!existsSync(path)) return 0;
  const m = /^SHARDS=(\d+)$/m.exec(readFileSync(path, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** The shards (I/N) of a run directory: from its Slurm job array, then its checkpoints. */
function shardsOf(arrayCount: number, chains: number, checkpointed: readonly ShardSpec[]): ShardSpec[] {
  const specs = new Map<string, ShardSpec>();
  const add = (s: ShardSpec) => specs.set(`${s.index}/${s.count}`, s);
  if (arrayCount <= chains) for (let i = 0; i < arrayCount; i++) add({ index: i, count: arrayCount });
  for (const s of checkpointed) add(s);
  if (specs.size === 0) add({ index: 0, count: 1 });
  return [...specs.values()].sort((a, b) => a.count - b.count || a.index - b.index);
}

const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** `rsrg status <run-dir>`: one row per shard, from the checkpoints and the shard files. */
export function statusCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('status')
    .description('show how far each shard of a run directory has got')
    .argument('<run-dir>', 'the run directory')
    .addOption(
      new Option(
        '--checkpoint-every <seconds>',
        'the runs’ checkpoint interval: a shard whose last checkpoint is older than 2 intervals + 30 s is stalled',
      )
        .argParser((t) => {
          const x = Number(t);
          if (!Number.isFinite(x) || x <= 0)
            throw new UsageError(`--checkpoint-every must be a number of seconds > 0, got '${t}'`);
          return x;
        })
        .default(60),
    )
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (given: string, opts: StatusOptions) => {
      // Loaded here, not at start-up: every other command starts faster without the campaign layer.
      const { checkpointedShards, EXIT_CHECKPOINTED, planShardChains, readPlan, SLURM_PATHS, shardProgress } =
        await import('@rsrg/campaigns');
      const runDir = resolve(ctx.io.cwd, given);
      const plan = readPlan(runDir);
      const now = Date.now();
      const newChains = plan.config.chains - (plan.base?.chains ?? 0);
      const tasks = arrayShards(runDir, SLURM_PATHS.arrayScript);
      const rows = shardsOf(tasks, newChains, checkpointedShards(runDir)).map((spec) => {
        const p = shardProgress(runDir, plan, spec, now);
        const chains = planShardChains(plan, spec);
        const file =
          spec.count === 1 ? join(runDir, 'result.json') : join(runDir, 'shards', `${spec.index}.rsrg`);
        // The task logs are those of the job array's shards.
        const exit =
          spec.count === tasks
            ? loggedExit(join(runDir, SLURM_PATHS.logs, `shard-${spec.index}.err`))
            : undefined;
        const state: ShardState =
          existsSync(file) || p.done
            ? 'done'
            : exit !== undefined && exit !== 0 && exit !== EXIT_CHECKPOINTED
              ? 'failed'
              : p.checkpoints === 0 || !Number.isFinite(p.age)
                ? 'pending'
                : p.age <= 2 * opts.checkpointEvery + 30
                  ? 'running'
                  : 'stalled';
        return {
          shard: `${spec.index}/${spec.count}`,
          chains: [chains[0], chains[chains.length - 1]],
          measured: state === 'done' ? p.planned : p.measured,
          planned: p.planned,
          rate: p.rate,
          eta: state === 'done' ? 0 : p.eta,
          checkpointAge: p.age,
          state,
        };
      });
      if (opts.json) {
        ctx.io.stdout(
          toJson({
            ...jsonHead('status'),
            version: ctx.version,
            runDir,
            planHash: plan.planHash,
            ...(plan.base && { baseChains: plan.base.chains }),
            shards: rows.map((r) => ({
              ...r,
              rate: Number.isFinite(r.rate) ? r.rate : null,
              eta: Number.isFinite(r.eta) ? r.eta : null,
              checkpointAge: Number.isFinite(r.checkpointAge) ? r.checkpointAge : null,
            })),
          }),
        );
        return;
      }
      const table = renderTable(
        ['shard', 'chains', 'measurements', 'rate /s', 'ETA', 'last checkpoint', 'state'],
        rows.map((r) => [
          r.shard,
          `${r.chains[0]}–${r.chains[1]}`,
          `${r.measured} / ${r.planned}`,
          fmt(r.rate, 1),
          duration(r.eta),
          Number.isFinite(r.checkpointAge) ? `${duration(r.checkpointAge)} ago` : '—',
          r.state,
        ]),
        ['right', 'right', 'right', 'right', 'right', 'right', 'left'],
      );
      ctx.io.stdout(
        `${runDir}: ${plan.config.chains} chains, ${plan.config.samples} measurements${plan.base ? ` (chains 0–${plan.base.chains - 1} done before --extend)` : ''}\n${table}\n`,
      );
    });
}
