/** What every q-state RBM kernel shares with the others and with its callers. */

/** Throws RangeError unless 2 ≤ q ≤ 256: states are stored as unsigned bytes. */
export function checkStates(q: number): void {
  if (!Number.isInteger(q) || q < 2 || q > 256) {
    throw new RangeError(`a q-state RBM needs an integer 2 ≤ q ≤ 256, got ${q}`);
  }
}
