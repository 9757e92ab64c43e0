import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { RsrgError, UsageError } from '@rsrg/core';
import {
  checkSlurmJobSpec,
  SLURM_PATHS,
  type SlurmJobSpec,
  slurmArrayScript,
  slurmMergeScript,
  slurmSubmitCommands,
} from './slurm-scripts.js';

/**
 * The file that marks a run directory: its plan, written by `rsrg mcrg … --run-dir <dir>`
 * (or `--plan-only`). `rsrg submit` refuses a directory without one.
 */
export const RUN_PLAN_FILE = 'plan.json';

/** One script `rsrg submit` writes (or, with --dry-run, prints). */
export interface SlurmScript {
  /** Where it is written: `<run-dir>/slurm/array.sh` or `merge.sh`. */
  readonly path: string;
  /** The script itself: a bash script with `#SBATCH` lines. */
  readonly text: string;
}

/** The two scripts of a campaign and the commands that submit them. */
export interface SlurmPlan {
  /** The run directory, absolute, without a trailing slash. */
  readonly runDir: string;
  /** Number of shards: tasks 0 … shards − 1 of the array. */
  readonly shards: number;
  /** The job-array script (`<run-dir>/slurm/array.sh`): task I runs shard I. */
  readonly array: SlurmScript;
  /** The merge job's script (`<run-dir>/slurm/merge.sh`): merges the shards into result.json. */
  readonly merge: SlurmScript;
  /** The two sbatch command lines, the merge's with a placeholder for the array job id. */
  readonly commands: readonly [string, string];
}

/** What `submitSlurm` did. */
export interface SlurmSubmission extends SlurmPlan {
  /** Job id of the array (its tasks are `<id>_0` … `<id>_<N−1>`). */
  readonly arrayJobId: string;
  /** Job id of the merge job, which depends on the array (afterok). */
  readonly mergeJobId: string;
}

/** How a job ended, as `scontrol show job` tells it. */
export interface SlurmJobEnd {
  /** The job waited for. */
  readonly jobId: string;
  /** COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, … */
  readonly state: string;
  /** The reason Slurm gives, e.g. DependencyNeverSatisfied ('None' when there is none). */
  readonly reason: string;
  /**
   * The process exit code to report: the job's exit code, 128 + the signal that ended it, or 1
   * when it ended without success and without either (e.g. cancelled before it ran).
   */
  readonly exitCode: number;
}

/** How the Slurm commands are found and run; the defaults use the process environment. */
export interface SlurmEnvironment {
  /** Environment of the sbatch/scontrol processes (PATH, SLURM_CONF, …); the jobs inherit it. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborts `waitForSlurmJob` (the jobs go on). */
  readonly signal?: AbortSignal;
}

/** The absolute path of an executable named `name` on `PATH`, or undefined. */
export function findExecutable(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return isAbsolute(file) ? file : resolve(file);
    } catch {
      // not here
    }
  }
  return undefined;
}

function slurmCommand(name: string, env: SlurmEnvironment['env']): string {
  const file = findExecutable(name, env?.PATH);
  if (!file)
    throw new RsrgError(
      `${name} not found: is Slurm installed? (rsrg submit --scheduler slurm needs ${name} on PATH)`,
    );
  return file;
}

/**
 * Checks a run directory for `rsrg submit`: it exists, is a directory and holds a plan.
 * Returns its absolute path (`runDir` is resolved against `cwd`; errors name it as given).
 */
export function checkRunDir(runDir: string, cwd = process.cwd()): string {
  const dir = resolve(cwd, runDir).replace(/(.)\/+$/, '$1');
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`run directory '${runDir}' does not exist`);
  }
  if (!isDir) throw new UsageError(`run directory '${runDir}' is not a directory`);
  if (!existsSync(join(dir, RUN_PLAN_FILE))) {
    throw new UsageError(
      `'${runDir}' holds no run plan (${RUN_PLAN_FILE}): write one with 'rsrg mcrg … --run-dir ${runDir} --plan-only'`,
    );
  }
  return dir;
}

