// The CI's test run: the static checks (biome, type checks of sources and tests, the API reference), then the whole
// vitest suite, ending with the line CI reads: "N passed, N failed". Each static check counts as
// one test, so a lint or type error fails the run without hiding the suite's results.
// `--no-checks` runs vitest alone; other arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const args = process.argv.slice(2);
const withChecks = !args.includes('--no-checks');
const vitestArgs = args.filter((a) => a !== '--no-checks');

let passed = 0;
let failed = 0;

const checks = [
  ['biome check', 'biome', ['check', '.']],
  ['type check of the sources', 'turbo', ['run', 'typecheck', '--output-logs=errors-only']],
  ['type check of the tests', 'tsc', ['-p', 'tsconfig.test.json']],
  // Every public export documented: TypeDoc treats a missing doc comment as an error.
  ['API reference without warnings (TypeDoc)', 'node_modules/.bin/typedoc', [], { cwd: 'docs/api' }],
];
if (withChecks) {
  for (const [name, command, commandArgs, options = {}] of checks) {
    const r = spawnSync(command, commandArgs, { stdio: 'inherit', shell: false, ...options });
    if (r.status === 0) {
      passed++;
      console.log(`✓ ${name}`);
    } else {
      failed++;
      console.error(`✗ ${name} failed${r.error ? `: ${r.error.message}` : ''}`);
    }
  }
}

const out = '.vitest-results.json';
rmSync(out, { force: true });
const run = spawnSync(
  'vitest',
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...vitestArgs],
  { stdio: 'inherit', shell: false },
);
if (run.error)
  console.error(`cannot start vitest: ${run.error.message} (run through pnpm, which puts it on PATH)`);
let suitePassed = 0;
let suiteFailed = 0;
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  suitePassed = r.numPassedTests ?? 0;
  suiteFailed = r.numFailedTests ?? 0;
  if ((r.numFailedTestSuites ?? 0) > 0 && suiteFailed === 0) suiteFailed = r.numFailedTestSuites;
}
// Unhandled errors fail the run without failing a test: count them so the line never hides them.
if (run.status !== 0 && suiteFailed === 0) {
  console.error('vitest failed outside any test (unhandled errors or a crash): counted as 1 failure');
  suiteFailed = 1;
}
passed += suitePassed;
failed += suiteFailed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 && suitePassed > 0 ? 0 : 1);
