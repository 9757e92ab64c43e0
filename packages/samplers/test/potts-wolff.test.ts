import { createPottsWolffKernel } from '../src/potts/index.js';
import { pottsExactnessSuite } from './potts-suite.js';

pottsExactnessSuite({ name: 'potts wolff', create: createPottsWolffKernel, thin: 10, energySteps: 200_000 });
