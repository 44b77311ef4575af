import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { auditSinks } from '@/db/schema';
import { secretContext } from '@/lib/audit/sink-formats';
import { createSinkInput } from '@/lib/audit/sink-inputs';
import { createSink } from '@/lib/audit/sinks';
import { runMutation } from '@/lib/server/mutation';
import { asUser, auditRows, makeOrg, testRequest } from '@/lib/test/helpers';
import { decryptSecret, envelopeKeyId } from '@/lib/crypto/envelope';
import type { Keyring } from '@/lib/crypto/keyring';
import { currentKeyring } from './keyring';
import { rewrapAll } from './rotation';

function withNewKey(ring: Keyring, id: string): Keyring {
  const key = randomBytes(32);
  return { primary: { id, key }, keys: new Map([...ring.keys, [id, key]]) };
}

describe('key rotation', () => {
  it('re-encrypts every value onto the newest key, batch by batch, audited per organization', async () => {
    const org = await makeOrg('rot');
    for (let i = 0; i < 5; i++) {
      await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
        createSink(ctx, createSinkInput.parse({ name: `s${i}`, kind: 'webhook', url: 'https://h.example.test/x', secret: `secret-${i}` })),
      );
    }
    const old = currentKeyring();
    const ring = withNewKey(old, 'rotated');
    const init = { actor: { kind: 'cli' as const }, request: testRequest() };
    expect(await rewrapAll(init, ring, { batch: 2, organizationId: org.orgId })).toEqual({ rewrapped: 5 });
    const rows = await getDb().select().from(auditSinks).where(eq(auditSinks.organizationId, org.orgId));
    expect(rows.map((r) => envelopeKeyId(r.secret))).toEqual(Array(5).fill('rotated'));
    expect(rows.map((r) => decryptSecret(r.secret, secretContext(r), ring)).sort()).toEqual([
      'secret-0',
      'secret-1',
      'secret-2',
      'secret-3',
      'secret-4',
    ]);
    // The old keyring alone can no longer read them; running again finds nothing to do.
    expect(() => decryptSecret(rows[0]!.secret, secretContext(rows[0]!), old)).toThrow(/does not contain/);
    expect(await rewrapAll(init, ring, { organizationId: org.orgId })).toEqual({ rewrapped: 0 });
    const events = (await auditRows(org.orgId)).filter((e) => e.actionType === 'ENCRYPTION_KEY_ROTATED');
    expect(events.map((e) => e.metadata.values)).toEqual([2, 2, 1]);
    expect(events[0]!.metadata).toMatchObject({ keyId: 'rotated', table: 'audit_sinks', column: 'secret', actor: 'cli' });
    // Back onto the run's key: on Postgres every test file shares the database (and `keys status`).
    await rewrapAll(init, { primary: old.primary, keys: ring.keys }, { organizationId: org.orgId });
  });

  it('fails closed, naming the key, when a value uses a key the keyring lacks', async () => {
    const org = await makeOrg('rot-missing');
    await runMutation(asUser(org.orgId, org.adminId), (ctx) =>
      createSink(ctx, createSinkInput.parse({ name: 's', kind: 'webhook', url: 'https://h.example.test/x', secret: 'x' })),
    );
    const stranger = withNewKey({ primary: { id: 'other', key: randomBytes(32) }, keys: new Map() }, 'next');
    await expect(rewrapAll({ actor: { kind: 'cli' }, request: testRequest() }, stranger, { organizationId: org.orgId })).rejects.toThrow(
      /which GATEHOUSE_ENCRYPTION_KEYS does not contain/,
    );
  });
});
