#!/usr/bin/env node
// The first Ctrl-C asks the run to stop cleanly (workers terminated, exit 130); a second one
// forces it. The handler comes first, before the CLI's modules load, so that an interrupt
// during start-up is an interrupt too (exit 130), not the default death by signal.
//
// A run that can checkpoint (`rsrg mcrg --run-dir`) claims the signals instead: then SIGINT,
// SIGTERM and SIGUSR1 ask it to write a checkpoint and stop (exit 75); a second SIGINT forces
// exit 130. SIGUSR1 is handled from the start (unhandled, node would start its inspector): one
// that arrives before the claim is kept and stops the run as soon as it claims.
const controller = new AbortController();
const stop = new AbortController();
let claimed = false;
const requestStop = (signal: NodeJS.Signals) => {
  if (!stop.signal.aborted) stop.abort(signal);
};
process.on('SIGINT', () => {
  if (claimed && !stop.signal.aborted) return requestStop('SIGINT');
  if (controller.signal.aborted || claimed) process.exit(130);
  controller.abort();
});
process.on('SIGUSR1', () => requestStop('SIGUSR1'));
const checkpointOnSignals = (): AbortSignal => {
  if (!claimed) {
    claimed = true;
    process.on('SIGTERM', () => requestStop('SIGTERM'));
  }
  return stop.signal;
};

const { main } = await import('./index.js');
const { finishOutput, processIo, watchOutput } = await import('./io.js');

// A failed write to stdout (a full disk, /dev/full) makes the exit code 1; EPIPE does not.
const stdout = watchOutput(process.stdout);
const code = await main(process.argv.slice(2), processIo(controller.signal, checkpointOnSignals));
// Let stdout drain (a pipe may be asynchronous), then exit even if a plugin left a handle open.
finishOutput(
  process.stdout,
  stdout,
  code,
  (text) => process.stderr.write(text),
  (exit) => process.exit(exit),
);
