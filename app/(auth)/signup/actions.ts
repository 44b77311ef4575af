'use server';

import { createOrganizationInput } from '@/lib/orgs/inputs';
import { createOrganization } from '@/lib/orgs/writes';
import { definePublicAction } from '@/lib/server/action';

/** First run: creates the first organization. Refused once any organization exists. */
export const setupAction = definePublicAction(createOrganizationInput, (ctx, input) => createOrganization(ctx, input, 'setup'));

/** /signup: creates another organization, while GATEHOUSE_SIGNUP is open. */
export const signupAction = definePublicAction(createOrganizationInput, (ctx, input) => createOrganization(ctx, input, 'signup'));
