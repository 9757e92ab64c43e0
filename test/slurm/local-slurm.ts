import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * A real one-node Slurm cluster for tests, started and stopped by test/slurm/cluster.sh (which
 * installs Slurm with apt when it is missing). Starting fails loudly, with the daemons' logs in
 * the error, when Slurm cannot be installed or started: a test that needs Slurm never skips.
 *
 * @example
 * let slurm: LocalSlurm;
 * beforeAll(() => { slurm = startLocalSlurm(); }, 300_000);
 * afterAll(() => stopLocalSlurm(slurm));
 * // then submitSlurm(spec, { env: slurm.env }), or run `rsrg submit` with env slurm.env
 */
export interface LocalSlurm {
  /** The cluster's directory: slurm.conf, state, spool, logs and the pids of its daemons. */
  readonly dir: string;
  /** Its slurm.conf; every Slurm command (and job) needs SLURM_CONF set to it. */
  readonly conf: string;
  /** process.env with SLURM_CONF: the environment to run sbatch, scontrol or `rsrg submit` in. */
  readonly env: Record<string, string | undefined>;
}

export const CLUSTER_SCRIPT = fileURLToPath(new URL('./cluster.sh', import.meta.url));

/**
 * Starts a cluster (installing Slurm first when needed: allow a few minutes for apt). Throws
 * an Error that carries cluster.sh's messages and log tails when it cannot.
 */
export function startLocalSlurm(options: { timeoutMs?: number } = {}): LocalSlurm {
  const r = spawnSync('bash', [CLUSTER_SCRIPT, 'start'], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 280_000,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const vars = Object.fromEntries(
    (r.stdout ?? '')
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  );
  if (r.status !== 0 || !vars.SLURM_CONF || !vars.RSRG_SLURM_DIR) {
    const why = r.error ? `${r.error.message}\n` : `exit status ${r.status ?? r.signal}\n`;
    throw new Error(
      `the local Slurm cluster did not start (test/slurm/cluster.sh start): ${why}${r.stderr ?? ''}`,
    );
  }
  return {
    dir: vars.RSRG_SLURM_DIR,
    conf: vars.SLURM_CONF,
    env: { ...process.env, SLURM_CONF: vars.SLURM_CONF },
  };
}

/** Cancels the cluster's jobs, stops its daemons (only those) and deletes its directory. */
export function stopLocalSlurm(cluster: LocalSlurm | undefined, options: { keep?: boolean } = {}): void {
  if (!cluster) return;
  const r = spawnSync('bash', [CLUSTER_SCRIPT, 'stop', cluster.dir], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, RSRG_SLURM_KEEP: options.keep ? '1' : '0' },
  });
  if (r.status !== 0)
    throw new Error(`cluster.sh stop ${cluster.dir} failed: ${r.stderr || r.error?.message}`);
}

/** Runs a Slurm command (scontrol, scancel, squeue, …) on the cluster; returns its stdout. */
export function slurmCommand(cluster: LocalSlurm, command: string, args: readonly string[]): string {
  return execFileSync(command, [...args], { encoding: 'utf8', env: cluster.env, timeout: 30_000 });
}

/**
 * Sends `signal` to the batch shell of one job (e.g. `<array id>_<task>`), as Slurm does at
 * `--signal=B:<signal>@<s>` before the time limit, whose granularity is a minute.
 */
export function signalBatchShell(cluster: LocalSlurm, jobId: string, signal = 'USR1'): void {
  slurmCommand(cluster, 'scancel', ['--batch', `--signal=${signal}`, jobId]);
}

/** `scontrol show job -o <id>` as key=value pairs (first record). */
export function showJob(cluster: LocalSlurm, jobId: string): Record<string, string> {
  const line = slurmCommand(cluster, 'scontrol', ['show', 'job', '-o', jobId]).split('\n')[0];
  return Object.fromEntries([...line.matchAll(/(\w[\w/:]*)=(\S*)/g)].map((m) => [m[1], m[2]]));
}

/**
 * Lets a requeued job start now: Slurm holds a requeued job for about two minutes (its
 * BeginTime) before it may run again.
 */
export function releaseRequeued(cluster: LocalSlurm, jobId: string): void {
  slurmCommand(cluster, 'scontrol', ['update', `JobId=${jobId}`, 'StartTime=now']);
}

/** Polls `test` every `everyMs` until it returns a value other than undefined/false; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  test: () => T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = test();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
