import { createPottsSwendsenWangKernel } from '../src/potts/index.js';
import { pottsExactnessSuite } from './potts-suite.js';

pottsExactnessSuite({
  name: 'potts swendsen-wang',
  create: createPottsSwendsenWangKernel,
  thin: 5,
  energySteps: 100_000,
});
