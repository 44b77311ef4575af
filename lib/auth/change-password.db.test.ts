import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db';
import { sessions, users } from '@/db/schema';
import { parseForm } from '@/lib/forms';
import { runMutation } from '@/lib/server/mutation';
import { findActiveSession } from '@/lib/sessions/reads';
import { asUser, auditRows, makeOrg, makeUser, rejection, testRequest } from '@/lib/test/helpers';
import { changeOwnPassword, changePasswordInput } from './change-password';
import { signInWithPassword } from './sign-in';

async function signIn(slug: string, email: string, password: string): Promise<string> {
  const r = await signInWithPassword({ orgSlug: slug, email, password }, testRequest());
  if (!r.ok) throw new Error(`sign-in failed: ${r.reason}`);
  return r.sessionId;
}

function form(values: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
}

describe('changing one’s password', () => {
  it('keeps this session, ends the user’s other ones (and no one else’s), and the new password is the one that works', async () => {
    const org = await makeOrg('pwchange');
    const bob = await makeUser(org.orgId, { label: 'bob' });
    const current = await signIn(org.slug, org.email, org.password);
    const others = [await signIn(org.slug, org.email, org.password), await signIn(org.slug, org.email, org.password)];
    const bobs = await signIn(org.slug, bob.email, bob.password);

    const me = asUser(org.orgId, org.adminId, current);
    const newPassword = 'a brand new passphrase';
    expect(await runMutation(me, (ctx) => changeOwnPassword(ctx, { currentPassword: org.password, newPassword }))).toEqual({
      sessionsRevoked: 2,
    });
    expect(await findActiveSession(current)).not.toBeNull();
    for (const sid of others) expect(await findActiveSession(sid)).toBeNull();
    const reasons = await getDb().select({ reason: sessions.revokedReason }).from(sessions).where(eq(sessions.userId, org.adminId));
    expect(reasons.map((r) => r.reason).sort()).toEqual([null, 'password_changed', 'password_changed']);
    expect(await findActiveSession(bobs)).not.toBeNull();

    expect((await signInWithPassword({ orgSlug: org.slug, email: org.email, password: org.password }, testRequest())).ok).toBe(false);
    expect((await signInWithPassword({ orgSlug: org.slug, email: org.email, password: newPassword }, testRequest())).ok).toBe(true);
    const events = (await auditRows(org.orgId)).filter((e) => e.actionType === 'UPDATE_PASSWORD');
    expect(events.map((e) => [e.userId, e.metadata])).toEqual([[org.adminId, { sessionsRevoked: 2 }]]);
    expect(JSON.stringify(events)).not.toContain(newPassword);
  });

  it('names the field at fault: a wrong current password, the same password again, a short new one', async () => {
    const org = await makeOrg('pwcheck');
    const current = await signIn(org.slug, org.email, org.password);
    const other = await signIn(org.slug, org.email, org.password);
    const me = () => asUser(org.orgId, org.adminId, current);
    const fieldErrors = async (input: { currentPassword: string; newPassword: string }) => {
      try {
        await runMutation(me(), (ctx) => changeOwnPassword(ctx, input));
      } catch (e) {
        return (e as { meta: { fieldErrors?: unknown } }).meta.fieldErrors;
      }
      throw new Error('expected a refusal');
    };
    expect(await fieldErrors({ currentPassword: 'not my password', newPassword: 'a brand new passphrase' })).toEqual({
      currentPassword: ['That password is not right.'],
    });
    expect(await fieldErrors({ currentPassword: org.password, newPassword: org.password })).toEqual({
      newPassword: ['Choose a password different from your current one.'],
    });
    expect(() => parseForm(changePasswordInput, form({ currentPassword: '', newPassword: 'short' }))).toThrow(
      expect.objectContaining({
        meta: { fieldErrors: { currentPassword: ['Enter your current password.'], newPassword: ['Use at least 12 characters.'] } },
      }),
    );
    // Nothing changed, nothing ended.
    expect(await findActiveSession(other)).not.toBeNull();
    expect((await auditRows(org.orgId)).filter((e) => e.actionType === 'UPDATE_PASSWORD')).toEqual([]);
  });

  it('is refused to a user without a password (single sign-on or Google)', async () => {
    const org = await makeOrg('pwnone');
    const current = await signIn(org.slug, org.email, org.password);
    await getDb().update(users).set({ passwordHash: null }).where(eq(users.id, org.adminId));
    expect(
      await rejection(
        runMutation(asUser(org.orgId, org.adminId, current), (ctx) =>
          changeOwnPassword(ctx, { currentPassword: org.password, newPassword: 'a brand new passphrase' }),
        ),
      ),
    ).toEqual({ code: 'conflict', message: 'You sign in with single sign-on or Google, so you have no password to change.' });
  });
});
