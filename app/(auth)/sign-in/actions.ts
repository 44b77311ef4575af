'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { confirmChallengeEnrollment } from '@/lib/auth/challenge';
import { CHALLENGE_COOKIE, ORG_COOKIE, rememberOrgCookie } from '@/lib/auth/cookies';
import { confirmEnrollmentInput } from '@/lib/auth/two-factor';
import { AppError } from '@/lib/errors';
import { findOrganizationBySlug } from '@/lib/orgs/reads';
import { parseForm, toFailure, type ActionResult } from '@/lib/server/action';
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
export async function confirmSignInEnrollmentAction(_prev: ActionResult<{ recoveryCodes: string[] }> | null, form: FormData): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  try {
    const input = parseForm(confirmEnrollmentInput, form);
    const token = (await cookies()).get(CHALLENGE_COOKIE)?.value;
    return { ok: true, data: await confirmChallengeEnrollment(token, input.code, await currentRequestMeta()) };
  } catch (e) {
    return toFailure(e);
  }
}
