// Start-up: check keys and configuration, then migrate the database, before the server takes
// requests. A bad configuration stops the process with a message naming what is wrong. Then the
// SCIM endpoint is offered to the production server, which serves it without Next's pipeline
// (scripts/server.mjs, decision 0024), and so is the check that answers 503 while the database
// is away and the application's part of a graceful stop (decision 0033).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { publishStopServer, startServer } = await import('./lib/system/startup');
  await startServer();
  publishStopServer();
  const { publishScimServer } = await import('./lib/scim/node');
  publishScimServer();
  const { publishAvailabilityGuard } = await import('./lib/system/availability');
  publishAvailabilityGuard();
}
