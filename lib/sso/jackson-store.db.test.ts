// Jackson's driver on our database: records, indexes, paging, expiry, and joining the caller's
// transaction (a rolled-back change leaves nothing behind).
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { jacksonIndex, jacksonStore } from '@/db/schema';
import { JacksonStoreDriver, withJacksonTx } from './jackson-store';

const ns = () => `test:${Math.random().toString(36).slice(2)}`;
const val = (v: string) => ({ value: v, iv: 'iv', tag: 'tag' });

describe('JacksonStoreDriver', () => {
  const driver = new JacksonStoreDriver(2);

  it('puts, gets, overwrites and deletes, removing the record’s indexes with it', async () => {
    const n = ns();
    await driver.put(n, 'k1', val('a'), 0, { name: 'tenant', value: 't1' });
    expect(await driver.get(n, 'k1')).toEqual(val('a'));
    await driver.put(n, 'k1', { value: 'plain' }, 0, { name: 'tenant', value: 't1' });
    expect(await driver.get(n, 'k1')).toEqual({ value: 'plain' });
    expect((await driver.getByIndex(n, { name: 'tenant', value: 't1' })).data).toEqual([{ value: 'plain' }]);
    expect(await driver.getCount(n, { name: 'tenant', value: 't1' })).toBe(1);
    await driver.delete(n, 'k1');
    expect(await driver.get(n, 'k1')).toBeNull();
    expect(await getDb().select().from(jacksonIndex).where(eq(jacksonIndex.namespace, n))).toEqual([]);
  });

  it('pages getAll and getByIndex, capped at the page limit, newest first unless ASC', async () => {
    const n = ns();
    for (const k of ['a', 'b', 'c']) {
      await driver.put(n, k, val(k), 0, { name: 'p', value: 'x' });
      await getDb()
        .update(jacksonStore)
        .set({ createdAt: new Date(Date.UTC(2026, 0, 'abc'.indexOf(k) + 1)) })
        .where(eq(jacksonStore.key, k));
    }
    expect((await driver.getAll(n)).data.map((d) => d.value)).toEqual(['c', 'b']);
    expect((await driver.getAll(n, 2, 10, undefined, 'ASC')).data.map((d) => d.value)).toEqual(['c']);
    expect((await driver.getByIndex(n, { name: 'p', value: 'x' }, 0, 1, undefined, 'ASC')).data.map((d) => d.value)).toEqual(['a']);
    await driver.deleteMany(n, ['a', 'b']);
    expect(await driver.getCount(n)).toBe(1);
  });

  it('hides expired records and prunes them on the next expiring write', async () => {
    const n = ns();
    await driver.put(n, 'old', val('old'), 60);
    await getDb()
      .update(jacksonStore)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(jacksonStore.namespace, n));
    expect(await driver.get(n, 'old')).toBeNull();
    await driver.put(n, 'new', val('new'), 60);
    expect(await getDb().select({ key: jacksonStore.key }).from(jacksonStore).where(eq(jacksonStore.namespace, n))).toEqual([
      { key: 'new' },
    ]);
  });

  it('writes inside the caller’s transaction: a rollback undoes them', async () => {
    const n = ns();
    let inside: unknown;
    await expect(
      getDb().transaction(async (tx) => {
        await withJacksonTx(tx, async () => {
          await driver.put(n, 'k', val('v'), 0, { name: 'i', value: 'j' });
          inside = await driver.get(n, 'k');
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(inside).toEqual(val('v'));
    expect(await driver.get(n, 'k')).toBeNull();
  });
});
