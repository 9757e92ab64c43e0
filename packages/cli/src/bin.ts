#!/usr/bin/env node
import { EXIT, main } from './index.js';
import { finishOutput, processIo, watchOutput } from './io.js';

// The first Ctrl-C asks the run to stop cleanly (workers terminated, exit 130); a second one forces it.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(EXIT.interrupted);
  controller.abort();
});

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
