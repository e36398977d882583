#!/usr/bin/env node
// The `arbor` command. It runs the TypeScript sources directly through tsx's loader, so there is no
// build step to remember and no stale build to trip over (docs/adr/0006-node-and-typescript.md).
import { register } from 'tsx/esm/api';

register();
// `arbor … | head`: a reader that stops early closes the pipe; that is not an error of the command
// (its work is done or rolled back by then), so leave quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
