import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkRunDir,
  DEFAULT_SIGNAL_BEFORE,
  EXIT_CHECKPOINTED,
  findExecutable,
  jobExitCode,
  parseScontrolJob,
  parseSlurmTime,
  planSlurm,
  renderSlurmPlan,
  type SlurmJobSpec,
  sbatchFilename,
  shellQuote,
  slurmArrayScript,
  slurmMergeScript,
  submitSlurm,
} from '@rsrg/campaigns';
import { UsageError } from '@rsrg/core';
import { afterAll, describe, expect, it } from 'vitest';

// The job scripts as text, then run by bash without Slurm: the Slurm variables set by hand, a
// fake scontrol on PATH that records its arguments, and test/slurm/toy-rsrg.mjs as rsrg.

const toy = fileURLToPath(new URL('../../../test/slurm/toy-rsrg.mjs', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'rsrg-slurm-scripts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spec = (over: Partial<SlurmJobSpec> = {}): SlurmJobSpec => ({
  runDir: '/scratch/ising L64',
  shards: 4,
  rsrg: ['/usr/bin/node', '/opt/rsrg/packages/cli/dist/bin.js'],
  ...over,
});

const sbatchLines = (script: string) => script.split('\n').filter((l) => l.startsWith('#SBATCH'));

/** The value of shell variable `name` after bash runs the script's assignments (and nothing else). */
function shellValue(script: string, name: string): string {
  const assignments = script
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l) && !l.startsWith('export'))
    .join('\n');
  return execFileSync('bash', ['-c', `${assignments}\nprintf '%s' "\${${name}[*]}"`], { encoding: 'utf8' });
}

