import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SlurmJobEnd, SlurmJobSpec } from '@rsrg/campaigns';
import { RsrgError, UsageError } from '@rsrg/core';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { jsonHead, toJson } from '../format/json.js';
import { collect, integerAtLeast } from '../options.js';

interface SubmitOptions {
  scheduler: string;
  shards: number;
  time?: string;
  partition?: string;
  sbatchArg?: string[];
  signalBefore: number;
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
}

const SCHEDULERS = ['slurm'];

/** The merge job ended without success: `rsrg submit --wait` exits with its exit code. */
class MergeJobError extends RsrgError {
  override readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * How a Slurm task runs this very build of rsrg: the node binary running now and the package's
 * dist/bin.js, both absolute (found from this module, in src/ or in dist/).
 */
export function rsrgInvocation(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const bin = join(dir, 'dist', 'bin.js');
    if (existsSync(join(dir, 'package.json')) && existsSync(bin)) return [process.execPath, bin];
    dir = dirname(dir);
  }
  // Not built (tests of the TypeScript sources): the path it will have.
  return [process.execPath, resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/bin.js')];
}

/**
 * `rsrg submit <run-dir> --scheduler slurm --shards N`: a job array with one task per shard of
 * the run, and a merge job that depends on it (docs/campaigns.md, "Slurm").
 */
export function submitCommand(program: Command, ctx: CommandContext): Command {
  return program
    .command('submit')
    .description('submit a campaign to a batch scheduler: one job-array task per shard, then a merge job')
    .argument('<run-dir>', 'the run directory, holding the plan written by rsrg mcrg --run-dir')
    .addOption(
      new Option(
        '--scheduler <name>',
        `the batch scheduler (${SCHEDULERS.join(', ')})`,
      ).makeOptionMandatory(),
    )
    .addOption(
      new Option('--shards <n>', 'number of shards, one array task each')
        .argParser(integerAtLeast('--shards', 1))
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--time <limit>', 'time limit of each task, as sbatch takes it (e.g. 4:00:00, 1-12)'),
    )
    .addOption(new Option('--partition <name>', 'the partition (queue) to submit to'))
    .addOption(
      new Option(
        '--sbatch-arg <option>',
        'one more sbatch option for both jobs, e.g. --account=phys (repeatable)',
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--signal-before <seconds>',
        'seconds before the time limit at which a task is told to checkpoint (SIGUSR1), requeued and resumed (default: 120)',
      ).argParser(integerAtLeast('--signal-before', 1)),
    )
    .addOption(new Option('--dry-run', 'print the two job scripts and the sbatch commands; submit nothing'))
    .addOption(new Option('--wait', 'wait for the merge job to end and exit with its exit code'))
    .addOption(new Option('--json', 'print one JSON object instead of text'))
    .action(async (runDir: string, opts: SubmitOptions) => {
      // Loaded here, not at start-up: every other command starts faster without the campaign layer.
      const { checkRunDir, EXIT_CHECKPOINTED, planSlurm, renderSlurmPlan, submitSlurm, waitForSlurmJob } =
        await import('@rsrg/campaigns');
      if (!SCHEDULERS.includes(opts.scheduler)) {
        throw new UsageError(
          `--scheduler: unknown scheduler '${opts.scheduler}' (known: ${SCHEDULERS.join(', ')})`,
        );
      }
      if (opts.dryRun && opts.wait) throw new UsageError('--wait cannot be used with --dry-run');
      const spec: SlurmJobSpec = {
        runDir: checkRunDir(runDir, ctx.io.cwd),
        shards: opts.shards,
        rsrg: rsrgInvocation(),
        time: opts.time,
        partition: opts.partition,
        sbatchArgs: opts.sbatchArg,
        signalBefore: opts.signalBefore,
      };
      const base = { ...jsonHead('submit'), version: ctx.version, scheduler: opts.scheduler };

      if (opts.dryRun) {
        const plan = planSlurm(spec);
        ctx.io.stdout(
          opts.json
            ? toJson({
                ...base,
                dryRun: true,
                runDir: plan.runDir,
                shards: plan.shards,
                scripts: { array: plan.array, merge: plan.merge },
                commands: plan.commands,
              })
            : renderSlurmPlan(plan),
        );
        return;
      }

      const submitted = await submitSlurm(spec, { env: ctx.io.env });
      const summary = {
        ...base,
        dryRun: false,
        runDir: submitted.runDir,
        shards: submitted.shards,
        arrayJobId: submitted.arrayJobId,
        mergeJobId: submitted.mergeJobId,
        scripts: { array: submitted.array.path, merge: submitted.merge.path },
        logs: join(submitted.runDir, 'logs'),
        checkpointedExitCode: EXIT_CHECKPOINTED,
      };
      if (!opts.json) {
        ctx.io.stdout(
          [
            `array job ${submitted.arrayJobId}: ${submitted.shards} task${submitted.shards === 1 ? '' : 's'} (${submitted.array.path})`,
            `merge job ${submitted.mergeJobId}: after every task succeeds (${submitted.merge.path})`,
            `logs: ${summary.logs}`,
            '',
          ].join('\n'),
        );
      }
      if (!opts.wait) {
        if (opts.json) ctx.io.stdout(toJson(summary));
        return;
      }

      const end: SlurmJobEnd = await waitForSlurmJob(submitted.mergeJobId, {
        env: ctx.io.env,
        signal: ctx.io.signal,
        onChange: opts.json
          ? undefined
          : (state, reason) =>
              ctx.io.stderr(
                `merge job ${submitted.mergeJobId}: ${state}${reason !== 'None' ? ` (${reason})` : ''}\n`,
              ),
      });
      if (opts.json) ctx.io.stdout(toJson({ ...summary, merge: end }));
      else if (end.exitCode === 0) ctx.io.stdout(`merged: ${join(submitted.runDir, 'result.json')}\n`);
      if (end.exitCode !== 0) {
        const why =
          end.reason === 'DependencyNeverSatisfied' || end.state === 'CANCELLED'
            ? `; a task of array ${submitted.arrayJobId} failed? see ${summary.logs}`
            : `; see ${join(summary.logs, 'merge.err')}`;
        throw new MergeJobError(
          `merge job ${end.jobId} ended ${end.state} with exit code ${end.exitCode}${why}`,
          end.exitCode,
        );
      }
    });
}
