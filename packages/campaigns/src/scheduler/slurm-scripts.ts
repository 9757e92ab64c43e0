import { UsageError } from '@rsrg/core';

/**
 * The exit code of a campaign task that wrote a checkpoint and stopped because a signal asked
 * it to (SIGUSR1, SIGTERM, SIGINT): 75, EX_TEMPFAIL of sysexits.h, "try again later". The Slurm
 * array script requeues a task that exits with it after the time-limit signal.
 */
export const EXIT_CHECKPOINTED = 75;

/** Seconds before the time limit at which Slurm sends SIGUSR1 to a task (`--signal=B:USR1@120`). */
export const DEFAULT_SIGNAL_BEFORE = 120;

/** The most seconds `--signal=…@<seconds>` takes (Slurm stores it in 16 bits). */
export const MAX_SIGNAL_BEFORE = 65_535;

/** Where `rsrg submit` writes the job scripts and Slurm the task logs, relative to the run directory. */
export const SLURM_PATHS = {
  /** The job-array script: one task per shard. */
  arrayScript: 'slurm/array.sh',
  /** The merge job's script, run once every task has succeeded. */
  mergeScript: 'slurm/merge.sh',
  /** The directory of the task and merge logs (`shard-<I>.out|.err`, `merge.out|.err`). */
  logs: 'logs',
  /** The merged result the merge job writes. */
  result: 'result.json',
} as const;

/** What the two job scripts of a campaign are made from. */
export interface SlurmJobSpec {
  /** The run directory, absolute. */
  readonly runDir: string;
  /** Number of shards: the array has tasks 0 … shards − 1. */
  readonly shards: number;
  /**
   * How a task runs rsrg: an absolute argv prefix, normally `[process.execPath, <cli>/dist/bin.js]`,
   * so that every task runs exactly the build that submitted it.
   */
  readonly rsrg: readonly string[];
  /** `--time` of both jobs, in any form sbatch takes (e.g. 30, 4:00:00, 1-12). */
  readonly time?: string;
  /** `--partition` of both jobs. */
  readonly partition?: string;
  /** Further sbatch options for both jobs, each one word such as `--account=phys` or `--mem=4G`. */
  readonly sbatchArgs?: readonly string[];
  /** Seconds before the time limit at which SIGUSR1 is sent (default DEFAULT_SIGNAL_BEFORE). */
  readonly signalBefore?: number;
}

/**
 * `text` as one shell word: in single quotes, each `'` written as `'\''`. Words made only of
 * safe characters (letters, digits, `_-./=:,+@%`) stay as they are.
 */
