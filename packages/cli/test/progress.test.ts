// The progress line: no rate or ETA before one is known, a rate that follows the run (not its
// fast start), and an ETA that stays visible on a narrow terminal.
import { describe, expect, it } from 'vitest';
import {
  formatEta,
  formatRate,
  type ProgressLine,
  RATE_WINDOW_SECONDS,
  RateWindow,
  renderProgressLine,
  UNKNOWN,
} from '../src/progress.js';

const line = (over: Partial<ProgressLine> = {}): ProgressLine => ({
  phase: 'measure',
  done: 4200,
  total: 10000,
  unit: 'moves',
  rate: 1200,
  ...over,
});

describe('progress line', () => {
  it('shows the bar, the counts, the rate and the ETA where there is room', () => {
    expect(renderProgressLine(line(), 200)).toBe(
      `measure    |${'█'.repeat(13)}${'░'.repeat(17)}| 42% 4200/10000 moves, 1.2k/s, ETA 5s`,
    );
  });

  it('shows "—" for the rate and the ETA until a rate is known, never "0/s, ETA 0s"', () => {
    const start = renderProgressLine(line({ done: 0, rate: undefined, phase: 'thermalize' }), 200);
    expect(start).toMatch(/ 0% 0\/10000 moves, —\/s, ETA —$/);
    expect(start).not.toMatch(/0\/s|ETA 0s/);
  });

  it.each([80, 60, 50, 40, 30])('keeps the ETA on a terminal %i columns wide', (width) => {
    const text = renderProgressLine(line({ done: 123456789, total: 987654321, rate: 2.5e6 }), width);
    expect(text.length).toBeLessThanOrEqual(width);
    expect(text).toMatch(/ETA 5m46s$/);
    expect(text).toMatch(/^measure /);
    expect(text).toMatch(/ 12% /);
  });

  it('formats times and rates', () => {
    expect(formatEta(undefined)).toBe(UNKNOWN);
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe(UNKNOWN);
    expect(formatEta(44.6)).toBe('45s');
    expect(formatEta(187)).toBe('3m07s');
    expect(formatEta(7500)).toBe('2h05m');
    expect(formatRate(undefined)).toBe(UNKNOWN);
    expect(formatRate(7.25)).toBe('7.3');
    expect(formatRate(950)).toBe('950');
    expect(formatRate(4.1e6)).toBe('4.1M');
  });
});

describe('rate window', () => {
  it('knows no rate before a second of progress', () => {
    const w = new RateWindow();
    expect(w.rate()).toBeUndefined();
    w.add(0.2, 100);
    w.add(0.9, 800);
    expect(w.rate()).toBeUndefined();
    w.add(1.2, 1100);
    expect(w.rate()).toBeCloseTo(1000, 6);
  });

  it('follows the current rate after a fast start, where the overall average runs ahead', () => {
    const w = new RateWindow();
    let done = 0;
    // 30 s of cheap thermalization at 1000 units/s, then 60 s of measuring at 100 units/s.
    for (let t = 0; t <= 30; t += 0.5) {
      w.add(t, done);
      done += 500;
    }
    for (let t = 30.5; t <= 90; t += 0.5) {
      done += 50;
      w.add(t, done);
    }
    const overall = done / 90;
    expect(w.rate()).toBeCloseTo(100, 6);
    expect(overall).toBeGreaterThan(3 * 100); // an ETA from it would be three times too short
    expect(RATE_WINDOW_SECONDS).toBeLessThan(60);
  });
});
