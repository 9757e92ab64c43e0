#!/usr/bin/env node
// The first Ctrl-C asks the run to stop cleanly (workers terminated, exit 130); a second one
// forces it. The handler comes first, before the CLI's modules load, so that an interrupt
// during start-up is an interrupt too (exit 130), not the default death by signal.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

const { main } = await import('./index.js');
const { finishOutput, processIo, watchOutput } = await import('./io.js');

// A failed write to stdout (a full disk, /dev/full) makes the exit code 1; EPIPE does not.
const stdout = watchOutput(process.stdout);
const code = await main(process.argv.slice(2), processIo(controller.signal));
// Let stdout drain (a pipe may be asynchronous), then exit even if a plugin left a handle open.
finishOutput(
  process.stdout,
  stdout,
  code,
  (text) => process.stderr.write(text),
  (exit) => process.exit(exit),
);