/**
 * The scripts for `spec` (whose run directory must be absolute), without writing anything:
 * what `rsrg submit --dry-run` prints.
 *
 * @example
 * const rsrg = [process.execPath, '/opt/rsrg/packages/cli/dist/bin.js'];
 * const plan = planSlurm({ runDir: checkRunDir('run'), shards: 8, rsrg, time: '4:00:00' });
 * process.stdout.write(renderSlurmPlan(plan)); // the two scripts and the sbatch commands
 */
export function planSlurm(spec: SlurmJobSpec): SlurmPlan {
  checkSlurmJobSpec(spec);
  const dir = spec.runDir.replace(/(.)\/+$/, '$1');
  return {
    runDir: dir,
    shards: spec.shards,
    array: { path: join(dir, SLURM_PATHS.arrayScript), text: slurmArrayScript(spec) },
    merge: { path: join(dir, SLURM_PATHS.mergeScript), text: slurmMergeScript(spec) },
    commands: slurmSubmitCommands(dir),
  };
}

/** The `--dry-run` text: each script under a `==> path <==` header, then the sbatch commands. */
export function renderSlurmPlan(plan: SlurmPlan): string {
  return [
    `==> ${plan.array.path} <==`,
    plan.array.text,
    `==> ${plan.merge.path} <==`,
    plan.merge.text,
    '==> submitted with <==',
    ...plan.commands,
    '',
  ].join('\n');
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: readonly string[], env: SlurmEnvironment['env']): Promise<Run> {
  return new Promise((done) => {
    execFile(
      file,
      [...args],
      { env: env as NodeJS.ProcessEnv | undefined, timeout: 60_000, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout: String(stdout), stderr: String(stderr || (err && !stderr ? err.message : '')) });
      },
    );
  });
}

const firstLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean) ?? '';

const lastLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop() ?? '';

/** Submits one script with `sbatch --parsable [args]`; returns the job id. */
async function sbatch(
  sbatchFile: string,
  args: readonly string[],
  script: string,
  env: SlurmEnvironment['env'],
) {
  const r = await run(sbatchFile, ['--parsable', ...args, script], env);
  // --parsable prints "<id>" or "<id>;<cluster>".
  const id = /^(\d+)(?:;\S*)?\s*$/m.exec(r.stdout)?.[1];
  if (r.code !== 0 || id === undefined) {
    // sbatch explains itself last ("sbatch: fatal: …", "sbatch: error: Batch job submission failed: …").
    let why = (lastLine(r.stderr) || lastLine(r.stdout) || `exit code ${r.code}`).replace(
      /^sbatch:\s*(error|fatal):\s*/,
      '',
    );
    if (/configuration source/i.test(why)) why += ' (no slurm.conf found: is SLURM_CONF set?)';
    throw new RsrgError(`sbatch ${script} failed: ${why}`);
  }
  return id;
}

/**
 * Writes the two scripts to `<run-dir>/slurm/`, creates `<run-dir>/logs/`, submits the array
 * with `sbatch --parsable`, then the merge job with `--dependency=afterok:<array id>`. When the
 * merge job cannot be submitted the array is cancelled, so nothing runs half-submitted.
 *
 * @example
 * const rsrg = [process.execPath, '/opt/rsrg/packages/cli/dist/bin.js'];
 * const spec = { runDir: checkRunDir('run'), shards: 8, rsrg, partition: 'short' };
 * const { arrayJobId, mergeJobId } = await submitSlurm(spec); // the tasks: `${arrayJobId}_0` …
 * const end = await waitForSlurmJob(mergeJobId); // end.exitCode 0: run/result.json is written
 */