export function shellQuote(text: string): string {
  if (text !== '' && /^[\w\-./=:,+@%]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A file name for `#SBATCH --output`/`--error`: `%` doubled, so that only the patterns we add
 * (`%a`, `%A`) are replaced; in double quotes, which sbatch's script parser takes for blanks.
 * A name with `"`, `\` (which turns all patterns off) or a line break cannot be written there.
 */
export function sbatchFilename(path: string, pattern = ''): string {
  checkSbatchPath(path);
  return `"${path.replace(/%/g, '%%')}${pattern}"`;
}

/** Throws a UsageError when `path` cannot appear in an `#SBATCH` line. */
export function checkSbatchPath(path: string): void {
  const bad = /["\\\n\r]/.exec(path);
  if (bad) {
    const what = bad[0] === '"' ? 'a double quote' : bad[0] === '\\' ? 'a backslash' : 'a line break';
    throw new UsageError(
      `the run directory '${path}' contains ${what}, which an #SBATCH line cannot hold: use another directory`,
    );
  }
}

/**
 * Seconds in a Slurm time limit: minutes, minutes:seconds, hours:minutes:seconds, days-hours,
 * days-hours:minutes or days-hours:minutes:seconds; Infinity for UNLIMITED or INFINITE. Throws a
 * UsageError naming `--time` for anything else.
 */
export function parseSlurmTime(text: string): number {
  const t = text.trim();
  if (/^(unlimited|infinite)$/i.test(t)) return Number.POSITIVE_INFINITY;
  const bad = () =>
    new UsageError(
      `--time must be a Slurm time limit (minutes, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss), got '${text}'`,
    );
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  if (!m) throw bad();
  const [, d, a, b, c] = m;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  let seconds: number;
  if (d !== undefined) {
    // days-hours[:minutes[:seconds]]
    seconds = n(d) * 86_400 + n(a) * 3600 + n(b) * 60 + n(c);
  } else if (c !== undefined) {
    seconds = n(a) * 3600 + n(b) * 60 + n(c);
  } else if (b !== undefined) {
    seconds = n(a) * 60 + n(b);
  } else {
    seconds = n(a) * 60;
  }
  if (seconds <= 0) throw bad();
  return seconds;
}

const RESERVED_SBATCH_OPTIONS = new Map([
  ['--array', 'rsrg submit sets the array from --shards'],
  ['-a', 'rsrg submit sets the array from --shards'],
  ['--dependency', 'rsrg submit makes the merge job depend on the array'],
  ['-d', 'rsrg submit makes the merge job depend on the array'],
  ['--parsable', 'rsrg submit passes it itself'],
  ['--wait', "use rsrg submit's own --wait"],
  ['-W', "use rsrg submit's own --wait"],
  ['--signal', 'use --signal-before'],
  ['--time', 'use --time'],
  ['-t', 'use --time'],
  ['--partition', 'use --partition'],
  ['-p', 'use --partition'],
]);

/** Checks the spec's options: throws a UsageError naming the option at fault. */
export function checkSlurmJobSpec(spec: SlurmJobSpec): void {
  if (!Number.isSafeInteger(spec.shards) || spec.shards < 1) {
    throw new UsageError(`--shards must be a positive integer, got '${spec.shards}'`);
  }
  checkSbatchPath(spec.runDir);
  if (!spec.runDir.startsWith('/'))
    throw new UsageError(`the run directory must be absolute: '${spec.runDir}'`);
  if (spec.rsrg.length === 0 || !spec.rsrg[0].startsWith('/')) {
    throw new UsageError(`the rsrg command must start with an absolute path, got '${spec.rsrg.join(' ')}'`);
  }
  const before = spec.signalBefore ?? DEFAULT_SIGNAL_BEFORE;
  if (!Number.isSafeInteger(before) || before < 1 || before > MAX_SIGNAL_BEFORE) {
    throw new UsageError(
      `--signal-before must be a whole number of seconds in 1…${MAX_SIGNAL_BEFORE}, got '${before}'`,
    );
  }
  if (spec.time !== undefined) {
    const limit = parseSlurmTime(spec.time);
    if (before >= limit) {
      throw new UsageError(
        `--signal-before ${before} s is not shorter than --time ${spec.time} (${limit} s): a task would be told to stop as it starts`,
      );
    }
  }
  if (spec.partition !== undefined && !/^[\w.,-]+$/.test(spec.partition)) {
    throw new UsageError(
      `--partition must be a partition name (letters, digits, '_.,-'), got '${spec.partition}'`,
    );
  }
  for (const arg of spec.sbatchArgs ?? []) {
    if (!/^-/.test(arg) || /[\n\r]/.test(arg)) {
      throw new UsageError(`--sbatch-arg must be one sbatch option such as --mem=4G, got '${arg}'`);
    }
    const name = /^(-[A-Za-z]|--[\w-]+)/.exec(arg)?.[1] ?? arg;
    const reserved = RESERVED_SBATCH_OPTIONS.get(name);
    if (reserved) throw new UsageError(`--sbatch-arg ${arg}: ${reserved}`);
  }
}

/** A job name from the run directory's last component: letters, digits and `._-` only. */
export function slurmJobName(runDir: string, prefix: string): string {
  const base =
    runDir
      .replace(/\/+$/, '')
      .split('/')
      .pop()
      ?.replace(/[^\w.-]+/g, '_') ?? '';
  return `${prefix}${base || 'run'}`.slice(0, 64);
}

function sharedOptions(spec: SlurmJobSpec): string[] {
  const lines: string[] = [];
  if (spec.time !== undefined) lines.push(`#SBATCH --time=${spec.time.trim()}`);
  if (spec.partition !== undefined) lines.push(`#SBATCH --partition=${spec.partition}`);
  // Last, so that they win over the lines above where they repeat one (e.g. --open-mode).
  for (const arg of spec.sbatchArgs ?? []) lines.push(`#SBATCH ${arg}`);
  return lines;
}

function rsrgArray(spec: SlurmJobSpec): string {
  return `RSRG=(${spec.rsrg.map(shellQuote).join(' ')})`;
}

const logPath = (spec: SlurmJobSpec) => `${spec.runDir.replace(/\/+$/, '')}/${SLURM_PATHS.logs}`;

/**
 * The job-array script: task I of `--array=0-(N−1)` runs `rsrg mcrg --run-dir <dir> --shard I/N`.
 *
 * Slurm sends SIGUSR1 to the batch shell (`--signal=B:USR1@<s>`) `signalBefore` seconds before
 * the time limit. The shell runs rsrg in the background, traps USR1, forwards it to rsrg and
 * waits; rsrg writes a checkpoint and exits with EXIT_CHECKPOINTED (75). The shell then requeues
 * its own task (`scontrol requeue <array id>_<task>`: the plain job id of task 0 would be the
 * whole array's) and the requeued task resumes from the checkpoint. Any other exit code is the
 * task's; a 75 without the time-limit signal (an scancel) is not requeued. Logs go to
 * `<run-dir>/logs/shard-<I>.out|.err`, appended to over requeues and resubmissions.
 */
export function slurmArrayScript(spec: SlurmJobSpec): string {
  checkSlurmJobSpec(spec);
  const signalBefore = spec.signalBefore ?? DEFAULT_SIGNAL_BEFORE;
  const logs = logPath(spec);
  return `#!/bin/bash
# Written by rsrg submit: one task per shard of the campaign in
#   ${spec.runDir}
# Task I runs 'rsrg mcrg --run-dir <run dir> --shard I/${spec.shards}', which runs or resumes shard I
# of the plan stored there. Slurm sends SIGUSR1 to this shell ${signalBefore} s before the time
# limit; it is forwarded to rsrg, which writes a checkpoint and exits with ${EXIT_CHECKPOINTED}; the
# task is then requeued and resumes from that checkpoint. See docs/campaigns.md, "Slurm".
#SBATCH --job-name=${slurmJobName(spec.runDir, 'rsrg-')}
#SBATCH --array=0-${spec.shards - 1}
#SBATCH --output=${sbatchFilename(`${logs}/shard-`, '%a.out')}
#SBATCH --error=${sbatchFilename(`${logs}/shard-`, '%a.err')}
#SBATCH --open-mode=append
#SBATCH --signal=B:USR1@${signalBefore}
#SBATCH --requeue
${sharedOptions(spec).join('\n')}${sharedOptions(spec).length ? '\n' : ''}
RUN_DIR=${shellQuote(spec.runDir)}
SHARDS=${spec.shards}
${rsrgArray(spec)}
EXIT_CHECKPOINTED=${EXIT_CHECKPOINTED}
TASK="\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}"
SHARD="\${SLURM_ARRAY_TASK_ID}/\${SHARDS}"
export RSRG_PROGRESS="\${RSRG_PROGRESS:-60}"

log() { echo "rsrg-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) task $TASK (job $SLURM_JOB_ID) shard $SHARD: $*" >&2; }
cd "$RUN_DIR" || { log "cannot enter the run directory $RUN_DIR"; exit 1; }
log "start on $(hostname), restart \${SLURM_RESTART_COUNT:-0}"

# With --signal=B: only this shell gets SIGUSR1: pass it on to rsrg.
signalled=
child=
forward() {
  signalled=$1
  log "got SIG$1: asking rsrg to write a checkpoint and stop"
  [ -n "$child" ] && kill -s "$1" "$child" 2>/dev/null
}
trap 'forward USR1' USR1

"\${RSRG[@]}" mcrg --run-dir "$RUN_DIR" --shard "$SHARD" &
child=$!
[ -n "$signalled" ] && kill -s "$signalled" "$child" 2>/dev/null
# wait returns early when a trapped signal arrives: wait again while rsrg still runs.
while :; do
  wait "$child"
  code=$?
  kill -0 "$child" 2>/dev/null || break
done
trap - USR1

if [ "$code" -eq "$EXIT_CHECKPOINTED" ] && [ -n "$signalled" ]; then
  log "checkpointed after SIG$signalled; requeueing $TASK"
  # Slurm ends this run and queues the task again (it may start after a short hold).
  scontrol requeue "$TASK" || log "scontrol requeue $TASK failed"
  exit "$EXIT_CHECKPOINTED"
fi
log "rsrg exited with code $code"
exit "$code"
`;
}

/**
 * The merge job: `rsrg merge <run-dir> --out <run-dir>/result.json`, submitted with
 * `--dependency=afterok:<array job id>` on the sbatch command line, so it starts once every
 * task has succeeded. `--kill-on-invalid-dep=yes` cancels it when a task fails, instead of
 * leaving it pending for ever. Logs: `<run-dir>/logs/merge.out|.err`.
 */
export function slurmMergeScript(spec: SlurmJobSpec): string {
  checkSlurmJobSpec(spec);
  const logs = logPath(spec);
  const result = `${spec.runDir.replace(/\/+$/, '')}/${SLURM_PATHS.result}`;
  return `#!/bin/bash
# Written by rsrg submit: merges the ${spec.shards} shards of the campaign in
#   ${spec.runDir}
# once every task of the array has succeeded (sbatch --dependency=afterok:<array job id>).
#SBATCH --job-name=${slurmJobName(spec.runDir, 'rsrg-merge-')}
#SBATCH --output=${sbatchFilename(`${logs}/merge.out`)}
#SBATCH --error=${sbatchFilename(`${logs}/merge.err`)}
#SBATCH --open-mode=append
#SBATCH --kill-on-invalid-dep=yes
${sharedOptions(spec).join('\n')}${sharedOptions(spec).length ? '\n' : ''}
RUN_DIR=${shellQuote(spec.runDir)}
${rsrgArray(spec)}
cd "$RUN_DIR" || exit 1
echo "rsrg-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) merge job $SLURM_JOB_ID on $(hostname)" >&2
exec "\${RSRG[@]}" merge "$RUN_DIR" --out ${shellQuote(result)}
`;
}

/** The two sbatch command lines, for `--dry-run` and the docs; `arrayId` fills the dependency. */
export function slurmSubmitCommands(runDir: string, arrayId = '<array job id>'): [string, string] {
  const dir = runDir.replace(/\/+$/, '');
  return [
    `sbatch --parsable ${shellQuote(`${dir}/${SLURM_PATHS.arrayScript}`)}`,
    `sbatch --parsable --dependency=afterok:${arrayId} ${shellQuote(`${dir}/${SLURM_PATHS.mergeScript}`)}`,
  ];
}
