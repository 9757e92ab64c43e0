export {
  type ComparisonEntry,
  type ComparisonSummary,
  compareWithReference,
  comparisonSummary,
  type LabelledEstimate,
} from './comparison.js';
export {
  type ComparisonInput,
  type ComparisonSeries,
  crossModelComparison,
  type ResultDocument,
  type ResultEstimate,
} from './cross-model.js';
export { ensembleDescription, trainingData } from './data.js';
export { type EvaluationPoint, type EvaluationSetup, evaluateProjector } from './evaluation.js';
export type { EvaluateRequest, EvaluatorState } from './evaluator.js';
export {
  STUDY_FILE_NAMES,
  STUDY_FILES,
  STUDY_STAGE_FILES,
  studyFileNames,
  trainingFileNames,
} from './files.js';
export {
  type CurveLine,
  finishedRunOf,
  historyJson,
  type ParameterPanel,
  parametersJson,
  SCHEMA_VERSION,
  type StudyFigures,
  studyFigures,
  studyFiles,
  studyResult,
  studySummary,
} from './report.js';
export {
  INCOMPLETE_MARKER,
  LOCK_FILE,
  RunDirectory,
  type RunDirectoryOptions,
} from './run-directory.js';
export {
  type PhaseSeconds,
  runStudy,
  type StudyConfirmation,
  type StudyHooks,
  type StudyOutput,
  type StudyPhase,
  type StudyResumption,
  type StudyRun,
  type StudyRunOptions,
  StudyStopped,
  type StudyTrainingRun,
  studyScale,
} from './run-study.js';
export { deriveSeed, type RunSeeds, runSeeds } from './seeds.js';
export {
  type TrainingOutcome,
  type TrainingRunCheckpoint,
  TrainingRunStopped,
  type TrainProjectorHooks,
  type TrainProjectorOptions,
  trainProjector,
} from './train.js';
export {
  type StoredTraining,
  storedOutcome,
  storedTrainingCodec,
  trainingCheckpointCodec,
} from './training-files.js';
export { STUDIES_VERSION } from './version.js';