export async function submitSlurm(
  spec: SlurmJobSpec,
  environment: SlurmEnvironment = {},
): Promise<SlurmSubmission> {
  const env = environment.env ?? process.env;
  const plan = planSlurm(spec);
  const sbatchFile = slurmCommand('sbatch', env);
  mkdirSync(join(plan.runDir, SLURM_PATHS.logs), { recursive: true });
  for (const script of [plan.array, plan.merge]) {
    mkdirSync(dirname(script.path), { recursive: true });
    writeFileSync(script.path, script.text, { mode: 0o755 });
  }
  const arrayJobId = await sbatch(sbatchFile, [], plan.array.path, env);
  let mergeJobId: string;
  try {
    mergeJobId = await sbatch(sbatchFile, [`--dependency=afterok:${arrayJobId}`], plan.merge.path, env);
  } catch (err) {
    const scancel = findExecutable('scancel', env.PATH);
    if (scancel) await run(scancel, [arrayJobId], env);
    throw new RsrgError(`${(err as Error).message} (the array job ${arrayJobId} was cancelled)`);
  }
  return { ...plan, commands: slurmSubmitCommands(plan.runDir, arrayJobId), arrayJobId, mergeJobId };
}

/** Job states after which a job does not run again. */
const FINAL_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'BOOT_FAIL',
  'DEADLINE',
  'PREEMPTED',
  'SPECIAL_EXIT',
  'REVOKED',
]);

/** State, reason and exit code of a job from one `scontrol show job -o` record. */
export function parseScontrolJob(record: string): {
  /** `JobState`, e.g. PENDING, RUNNING, COMPLETED, FAILED. */
  state: string;
  /** `Reason` ('None' when the record has none). */
  reason: string;
  /** `ExitCode` as Slurm writes it, `<code>:<signal>` ('0:0' when the record has none). */
  exitCode: string;
} {
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(record)?.[1];
  const state = field('JobState');
  if (state === undefined)
    throw new RsrgError(`cannot read the job state from scontrol: '${firstLine(record)}'`);
  return { state, reason: field('Reason') ?? 'None', exitCode: field('ExitCode') ?? '0:0' };
}

/** The process exit code for a job that ended in `state` with Slurm's `ExitCode=<code>:<signal>`. */
export function jobExitCode(state: string, exitCode: string): number {
  const [code, signal] = exitCode.split(':').map((s) => Number(s) || 0);
  if (signal > 0) return 128 + signal;
  if (code > 0) return code;
  return state === 'COMPLETED' ? 0 : 1;
}

// The abort listener goes when the sleep ends: a long --wait polls thousands of times.
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((done, fail) => {
    if (signal?.aborted) return fail(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      fail(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      done();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Polls `scontrol show job <id>` until the job has ended, and returns how. A job that waits on
 * a dependency that can never be satisfied (a shard failed) counts as ended, with exit code 1.
 * `onChange` hears each new state (and reason). Slurm forgets a finished job after MinJobAge
 * (300 s by default), so the poll interval must stay well below it.
 */
export async function waitForSlurmJob(
  jobId: string,
  environment: SlurmEnvironment & {
    pollMs?: number;
    onChange?: (state: string, reason: string) => void;
  } = {},
): Promise<SlurmJobEnd> {
  const env = environment.env ?? process.env;
  const scontrol = slurmCommand('scontrol', env);
  const pollMs = environment.pollMs ?? 1000;
  let last = '';
  let failures = 0;
  for (;;) {
    const r = await run(scontrol, ['show', 'job', '-o', jobId], env);
    if (r.code !== 0) {
      if (/invalid job id/i.test(r.stderr)) {
        throw new RsrgError(`job ${jobId} is no longer known to Slurm: its end was not seen`);
      }
      // slurmctld may be busy or restarting: try again for a while.
      if (++failures >= 30) throw new RsrgError(`scontrol show job ${jobId} failed: ${firstLine(r.stderr)}`);
    } else {
      failures = 0;
      // An array job prints one record per line; a plain job one.
      const { state, reason, exitCode } = parseScontrolJob(firstLine(r.stdout));
      const now = `${state} ${reason}`;
      if (now !== last) environment.onChange?.(state, reason);
      last = now;
      if (FINAL_STATES.has(state)) return { jobId, state, reason, exitCode: jobExitCode(state, exitCode) };
      if (state === 'PENDING' && reason === 'DependencyNeverSatisfied') {
        return { jobId, state, reason, exitCode: 1 };
      }
    }
    await sleep(pollMs, environment.signal);
  }
}
