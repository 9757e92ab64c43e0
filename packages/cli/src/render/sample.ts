import type { Ensemble } from '@rsrg/mcrg';
import { jsonHead } from '../format/json.js';
import { renderFields } from '../format/table.js';
import { ensembleFields } from '../sampling.js';

/** The `sample --json` document (schema in docs/cli.md); `result.json` of a run directory too. */
export function sampleJson(
  ensemble: Ensemble,
  out: string,
  bytes: number,
  wallSeconds: number,
  cliVersion: string,
) {
  return {
    ...jsonHead('sample'),
    out,
    bytes,
    header: ensemble.header,
    count: ensemble.count,
    volume: ensemble.volume,
    wallSeconds,
    versions: { ...ensemble.header.versions, '@rsrg/cli': cliVersion },
  };
}

/** The text report of `rsrg sample`. */
export function renderSample(ensemble: Ensemble, out: string, bytes: number, wallSeconds: number): string {
  return `${renderFields([
    ...ensembleFields(ensemble),
    ['file', `${out} (${bytes} bytes)`],
    ['wall time', `${wallSeconds.toFixed(2)} s`],
  ])}\n`;
}
