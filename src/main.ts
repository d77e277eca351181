#!/usr/bin/env node
/**
 * The entry point. Loading the daemon's modules takes a moment (seconds on a cold, busy host); a
 * SIGTERM or SIGINT meanwhile ends the process at once, cleanly and said, rather than by the
 * default action with nothing logged. From the daemon's start on, its own handlers take over: it
 * installs them before it first waits for anything, so no signal falls between the two.
 */
const stopWhileLoading = (signal: NodeJS.Signals) => {
  process.stderr.write(`sps-exporter: ${signal} while starting, before anything was polled or served; exiting\n`);
  process.exit(0);
};
process.once('SIGTERM', stopWhileLoading);
process.once('SIGINT', stopWhileLoading);
const { run } = await import('./daemon.js');
process.off('SIGTERM', stopWhileLoading);
process.off('SIGINT', stopWhileLoading);
run(process.argv.slice(2));
