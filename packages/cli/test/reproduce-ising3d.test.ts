import { Registry, type Study } from '@rsrg/core';
import { plugin as models } from '@rsrg/models';
import { plugin as projectors, resolveTrainOptions } from '@rsrg/projectors';
import { describe, expect, it } from 'vitest';
import { filterEpochs, studyScale } from '../src/study/run-study.js';
import { presetId, trainingSettings, trainOptions } from '../src/study/train-settings.js';

const registry = new Registry().use(models).use(projectors);

describe.each(['ising3d-16', 'ising3d-32'])('study %s', (id) => {
  const study: Study = registry.studies.get(id);

  it('runs the 3D Ising model at K_c with majority rule and the learned projector', () => {
    const model = registry.models.get(study.model);
    expect(model.dimension).toBe(3);
    expect(study.coupling).toBeUndefined();
    expect(study.projectors).toEqual(['majority', 'rbm']);
    expect(study.training).toEqual({ projector: 'rbm', preset: 'nmcrg' });
    expect(study.sampler).toBe('wolff-wasm');
    // No published 3D table: the report compares with the model's exponents.
    expect(study.reference).toEqual([]);
    expect(studyScale(study, undefined).id).toBe('quick');
  });

  it.each(['quick', 'campaign'])(
    'scale %s resolves to a 4³ filter with stride 2 that fits the lattice',
    (scaleId) => {
      const { scale } = studyScale(study, scaleId);
      const options = resolveTrainOptions(
        trainOptions(presetId(study.training.preset), trainingSettings(scale.training, scaleId), { seed: 1 }),
      );
      expect(options.width).toBe(4);
      expect(options.blockSize).toBe(2);
      expect(study.size % options.blockSize).toBe(0);
      // A smaller training lattice must still hold the filter and block evenly.
      const trainingSize = scale.trainingSize ?? study.size;
      expect(trainingSize % options.blockSize).toBe(0);
      expect(trainingSize).toBeGreaterThanOrEqual(options.width);
      // Figure 2 gets between 5 and 50 points over the training.
      const steps = options.epochs * Math.ceil(scale.trainingConfigurations / options.batchSize);
      expect(steps / scale.evaluateEvery).toBeGreaterThanOrEqual(5);
      expect(steps / scale.evaluateEvery).toBeLessThanOrEqual(50);
      expect(filterEpochs(study, options.epochs).at(-1)).toBe(options.epochs);
      // Measurements are independent of the training data and outnumber them.
      expect(scale.measurementSamples).toBeGreaterThan(scale.trainingConfigurations);
    },
  );
});
