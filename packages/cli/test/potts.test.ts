import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// `rsrg mcrg --model potts2d --model-option q=…` end to end through the built binary.
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

function rsrg(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, RSRG_PROGRESS: '' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const small = [
  '--size',
  '8',
  '--samples',
  '400',
  '--thermalize',
  '50',
  '--chains',
  '2',
  '--workers',
  '1',
  '--seed',
  '3',
];

describe('rsrg mcrg --model potts2d', () => {
  it('prints y_t and y_h tables with errors and the exact exponents of q = 3', async () => {
    const r = await rsrg(['mcrg', '--model', 'potts2d', '--model-option', 'q=3', ...small]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('potts2d (d = 2, q = 3)');
    expect(r.stdout).toContain('sampler      potts-wolff');
    expect(r.stdout).toContain('y_t from the thermal couplings (known: 1.2)');
    expect(r.stdout).toContain('y_h from the magnetic couplings (known: 1.8666666666666667)');
    expect(r.stdout).toMatch(/magnetization\s+1\.8\d*\(\d+\)/);
  });

  it('--json: every estimate carries sector and exponent; q is recorded and reruns bit for bit', async () => {
    const args = ['mcrg', '--model', 'potts2d', '--model-option', 'q=4', ...small, '--json'];
    const [a, b] = await Promise.all([rsrg(args), rsrg(args)]);
    expect(a.code, a.stderr).toBe(0);
    const doc = JSON.parse(a.stdout);
    expect(doc.parameters.modelOptions).toEqual({ q: 4 });
    expect(doc.model).toMatchObject({
      id: 'potts2d',
      states: 4,
      sectors: { even: 'thermal', odd: 'magnetic' },
    });
    expect(doc.model.exponents).toEqual({ yt: 1.5, yh: 1.875 });
    const kinds = new Set(
      doc.estimates.map((e: { sector: string; exponent: string }) => `${e.sector}:${e.exponent}`),
    );
    expect(kinds).toEqual(new Set(['thermal:y_t', 'magnetic:y_h']));
    expect(JSON.parse(b.stdout).estimates).toEqual(doc.estimates);
  });

  it('refuses a bad q, options on a model without any, and an Ising sampler, each in one line (exit 2)', async () => {
    for (const [args, message] of [
      [
        ['--model', 'potts2d', '--model-option', 'q=1'],
        "model 'potts2d': q must be an integer in [2, 256], got 1",
      ],
      [['--model', 'ising2d', '--model-option', 'q=3'], "model 'ising2d' takes no options (got q)"],
      [['--model', 'potts2d', '--sampler', 'wolff'], 'not 3-state spins (use potts-wolff'],
    ] as const) {
      const r = await rsrg(['mcrg', ...args, ...small]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('rsrg list shows the model with its option', async () => {
    const r = await rsrg(['list']);
    expect(r.stdout).toContain('potts2d');
    expect(r.stdout).toContain('options (--model-option): q (integer, 2…256; default 3)');
    expect(r.stdout).toContain('potts-wolff');
  });
});
