// Child process for db/embedded.db.test.ts. `write N`: migrate, commit N rows, print COMMITTED and
// keep the database open until killed. `read`: print ROWS=<count> or ERROR=<message>, then DONE.
import { sql } from 'drizzle-orm';
import { closeDb, getDb, queryRows } from '@/db';
import { migrate } from '@/db/migrate';

async function write(rows: number) {
  await migrate();
  await getDb().execute(sql`create table if not exists crash_probe (n int primary key)`);
  for (let i = 0; i < rows; i++) await getDb().execute(sql`insert into crash_probe values (${i})`);
  console.log('COMMITTED');
  setInterval(() => {}, 1000);
}

async function read() {
  try {
    const rows = await queryRows<{ n: number }>(getDb(), sql`select count(*)::int as n from crash_probe`);
    console.log(`ROWS=${rows[0]!.n}`);
    await closeDb();
  } catch (e) {
    console.log(`ERROR=${(e as Error).message}`);
  }
  console.log('DONE');
}

const [mode, n] = process.argv.slice(2);
void (mode === 'write' ? write(Number(n)) : read());
