// Start-up: check keys and configuration, then migrate the database, before the server takes
// requests. A bad configuration stops the process with a message naming what is wrong.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServer } = await import('./lib/system/startup');
  await startServer();
}
