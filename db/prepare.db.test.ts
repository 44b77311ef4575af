// The Postgres client keeps the statements drizzle builds prepared on their connection (one
// round trip each once known), inside transactions too, and leaves large or unusual ones unnamed.
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import { databaseKind, getAdhocDb, getDb, isPreparable, prepared, queryRows, type DbOrTx } from '@/db';
import { organizations, users } from '@/db/schema';

describe('isPreparable', () => {
  it('names queries and DML of bounded size, nothing else', () => {
    expect(isPreparable('select 1')).toBe(true);
    expect(isPreparable(' (select 1) union (select 2)')).toBe(true);
    expect(isPreparable('with x as (select 1) insert into t select * from x', [1])).toBe(true);
    expect(isPreparable('UPDATE t set a = $1', [1])).toBe(true);
    expect(isPreparable('declare c no scroll cursor for select $1', [1])).toBe(false);
    expect(isPreparable('set local role gatehouse_sample')).toBe(false);
    expect(isPreparable('select $1', new Array(101).fill(1))).toBe(false);
    expect(isPreparable(`select '${'x'.repeat(20_000)}'`)).toBe(false);
    expect(isPreparable('selection')).toBe(false);
  });
});

describe('prepared', () => {
  const byLastName = (db: DbOrTx) =>
    db
      .select({ id: users.id, firstName: users.firstName })
      .from(users)
      .where(eq(users.lastName, sql.placeholder('lastName')))
      .prepare('by_last_name');

  it('builds a statement once per handle and transaction, and runs it with each call’s values', async () => {
    let builds = 0;
    const build = (db: DbOrTx) => (builds++, byLastName(db));
    const first = prepared(getDb(), 'test.byLastName', build);
    expect(prepared(getDb(), 'test.byLastName', build)).toBe(first);
    expect(builds).toBe(1);
    expect(await first.execute({ lastName: `Nobody ${randomUUID()}` })).toEqual([]);
    const tag = randomUUID().slice(0, 8);
    const [org] = await getDb()
      .insert(organizations)
      .values({ name: 'Prepared', slug: `prepared-${tag}` })
      .returning();
    const [user] = await getDb()
      .insert(users)
      .values({ organizationId: org!.id, email: `someone-${tag}@example.test`, firstName: 'Some', lastName: `One ${tag}` })
      .returning();
    expect(await first.execute({ lastName: user!.lastName })).toEqual([{ id: user!.id, firstName: 'Some' }]);
    // A transaction gets its own, run on the transaction's connection.
    await getDb().transaction(async (tx) => {
      const inTx = prepared(tx, 'test.byLastName', build);
      expect(inTx).not.toBe(first);
      expect(prepared(tx, 'test.byLastName', build)).toBe(inTx);
      expect(await inTx.execute({ lastName: 'Nobody' })).toEqual([]);
    });
    expect(builds).toBe(2);
  });
});

describe.skipIf(!inject('databaseUrl'))('the Postgres client', () => {
  it('prepares what drizzle builds, in and out of transactions, and not a statement over the bounds', async () => {
    expect(databaseKind()).toBe('postgres');
    const orgId = randomUUID();
    const prepared = await getDb().transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.organizationId, orgId));
      const many = Array.from({ length: 150 }, () => randomUUID());
      await tx.select({ id: users.id }).from(users).where(inArray(users.id, many));
      return queryRows<{ statement: string }>(tx, sql`select statement from pg_prepared_statements`);
    });
    const statements = prepared.map((r) => r.statement);
    expect(statements.some((s) => s.startsWith('select "id" from "users" where "users"."organization_id" = $1'))).toBe(true);
    expect(statements.some((s) => s.includes('$150'))).toBe(false);
    // Outside a transaction the pool's connections prepare too; the same statement answers the same.
    for (let i = 0; i < 3; i++) {
      const rows = await getDb()
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(eq(users.organizationId, orgId));
      expect(rows).toEqual([{ n: 0 }]);
    }
  });

  it('through getAdhocDb, names only what prepared() builds, and plans every statement with its values', async () => {
    const marker = `adhoc-${randomUUID()}`;
    const adhoc = await getAdhocDb().transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.email, marker));
      // A statement drizzle was told to prepare (db/index.ts `prepared` builds such ones) is named.
      const withLastName = tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(eq(users.lastName, sql.placeholder('lastName')))
        .prepare('adhoc_by_last_name');
      for (let i = 0; i < 7; i++) await withLastName.execute({ lastName: marker });
      return {
        statements: await queryRows<{ statement: string; generic_plans: number; custom_plans: number }>(
          tx,
          sql`select statement, generic_plans::int, custom_plans::int from pg_prepared_statements`,
        ),
        mode: (await queryRows<{ plan_cache_mode: string }>(tx, sql`show plan_cache_mode`))[0]!.plan_cache_mode,
      };
    });
    expect(adhoc.statements.some((s) => s.statement.includes('"users"."email" = $1'))).toBe(false);
    // Seven runs: past the five after which Postgres may settle on a generic plan, it never does here.
    expect(adhoc.statements.find((s) => s.statement.includes('"users"."last_name" = $1'))).toMatchObject({
      generic_plans: 0,
      custom_plans: 7,
    });
    expect(adhoc.mode).toBe('force_custom_plan');
    // The same statement through getDb() is prepared, in the server's default plan mode: the checks above can fail.
    const named = await getDb().transaction(async (tx) => {
      await tx.select({ id: users.id }).from(users).where(eq(users.email, marker));
      return {
        statements: (await queryRows<{ statement: string }>(tx, sql`select statement from pg_prepared_statements`)).map((r) => r.statement),
        mode: (await queryRows<{ plan_cache_mode: string }>(tx, sql`show plan_cache_mode`))[0]!.plan_cache_mode,
      };
    });
    expect(named.statements.some((s) => s.includes('"users"."email" = $1'))).toBe(true);
    expect(named.mode).toBe('auto');
  });
});
