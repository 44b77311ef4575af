'use server';

import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { allowed, requireViewer } from '@/lib/auth/viewer';
import { samlBindingCookie, sealBinding, SSO_BINDING_COOKIE, ssoBindingCookie } from '@/lib/sso/binding';
import { startSsoTest } from '@/lib/sso/test-connection';
import { z } from 'zod';
import { defineAction } from '@/lib/server/action';
import { deleteSsoConnection, saveSsoConnection } from '@/lib/sso/connections';
import { saveSamlConnectionInput, saveSsoConnectionInput } from '@/lib/sso/inputs';
import { saveSamlConnection } from '@/lib/sso/saml';

export const saveSsoConnectionAction = defineAction(saveSsoConnectionInput, async (ctx, input) => {
  await saveSsoConnection(ctx, input);
  revalidatePath('/settings/sso');
});

export const saveSamlConnectionAction = defineAction(saveSamlConnectionInput, async (ctx, input) => {
  await saveSamlConnection(ctx, input);
  revalidatePath('/settings/sso');
});

export const deleteSsoConnectionAction = defineAction(z.object({}), async (ctx) => {
  await deleteSsoConnection(ctx);
  revalidatePath('/settings/sso');
});

/** "Test connection": through the IdP and back to a report; no session, no change (lib/sso/test-connection.ts). */
export async function startSsoTestAction(): Promise<void> {
  const viewer = await requireViewer();
  if (!allowed(viewer, 'manage', { kind: 'org', area: 'settings' })) redirect('/settings/sso');
  let start: Awaited<ReturnType<typeof startSsoTest>>;
  try {
    start = await startSsoTest(viewer.org.slug, viewer.userId);
  } catch (e) {
    console.error('[gatehouse] could not start an SSO test:', e);
    redirect('/settings/sso/test?error=idp_error');
  }
  if (!start) redirect('/settings/sso');
  (await cookies()).set(
    SSO_BINDING_COOKIE,
    await sealBinding(start.binding),
    start.binding.samlRequestId ? samlBindingCookie : ssoBindingCookie,
  );
  redirect(start.redirectUrl);
}
