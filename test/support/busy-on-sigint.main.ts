/**
 * Stands in for scripts/start.ts in orderly-shutdown.test.ts: a process whose event loop is busy
 * (as npm start's is while it seeds, builds or collects garbage on a loaded machine) when Ctrl-C
 * arrives. It reports whether its own SIGINT handler ran, and how many SIGINTs reached it.
 */
let received = 0;
process.on('SIGINT', () => {
  received += 1;
  if (received > 1) return;
  // Exits after a pause, as an orderly stop does, so a launcher that gives up early shows.
  setTimeout(() => {
    process.stdout.write(`handled SIGINT; received ${received}\n`);
    process.exit(0);
  }, 500);
});
// 200 ms of work at a time: a signal waits up to that long for the handler to run.
setInterval(() => {
  const until = Date.now() + 200;
  while (Date.now() < until);
}, 1);
process.stdout.write('ready\n');
