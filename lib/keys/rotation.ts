// Key rotation for everything encrypted at rest: which key each stored value uses, and re-wrapping
// values onto the newest key in small committed batches, so an interrupted rotation resumes where
// it stopped. Every encrypted column is listed here, so nothing can be forgotten by a rotation.
import { sql } from 'drizzle-orm';
import { getDb, queryRows } from '@/db';
import { record } from '@/lib/audit/record';
import { decryptSecret, encryptSecret } from '@/lib/crypto/envelope';
import type { Keyring } from '@/lib/crypto/keyring';
import { runMutation, type MutationInit } from '@/lib/server/mutation';
import { currentKeyring } from './keyring';

/** Every column holding envelopes, with the row id and tenant columns its AAD is bound to. */
export const ENCRYPTED_COLUMNS = [
  { table: 'audit_sinks', column: 'secret' },
  { table: 'two_factor_credentials', column: 'secret' },
  { table: 'resource_configs', column: 'secrets' },
  { table: 'config_variable_values', column: 'value_enc' },
] as const;

export type KeyUsage = { table: string; column: string; keyId: string; values: number; inKeyring: boolean };

/** How many stored values use each key (keys missing from the keyring mean undecryptable values). */
export async function keyStatus(keyring: Keyring = currentKeyring()): Promise<KeyUsage[]> {
  const out: KeyUsage[] = [];
  for (const { table, column } of ENCRYPTED_COLUMNS) {
    const rows = await queryRows<{ key_id: string; n: number }>(
      getDb(),
      sql`select split_part(${sql.identifier(column)}, '.', 2) as key_id, count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} is not null group by 1 order by 1`,
    );
    for (const r of rows) out.push({ table, column, keyId: r.key_id, values: r.n, inKeyring: keyring.keys.has(r.key_id) });
  }
  return out;
}

/**
 * Re-encrypts every value not on the primary key, `batch` rows per transaction, each batch audited
 * per organization as ENCRYPTION_KEY_ROTATED. Safe to interrupt and run again.
 */
export async function rewrapAll(
  init: Omit<MutationInit, 'orgId'>,
  keyring: Keyring = currentKeyring(),
  opts: { batch?: number; /** Only one organization's values (tests share a database). */ organizationId?: string } = {},
): Promise<{ rewrapped: number }> {
  const batch = opts.batch ?? 200;
  const scope = opts.organizationId ? sql`and organization_id = ${opts.organizationId}` : sql``;
  let rewrapped = 0;
  for (const { table, column } of ENCRYPTED_COLUMNS) {
    for (;;) {
      const rows = await queryRows<{ id: string; organization_id: string; value: string }>(
        getDb(),
        sql`select id, organization_id, ${sql.identifier(column)} as value from ${sql.identifier(table)}
            where split_part(${sql.identifier(column)}, '.', 2) <> ${keyring.primary.id} ${scope} order by id limit ${batch}`,
      );
      if (rows.length === 0) break;
      const byOrg = new Map<string, typeof rows>();
      for (const r of rows) byOrg.set(r.organization_id, [...(byOrg.get(r.organization_id) ?? []), r]);
      for (const [orgId, items] of byOrg) {
        await runMutation({ ...init, orgId }, async (ctx) => {
          for (const r of items) {
            const where = { orgId, table, column, rowId: r.id };
            const next = encryptSecret(decryptSecret(r.value, where, keyring), where, keyring);
            // Compare-and-set: a value changed meanwhile is left for the next pass.
            await ctx.tx.execute(
              sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${next} where id = ${r.id} and ${sql.identifier(column)} = ${r.value}`,
            );
          }
          await record(ctx, {
            actionType: 'ENCRYPTION_KEY_ROTATED',
            metadata: { keyId: keyring.primary.id, table, column, values: items.length },
          });
        });
        rewrapped += items.length;
      }
    }
  }
  return { rewrapped };
}
