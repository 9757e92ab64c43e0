// Every earlier number, bit for bit: the golden runs (test/golden/runs.mjs) were captured before
// the packages were reorganized; a refactor that changes one digit fails here.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ES module without types
import { goldenRuns, readGolden, runGolden } from './golden/runs.mjs';

describe('golden runs (bit for bit against the stored outputs)', () => {
  for (const name of Object.keys(goldenRuns as Record<string, string[]>)) {
    it(name, () => {
      expect(runGolden(name)).toEqual(readGolden(name));
    });
  }
});
