import { createPottsHeatBathKernel } from '../src/potts/index.js';
import { pottsExactnessSuite } from './potts-suite.js';

pottsExactnessSuite({
  name: 'potts heat-bath',
  create: createPottsHeatBathKernel,
  thin: 10,
  energySteps: 100_000,
  antiferromagnetic: true,
});