describe('the job-array script', () => {
  it('has the #SBATCH lines of the campaign, all before the first command', () => {
    const script = slurmArrayScript(spec());
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(sbatchLines(script)).toEqual([
      '#SBATCH --job-name=rsrg-ising_L64',
      '#SBATCH --array=0-3',
      '#SBATCH --output="/scratch/ising L64/logs/shard-%a.out"',
      '#SBATCH --error="/scratch/ising L64/logs/shard-%a.err"',
      '#SBATCH --open-mode=append',
      `#SBATCH --signal=B:USR1@${DEFAULT_SIGNAL_BEFORE}`,
      '#SBATCH --requeue',
    ]);
    // sbatch reads #SBATCH lines only up to the first line that is not a comment.
    const lines = script.split('\n');
    const firstCommand = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines.findLastIndex((l) => l.startsWith('#SBATCH'))).toBeLessThan(firstCommand);
    execFileSync('bash', ['-n'], { input: script });
  });

  it('adds --time, --partition and the extra sbatch options, those last', () => {
    const script = slurmArrayScript(
      spec({
        shards: 1,
        time: '1-12:00:00',
        partition: 'long',
        sbatchArgs: ['--mem=4G', '--account=phys'],
        signalBefore: 300,
      }),
    );
    expect(sbatchLines(script).slice(1)).toEqual([
      '#SBATCH --array=0-0',
      '#SBATCH --output="/scratch/ising L64/logs/shard-%a.out"',
      '#SBATCH --error="/scratch/ising L64/logs/shard-%a.err"',
      '#SBATCH --open-mode=append',
      '#SBATCH --signal=B:USR1@300',
      '#SBATCH --requeue',
      '#SBATCH --time=1-12:00:00',
      '#SBATCH --partition=long',
      '#SBATCH --mem=4G',
      '#SBATCH --account=phys',
    ]);
  });

  it('runs rsrg mcrg on its shard in the background, forwards USR1 and requeues its own task', () => {
    const script = slurmArrayScript(spec());
    expect(script).toContain("trap 'forward USR1' USR1");
    expect(script).toContain(`"\${RSRG[@]}" mcrg --run-dir "$RUN_DIR" --shard "$SHARD" &`);
    expect(script).toContain(`SHARD="\${SLURM_ARRAY_TASK_ID}/\${SHARDS}"`);
    expect(script).toContain('wait "$child"');
    // The plain job id of a task can be the array's own id, which would requeue every task.
    expect(script).toContain(`TASK="\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}"`);
    expect(script).toContain('scontrol requeue "$TASK"');
    expect(script).toContain(`EXIT_CHECKPOINTED=${EXIT_CHECKPOINTED}`);
  });

  it('quotes paths with blanks, quotes, dollars and percent signs', () => {
    const runDir = "/scratch/it's a $HOME `run` 100%";
    const rsrg = ['/opt/my node/bin/node', "/opt/rsrg's build/bin.js"];
    const script = slurmArrayScript(spec({ runDir, rsrg }));
    expect(shellValue(script, 'RUN_DIR')).toBe(runDir);
    expect(shellValue(script, 'RSRG')).toBe(rsrg.join(' '));
    // Slurm replaces %-patterns in file names: a literal % is written %%.
    expect(script).toContain(`#SBATCH --output="/scratch/it's a $HOME \`run\` 100%%/logs/shard-%a.out"`);
    execFileSync('bash', ['-n'], { input: script });
    execFileSync('bash', ['-n'], { input: slurmMergeScript(spec({ runDir, rsrg })) });
  });

  it('refuses a run directory that an #SBATCH line cannot hold, and bad options', () => {
    for (const runDir of ['/a"b', '/a\\b', '/a\nb']) {
      expect(() => slurmArrayScript(spec({ runDir }))).toThrow(/#SBATCH line cannot hold/);
    }
    expect(() => slurmArrayScript(spec({ runDir: 'relative' }))).toThrow(/must be absolute/);
    expect(() => slurmArrayScript(spec({ shards: 0 }))).toThrow(
      "--shards must be a positive integer, got '0'",
    );
    expect(() => slurmArrayScript(spec({ shards: 2.5 }))).toThrow(/--shards/);
    expect(() => slurmArrayScript(spec({ signalBefore: 0 }))).toThrow(/--signal-before/);
    expect(() => slurmArrayScript(spec({ signalBefore: 70_000 }))).toThrow(/--signal-before/);
    expect(() => slurmArrayScript(spec({ time: '2' }))).toThrow(
      /--signal-before 120 s is not shorter than --time 2/,
    );
    expect(() => slurmArrayScript(spec({ time: 'soon' }))).toThrow(/--time must be a Slurm time limit/);
    expect(() => slurmArrayScript(spec({ partition: 'a b' }))).toThrow(/--partition/);
    expect(() => slurmArrayScript(spec({ sbatchArgs: ['--array=1-3'] }))).toThrow(
      /sets the array from --shards/,
    );
    expect(() => slurmArrayScript(spec({ sbatchArgs: ['-d', 'afterok:1'] }))).toThrow(/depend on the array/);
    expect(() => slurmArrayScript(spec({ sbatchArgs: ['mem=4G'] }))).toThrow(/one sbatch option/);
    expect(() => slurmArrayScript(spec({ rsrg: ['node', 'bin.js'] }))).toThrow(/absolute path/);
    try {
      slurmArrayScript(spec({ shards: 0 }));
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
    }
  });
});

describe('the merge script', () => {
  it('runs rsrg merge once the array succeeded, and is cancelled when a task fails', () => {
    const script = slurmMergeScript(spec({ time: '30', partition: 'short' }));
    expect(sbatchLines(script)).toEqual([
      '#SBATCH --job-name=rsrg-merge-ising_L64',
      '#SBATCH --output="/scratch/ising L64/logs/merge.out"',
      '#SBATCH --error="/scratch/ising L64/logs/merge.err"',
      '#SBATCH --open-mode=append',
      '#SBATCH --kill-on-invalid-dep=yes',
      '#SBATCH --time=30',
      '#SBATCH --partition=short',
    ]);
    expect(script).toContain(`exec "\${RSRG[@]}" merge "$RUN_DIR" --out '/scratch/ising L64/result.json'`);
    execFileSync('bash', ['-n'], { input: script });
  });

  it('is submitted with --dependency=afterok on the array', () => {
    const plan = planSlurm(spec());
    expect(plan.array.path).toBe('/scratch/ising L64/slurm/array.sh');
    expect(plan.merge.path).toBe('/scratch/ising L64/slurm/merge.sh');
    expect(plan.commands).toEqual([
      "sbatch --parsable '/scratch/ising L64/slurm/array.sh'",
      "sbatch --parsable --dependency=afterok:<array job id> '/scratch/ising L64/slurm/merge.sh'",
    ]);
    const text = renderSlurmPlan(plan);
    expect(text).toContain('==> /scratch/ising L64/slurm/array.sh <==\n#!/bin/bash\n');
    expect(text).toContain('==> /scratch/ising L64/slurm/merge.sh <==\n#!/bin/bash\n');
  });
});

