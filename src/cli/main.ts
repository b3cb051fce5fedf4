import { runCli, type CliIo } from './program.js';

/**
 * Entry point of the `stdhub` command (bin/stdhub.js imports the compiled dist/cli/main.js). All behaviour lives in
 * program.ts; this file binds it to the real process.
 */
const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onSignal(handler) {
    let count = 0;
    const on = (signal: NodeJS.Signals) => {
      count += 1;
      // A second Ctrl-C means "now": skip the graceful path.
      if (count > 1) process.exit(130);
      handler(signal);
      // If something keeps the event loop alive after a graceful close, do not hang forever.
      setTimeout(() => process.exit(0), 10_000).unref();
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  },
};

process.exitCode = await runCli(process.argv.slice(2), io);
