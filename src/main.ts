#!/usr/bin/env node
/**
 * The entry point. Loading the daemon's modules takes a moment (seconds on a cold, busy host); a
 * SIGTERM or SIGINT meanwhile ends the process at once, cleanly and said, rather than by the
 * default action with nothing logged. The handler stays for the process's life, so a signal that
 * arrives while loading but is dispatched later (a Node that loads modules synchronously) is not
 * lost: once the daemon has its own handlers (it installs them before it first waits for
 * anything), this one leaves the signal to them.
 */
const stopWhileLoading = (signal: NodeJS.Signals) => {
  if (process.listenerCount(signal) > 1) return; // the daemon's own handler is in, and acts
  process.stderr.write(`sps-exporter: ${signal} while starting, before anything was polled or served; exiting\n`);
  process.exit(0);
};
process.on('SIGTERM', stopWhileLoading);
process.on('SIGINT', stopWhileLoading);
const { run } = await import('./daemon.js');
run(process.argv.slice(2));
