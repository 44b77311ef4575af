import { closeDb, databaseKind, dataDir, dbHandle } from '@/db';
import { ensureMigrated } from '@/db/migrate';
import { authSecret } from '@/lib/auth/secret';
import { currentKeyring } from '@/lib/keys/keyring';
import { startAuditDeliveryLoop } from '@/lib/audit/delivery';
import { signingKey, startAuditCheckpointLoop } from '@/lib/audit/checkpoints';
import { geoReader } from '@/lib/audit/geo';
import { ensureAuditPartitions } from '@/lib/audit/partitions';
import { startAuditRetentionLoop } from '@/lib/audit/retention';
import { flushScimRequestLog } from '@/lib/scim/directories';
import { getJackson, ssoEncryptionKey } from '@/lib/sso/jackson';
import {
  auditCheckpointIntervalSeconds,
  backgroundJobsEnabled,
  deniedResourceTypes,
  frameAncestors,
  logAuditEvents,
  secretStoreSettings,
  securityContacts,
  servedEnvironmentNames,
  signupOpen,
  trustedProxyHops,
} from '@/lib/env';

/** What stopServer waits for: background work that holds leases. */
const stopping: (() => Promise<void>)[] = [];
const STOP_SERVER = Symbol.for('gatehouse.stopServer');

/**
 * The application's part of a graceful stop (scripts/server.mjs calls it on SIGTERM, after the
 * requests in flight): audit delivery finishes its batch and releases its leases, the SCIM request
 * log's queued entries are written, and the database's connections are closed.
 */
export async function stopServer(): Promise<void> {
  const results = await Promise.allSettled([...stopping.splice(0).map((stop) => stop()), flushScimRequestLog()]);
  for (const r of results) if (r.status === 'rejected') console.error('[gatehouse] while stopping:', r.reason);
  await closeDb();
}

/** Called from instrumentation.ts: offers stopServer to scripts/server.mjs. */
export function publishStopServer(): void {
  (globalThis as unknown as Record<symbol, unknown>)[STOP_SERVER] = stopServer;
}

/** Validates configuration, opens the database and applies migrations; exits on failure. */
export async function startServer(): Promise<void> {
  try {
    authSecret();
    currentKeyring();
    signingKey();
    ssoEncryptionKey();
    trustedProxyHops();
    signupOpen();
    logAuditEvents();
    deniedResourceTypes();
    secretStoreSettings();
    securityContacts();
    auditCheckpointIntervalSeconds();
    frameAncestors();
    const served = servedEnvironmentNames();
    const jobs = backgroundJobsEnabled();
    await geoReader();
    dbHandle();
    await ensureMigrated();
    await ensureAuditPartitions();
    // Before any request: SSO settings change Jackson's records inside our transactions (0014).
    await getJackson();
    if (jobs) {
      stopping.push(startAuditDeliveryLoop());
      startAuditRetentionLoop();
      startAuditCheckpointLoop();
    }
    const where = databaseKind() === 'embedded' ? `embedded database in ${dataDir()}` : 'postgres database';
    const pinned = served ? `; serving only the ${served.join(', ')} environment${served.length > 1 ? 's' : ''}` : '';
    console.log(`[gatehouse] ready: ${where}, migrations applied${pinned}.`);
  } catch (e) {
    console.error(`[gatehouse] cannot start: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
