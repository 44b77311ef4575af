// gatehouse group add-member · remove-member — through addUsersToGroup / removeUsersFromGroup, as
// the group page and the public API: All Users and SCIM-managed groups refuse, the Admin group keeps
// one active admin.
import { addUsersToGroup, removeUsersFromGroup } from '@/lib/groups/writes';
import { runMutation } from '@/lib/server/mutation';
import { defineCommand } from '../command';
import { cliInit, groupByName, orgBySlug, userByEmail } from '../operator';

const flags = {
  org: { type: 'string', required: true, value: '<slug>', help: 'Organization' },
  group: { type: 'string', required: true, value: '<name>', help: 'The group, by name (any letter case)' },
  email: { type: 'string', required: true, help: 'The user' },
} as const;

async function membership(o: { org: string; group: string; email: string }) {
  const organization = await orgBySlug(o.org);
  const group = await groupByName(organization, o.group);
  const user = await userByEmail(organization, o.email);
  return { organization, group, user, input: { groupId: group.id, userIds: [user.id] } };
}

export const groupAddMember = defineCommand({
  name: 'group add-member',
  summary: 'Add a user to a permission group.',
  flags,
  async run(o) {
    const { organization, group, user, input } = await membership(o);
    await runMutation(cliInit(organization.id), (ctx) => addUsersToGroup(ctx, input));
    return { json: { groupId: group.id, userId: user.id, member: true }, text: `Added ${user.email} to ${group.name}.` };
  },
});

export const groupRemoveMember = defineCommand({
  name: 'group remove-member',
  summary: 'Remove a user from a permission group.',
  flags,
  async run(o) {
    const { organization, group, user, input } = await membership(o);
    await runMutation(cliInit(organization.id), (ctx) => removeUsersFromGroup(ctx, input));
    return { json: { groupId: group.id, userId: user.id, member: false }, text: `Removed ${user.email} from ${group.name}.` };
  },
});
