/**
 * Parenthesis error notation: the error's two significant digits stand in the value's last
 * two places, 0.96857 ± 0.00123 → `0.9686(12)`. Errors of 10 or more keep the value's
 * integer form, 1234.5 ± 123 → `1230(120)`.
 */
export function formatValueError(value: number, error: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (!Number.isFinite(error) || error < 0) return `${formatPlain(value)}(?)`;
  if (error === 0) return `${formatPlain(value)}(0)`;
  let decimals = 1 - Math.floor(Math.log10(error));
  let digits = Math.round(error * 10 ** decimals);
  // 0.000996 rounds to 100 in the last places: one place fewer gives 10.
  if (digits >= 100) {
    decimals -= 1;
    digits = Math.round(error * 10 ** decimals);
  }
  if (decimals >= 0) return `${noNegativeZero(value.toFixed(decimals))}(${digits})`;
  const unit = 10 ** -decimals;
  return `${noNegativeZero((Math.round(value / unit) * unit).toFixed(0))}(${digits * unit})`;
}

/** A number for reports without an error: up to 6 significant digits, no exponent for common sizes. */
export function formatPlain(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0 || (Math.abs(value) >= 1e-4 && Math.abs(value) < 1e9))
    return String(Number(value.toPrecision(6)));
  return value.toExponential(5);
}

// −0.00001 to three places is "-0.000": a value that rounds to zero has no sign.
function noNegativeZero(text: string): string {
  return /^-0(?:\.0*)?$/.test(text) ? text.slice(1) : text;
}
