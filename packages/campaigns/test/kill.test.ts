import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type McrgConfig, runMcrg } from '@rsrg/mcrg';
import { afterAll, describe, expect, it } from 'vitest';
import { builtRegistry } from '../../mcrg/test/registry.js';
import {
  checkpointFiles,
  mergedResult,
  mergeShards,
  readPlan,
  runCheckpointCodec,
  shardResultCodec,
} from '../src/index.js';
import { config, reproducible } from './fixtures.js';

const packages = fileURLToPath(new URL('../../', import.meta.url));
const dist = (pkg: string) => pathToFileURL(join(packages, pkg, 'dist', 'index.js')).href;

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true }))
    t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return t;
}

/** Builds @rsrg/campaigns when its dist is missing or older than its sources. */
function buildCampaigns(): void {
  const out = join(packages, 'campaigns', 'dist', 'index.js');
  if (!existsSync(out) || statSync(out).mtimeMs < newest(join(packages, 'campaigns', 'src')))
    execFileSync('pnpm', ['--filter', '@rsrg/campaigns', 'build'], { stdio: 'ignore' });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A process that runs (or resumes) the run of `runDir`, checkpointing every 10 ms, and stores its shard. */
const child = (models: string, samplers: string, projectors: string) => `
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from '${dist('core')}';
import { checkpointStore, openRunDir, runResumable, shardResultCodec } from '${dist('campaigns')}';
const [runDir, json] = process.argv.slice(2);
const registry = new Registry();
for (const p of ['${models}', '${samplers}', '${projectors}']) await registry.load(p);
const plan = await openRunDir(registry, runDir, JSON.parse(json));
const outcome = await runResumable(registry, { ...plan.config, workers: 2 }, {
  plan,
  checkpoint: { every: 0.01, ...checkpointStore(runDir, { index: 0, count: 1 }) },
});
writeFileSync(join(runDir, 'shard-0.rsrg'), shardResultCodec.encode(outcome.shard));
`;

describe('a run killed with SIGKILL', () => {
  it('resumes from its last checkpoint, however often it is killed, to the estimates of the uninterrupted run', async () => {
    const registry = await builtRegistry();
    buildCampaigns();
    const cfg: McrgConfig = { ...config, samples: 8 * 2500 + 3, workers: 2 };
    const reference = await runMcrg(registry, cfg);
    const dir = mkdtempSync(join(tmpdir(), 'rsrg-kill-'));
    dirs.push(dir);
    const script = join(dir, 'run.mjs');
    const [m, s, p] = registry.sources;
    writeFileSync(script, child(m, s, p));
    const runDir = join(dir, 'run');
    const { workers: _, ...json } = cfg;
    const start = () => spawn(process.execPath, [script, runDir, JSON.stringify(json)], { stdio: 'ignore' });
    const measured = () => {
      let best = 0;
      for (const f of checkpointFiles(runDir, { index: 0, count: 1 })) {
        try {
          const c = runCheckpointCodec.decode(readFileSync(f.path));
          best = Math.max(
            best,
            c.chains.reduce(
              (n, e) => n + (e.status === 'running' ? e.snapshot.measured : e.status === 'done' ? 1e9 : 0),
              0,
            ),
          );
        } catch {
          // being replaced
        }
      }
      return best;
    };
    // Kill it three times, each once its checkpoints hold more than before.
    let kills = 0;
    let seen = 0;
    while (kills < 3) {
      const proc = start();
      const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      let killed = false;
      while (Date.now() < deadline) {
        const now = measured();
        if (now > seen && now < 1e9) {
          seen = now;
          proc.kill('SIGKILL');
          killed = true;
          break;
        }
        if (proc.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      await exited;
      if (!killed) break; // it finished first: the machine is fast
      kills++;
    }
    expect(kills).toBeGreaterThan(0);
    // The last run goes to the end.
    const last = start();
    expect(await new Promise((resolve) => last.on('exit', (code) => resolve(code)))).toBe(0);
    const shard = shardResultCodec.decode(readFileSync(join(runDir, 'shard-0.rsrg')));
    const result = await mergedResult(registry, mergeShards(readPlan(runDir), [shard]));
    expect(reproducible(result)).toEqual(reproducible(reference));
  });
});
