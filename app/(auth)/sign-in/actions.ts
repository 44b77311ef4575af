'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { confirmChallengeEnrollment } from '@/lib/auth/challenge';
import { CHALLENGE_COOKIE, LINK_COOKIE, ORG_COOKIE, rememberOrgCookie } from '@/lib/auth/cookies';
import { completeIdentityLink } from '@/lib/auth/identity-link';
import { PASSWORD_MAX_LENGTH } from '@/lib/auth/password';
import { sessionCookieFor } from '@/lib/auth/session-cookie';
import { isHttpsRequest } from '@/lib/server/request-meta';
import { confirmEnrollmentInput } from '@/lib/auth/two-factor';
import { GOOGLE_BINDING_COOKIE, googleBindingCookie, offersGoogle, sealGoogleBinding } from '@/lib/auth/google';
import { AppError } from '@/lib/errors';
import { findOrganizationBySlug, getOrganizationSettings } from '@/lib/orgs/reads';
import { samlBindingCookie, sealBinding, SSO_BINDING_COOKIE, ssoBindingCookie } from '@/lib/sso/binding';
import { startSsoSignIn } from '@/lib/sso/sign-in';
import { parseForm } from '@/lib/forms';
import { toFailure, type ActionResult } from '@/lib/server/action';
import { currentRequestMeta } from '@/lib/server/request';

const chooseOrgInput = z.object({
  slug: z.string().trim().min(1, 'Enter your organization’s URL name.').max(64),
  callbackUrl: z.string().max(2048).optional(),
});

/** Remembers the organization in a cookie and moves on to its sign-in page. */
export async function chooseOrgAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  let slug: string;
  let callbackUrl: string | undefined;
  try {
    const input = parseForm(chooseOrgInput, form);
    const org = await findOrganizationBySlug(input.slug);
    if (!org) throw AppError.field('slug', 'No organization uses that name. Check the spelling, or ask your admin.', 'not_found');
    slug = org.slug;
    callbackUrl = input.callbackUrl;
  } catch (e) {
    return toFailure(e);
  }
  (await cookies()).set(ORG_COOKIE, slug, rememberOrgCookie);
  redirect(`/sign-in/${slug}${callbackUrl ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : ''}`);
}

/**
 * Enrollment inside a sign-in (the organization requires 2FA): confirms the new authenticator of
 * the pending sign-in this browser's cookie names. The session is still created only by the
 * second-factor provider afterwards.
 */
export async function confirmSignInEnrollmentAction(
  _prev: ActionResult<{ recoveryCodes: string[] }> | null,
  form: FormData,
): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  try {
    const input = parseForm(confirmEnrollmentInput, form);
    const token = (await cookies()).get(CHALLENGE_COOKIE)?.value;
    return { ok: true, data: await confirmChallengeEnrollment(token, input.code, await currentRequestMeta()) };
  } catch (e) {
    return toFailure(e);
  }
}

const startSsoInput = z.object({ orgSlug: z.string().trim().min(1).max(64) });

/**
 * "Sign in with SSO": starts the organization's OIDC sign-in and sends the browser to its identity
 * provider, with the flow bound to this browser by a sealed cookie. Only our own parameters are
 * sent to the provider, never anything from the request.
 */
export async function startSsoAction(form: FormData): Promise<void> {
  const parsed = startSsoInput.safeParse({ orgSlug: form.get('orgSlug') });
  if (!parsed.success) redirect('/sign-in');
  const back = `/sign-in/${encodeURIComponent(parsed.data.orgSlug)}`;
  let start: Awaited<ReturnType<typeof startSsoSignIn>>;
  try {
    start = await startSsoSignIn(parsed.data.orgSlug);
  } catch (e) {
    // The IdP's discovery document could not be fetched or used: say so, log the detail.
    console.error('[gatehouse] could not start an SSO sign-in:', e);
    redirect(`${back}?sso_error=idp_error`);
  }
  if (!start) redirect(`${back}?sso_error=no_connection`);
  (await cookies()).set(
    SSO_BINDING_COOKIE,
    await sealBinding(start.binding),
    start.binding.samlRequestId ? samlBindingCookie : ssoBindingCookie,
  );
  redirect(start.redirectUrl);
}

/**
 * "Sign in with Google", first half: binds the organization chosen on this page to this browser
 * (a sealed cookie that next-auth's Google callback reads); the browser then goes to Google
 * through next-auth. The organization never comes from Google's answer.
 */
export async function startGoogleAction(orgSlug: string): Promise<{ ok: boolean }> {
  const org = typeof orgSlug === 'string' ? await findOrganizationBySlug(orgSlug) : null;
  if (!org || !offersGoogle(await getOrganizationSettings(org.id))) return { ok: false };
  (await cookies()).set(GOOGLE_BINDING_COOKIE, await sealGoogleBinding(org.id), googleBindingCookie);
  return { ok: true };
}

const linkIdentityInput = z.object({
  password: z.string().min(1, 'Enter your password.').max(PASSWORD_MAX_LENGTH),
  code: z.string().trim().max(32).optional(),
});

/**
 * "Link and sign in": the existing account's password (and second factor) completes the link
 * request this browser's cookie names (lib/auth/identity-link.ts); the session is the identity's.
 */
export async function linkIdentityAction(_prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  const jar = await cookies();
  let result: Awaited<ReturnType<typeof completeIdentityLink>>;
  try {
    const input = parseForm(linkIdentityInput, form);
    result = await completeIdentityLink(jar.get(LINK_COOKIE)?.value, input, await currentRequestMeta());
  } catch (e) {
    return toFailure(e);
  }
  if (!result.ok) {
    if (result.reason === 'start_over') jar.delete(LINK_COOKIE);
    const message =
      result.reason === 'rate_limited'
        ? `Too many failed attempts. Try again in ${result.retryAfterSeconds} second${result.retryAfterSeconds === 1 ? '' : 's'}.`
        : result.reason === 'wrong_credentials'
          ? `That password or code is not right. ${result.attemptsLeft} attempt${result.attemptsLeft === 1 ? '' : 's'} left.`
          : 'This link request has expired, was already used, or took too many wrong answers. Sign in again.';
    return { ok: false, code: result.reason === 'start_over' ? 'unauthenticated' : 'invalid_input', message };
  }
  jar.delete(LINK_COOKIE);
  const session = await sessionCookieFor(result.sessionId, isHttpsRequest(await headers()));
  jar.set(session.name, session.value, session.options);
  jar.set(ORG_COOKIE, result.orgSlug, rememberOrgCookie);
  redirect('/');
}
