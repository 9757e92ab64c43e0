import { Registry, type Study, studyTrainingOptions, studyTrainings } from '@rsrg/core';
import { plugin as models } from '@rsrg/models';
import { plugin as projectors } from '@rsrg/projectors';
import { studyScale } from '@rsrg/studies';
import { describe, expect, it } from 'vitest';

const registry = new Registry().use(models).use(projectors);

describe.each(['ising3d-16', 'ising3d-32'])('study %s', (id) => {
  const study: Study = registry.studies.get(id);

  it('runs the 3D Ising model at K_c with majority rule and the learned projector', () => {
    const model = registry.models.get(study.model);
    expect(model.dimension).toBe(3);
    expect(study.coupling).toBeUndefined();
    expect(study.projectors).toEqual(['majority', 'rbm']);
    expect(study.training).toEqual({
      trainer: 'rbm',
      options: { preset: 'nmcrg', snapshotEpochs: '1,3,5,100' },
    });
    expect(study.sampler).toBe('wolff-wasm');
    // No published 3D table: the report compares with the model's exponents.
    expect(study.reference).toEqual([]);
    expect(studyScale(study, undefined).id).toBe('quick');
  });

  it.each(['quick', 'campaign'])(
    'scale %s resolves to a 4³ filter with stride 2 that fits the lattice',
    (scaleId) => {
      const { scale } = studyScale(study, scaleId);
      const trainingSize = scale.trainingSize ?? study.size;
      const configurations = scale.trainingConfigurations ?? 0;
      // The trainer checks that the filter fits the training lattice and blocks it evenly.
      const plan = registry.trainers
        .get('rbm')
        .plan(studyTrainingOptions(study, studyTrainings(study)[0], scaleId), {
          lattice: registry.models.get(study.model).lattice(trainingSize),
          count: configurations,
        });
      const options = plan.options as { width: number; blockSize: number; snapshotEpochs: number[] };
      expect(options.width).toBe(4);
      expect(options.blockSize).toBe(2);
      expect(study.size % options.blockSize).toBe(0);
      expect(trainingSize).toBeGreaterThanOrEqual(options.width);
      // The training curve gets between 5 and 50 points over the training.
      const every = scale.evaluateEvery ?? 0;
      expect(plan.steps / every).toBeGreaterThanOrEqual(5);
      expect(plan.steps / every).toBeLessThanOrEqual(50);
      // The filters figure ends at the last epoch, also in a run shorter than 100 epochs.
      expect(options.snapshotEpochs.at(-1)).toBe(plan.epochs);
      // Measurements are independent of the training data and outnumber them.
      expect(scale.measurementSamples).toBeGreaterThan(configurations);
    },
  );
});
