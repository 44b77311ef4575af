'use server';

import { redeemInviteInput } from '@/lib/users/inputs';
import { redeemInvite } from '@/lib/users/invites';
import { definePublicAction } from '@/lib/server/action';

/** Accepts an invitation: the invited person sets their name and password. */
export const redeemInviteAction = definePublicAction(redeemInviteInput, (ctx, input) => redeemInvite(ctx, input));
