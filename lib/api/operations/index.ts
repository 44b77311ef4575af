// Every public-API operation, in the order the reference lists them.
import type { ApiOperation } from '../operation';
import { listAuditEventsOp } from './audit';
import { addMembersOp, createGroupOp, deleteGroupOp, getGroupOp, listGrantsOp, listGroupsOp, listMembersOp, removeGrantOp, removeMemberOp, setGrantOp, updateGroupOp } from './groups';
import { apps, createFolderOp, deleteFolderOp, listFoldersOp, renameFolderOp, resources } from './objects';
import { disableUserOp, enableUserOp, getMe, getUserOp, inviteUserOp, listUsersOp, updateUserOp } from './users';

export const operations = [
  getMe,
  listUsersOp,
  inviteUserOp,
  getUserOp,
  updateUserOp,
  disableUserOp,
  enableUserOp,
  listGroupsOp,
  createGroupOp,
  getGroupOp,
  updateGroupOp,
  deleteGroupOp,
  listMembersOp,
  addMembersOp,
  removeMemberOp,
  listGrantsOp,
  setGrantOp,
  removeGrantOp,
  listFoldersOp,
  createFolderOp,
  renameFolderOp,
  deleteFolderOp,
  apps.list,
  apps.get,
  resources.list,
  resources.get,
  listAuditEventsOp,
] as unknown as ApiOperation[];

export {
  addMembersOp, apps, createFolderOp, createGroupOp, deleteFolderOp, deleteGroupOp, disableUserOp, enableUserOp, getGroupOp, getMe, getUserOp, inviteUserOp,
  listAuditEventsOp, listFoldersOp, listGrantsOp, listGroupsOp, listMembersOp, listUsersOp, removeGrantOp, removeMemberOp, renameFolderOp, resources, setGrantOp,
  updateGroupOp, updateUserOp,
};