describe('helpers', () => {
  it('shellQuote gives one word that bash reads back unchanged', () => {
    for (const text of ['plain', 'a b', "it's", '$HOME', '`x`', '', '"q"', 'a\\b', 'line\nbreak', '100%']) {
      const echoed = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(text)}`], { encoding: 'utf8' });
      expect(echoed).toBe(text);
    }
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
  });

  it('sbatchFilename doubles % and quotes', () => {
    expect(sbatchFilename('/a b/50%', '-%a.out')).toBe('"/a b/50%%-%a.out"');
  });

  it('parseSlurmTime reads every form sbatch takes', () => {
    expect(parseSlurmTime('30')).toBe(1800);
    expect(parseSlurmTime('30:15')).toBe(1815);
    expect(parseSlurmTime('4:00:00')).toBe(14_400);
    expect(parseSlurmTime('2-0')).toBe(172_800);
    expect(parseSlurmTime('1-12')).toBe(129_600);
    expect(parseSlurmTime('1-0:30')).toBe(88_200);
    expect(parseSlurmTime('1-0:0:5')).toBe(86_405);
    expect(parseSlurmTime('UNLIMITED')).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['', '0', 'x', '1:2:3:4', '-5', '1h'])
      expect(() => parseSlurmTime(bad)).toThrow(/--time/);
  });

  it('reads job records of scontrol and their exit codes', () => {
    const record =
      'JobId=7 JobName=rsrg-merge-x UserId=root(0) JobState=CANCELLED Reason=DependencyNeverSatisfied Dependency=afterok:5_*(failed) Requeue=1 Restarts=0 BatchFlag=1 ExitCode=0:0';
    expect(parseScontrolJob(record)).toEqual({
      state: 'CANCELLED',
      reason: 'DependencyNeverSatisfied',
      exitCode: '0:0',
    });
    expect(jobExitCode('COMPLETED', '0:0')).toBe(0);
    expect(jobExitCode('FAILED', '3:0')).toBe(3);
    expect(jobExitCode('CANCELLED', '0:15')).toBe(143);
    expect(jobExitCode('CANCELLED', '0:0')).toBe(1);
    expect(jobExitCode('TIMEOUT', '0:0')).toBe(1);
    expect(() => parseScontrolJob('slurm_load_jobs error: Invalid job id specified')).toThrow(/job state/);
  });

  it('checkRunDir wants an existing directory with a plan', () => {
    const dir = join(tmp, 'no plan');
    mkdirSync(dir);
    expect(() => checkRunDir(join(tmp, 'missing'))).toThrow(/does not exist/);
    expect(() => checkRunDir(dir)).toThrow(/holds no run plan \(plan\.json\)/);
    writeFileSync(join(dir, 'plan.json'), '{}');
    expect(checkRunDir(`${dir}/`)).toBe(dir);
    expect(checkRunDir('no plan', tmp)).toBe(dir);
    expect(() => checkRunDir('missing', tmp)).toThrow("run directory 'missing' does not exist");
  });

  it('submitSlurm says so in one line when sbatch is not on PATH', async () => {
    expect(findExecutable('bash', process.env.PATH)).toMatch(/\/bash$/);
    expect(findExecutable('sbatch', '/nonexistent')).toBeUndefined();
    await expect(submitSlurm(spec({ runDir: tmp }), { env: { PATH: '/nonexistent' } })).rejects.toThrow(
      'sbatch not found: is Slurm installed? (rsrg submit --scheduler slurm needs sbatch on PATH)',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The scripts run by bash as slurmd would run them.

interface TaskRun {
  code: number | null;
  stderr: string;
  /** The argument lists scontrol was called with. */
  scontrol: string[];
}

/**
 * Runs the array script of `dir` as task `task` of array 41 (job id 43); `usr1` sends SIGUSR1
 * to the batch shell once the toy rsrg has started, as Slurm does before the time limit.
 */
async function runTask(dir: string, rsrg: readonly string[], task: number, usr1 = false): Promise<TaskRun> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const log = join(dir, `scontrol-${task}.log`);
  writeFileSync(join(bin, 'scontrol'), `#!/bin/sh\necho "$*" >> '${log}'\n`);
  chmodSync(join(bin, 'scontrol'), 0o755);
  const script = join(dir, 'array.sh');
  writeFileSync(script, slurmArrayScript({ runDir: dir, shards: 4, rsrg }));
  const child = spawn('bash', [script], {
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      SLURM_ARRAY_JOB_ID: '41',
      SLURM_ARRAY_TASK_ID: String(task),
      SLURM_JOB_ID: '43',
      RSRG_PROGRESS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdout.resume();
  const ended = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  if (usr1) {
    const started = join(dir, 'shards', `${task}.started`);
    const deadline = Date.now() + 20_000;
    while (!existsSync(started) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(started), 'the toy rsrg started').toBe(true);
    child.kill('SIGUSR1');
  }
  const code = await ended;
  const scontrol = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { code, stderr, scontrol };
}

function taskDir(name: string): string {
  const dir = join(tmp, `task ${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ shards: 4 }));
  return dir;
}

describe('the array script run by bash', () => {
  const rsrg = [process.execPath, toy];

  it('passes USR1 on to rsrg, and requeues its task when rsrg checkpointed and exited 75', async () => {
    const dir = taskDir('usr1');
    writeFileSync(join(dir, 'checkpoint-shard'), '2');
    const run = await runTask(dir, rsrg, 2, true);
    expect(run.code).toBe(EXIT_CHECKPOINTED);
    expect(run.scontrol).toEqual(['requeue 41_2']);
    expect(readFileSync(join(dir, 'shards/2.checkpoint'), 'utf8')).toBe('shard 2/4 checkpoint\n');
    expect(run.stderr).toMatch(/task 41_2 \(job 43\) shard 2\/4: got SIGUSR1/);
    expect(run.stderr).toContain('toy-rsrg: shard 2 got SIGUSR1, checkpointed, exiting 75');
    expect(run.stderr).toContain('checkpointed after SIGUSR1; requeueing 41_2');
    // The requeued run resumes and completes.
    const again = await runTask(dir, rsrg, 2);
    expect(again).toMatchObject({ code: 0, scontrol: ['requeue 41_2'] });
    expect(readFileSync(join(dir, 'shards/2.txt'), 'utf8')).toBe('shard 2/4 resumed from its checkpoint\n');
  });

  it('exits with the exit code of rsrg and requeues nothing otherwise', async () => {
    const dir = taskDir('plain');
    expect(await runTask(dir, rsrg, 0)).toMatchObject({ code: 0, scontrol: [] });
    expect(readFileSync(join(dir, 'shards/0.txt'), 'utf8')).toBe('shard 0/4\n');
    writeFileSync(join(dir, 'fail-shard'), '1');
    const failed = await runTask(dir, rsrg, 1);
    expect(failed).toMatchObject({ code: 3, scontrol: [] });
    expect(failed.stderr).toContain('rsrg exited with code 3');
    // 75 without the time-limit signal (an scancel, a SIGTERM): the task ends, not requeued.
    const stopped = await runTask(dir, ['/bin/sh', '-c', `exit ${EXIT_CHECKPOINTED}`, 'rsrg'], 3);
    expect(stopped).toMatchObject({ code: EXIT_CHECKPOINTED, scontrol: [] });
  });

  it('the merge script runs rsrg merge into <run-dir>/result.json', () => {
    const dir = taskDir('merge');
    mkdirSync(join(dir, 'shards'));
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'shards', `${i}.txt`), `shard ${i}/4\n`);
    const script = join(dir, 'merge.sh');
    writeFileSync(script, slurmMergeScript({ runDir: dir, shards: 4, rsrg }));
    execFileSync('bash', [script], { env: { ...process.env, SLURM_JOB_ID: '44' }, stdio: 'ignore' });
    expect(readFileSync(join(dir, 'result.json'), 'utf8')).toBe(
      'shard 0/4\nshard 1/4\nshard 2/4\nshard 3/4\n',
    );
  });
});
