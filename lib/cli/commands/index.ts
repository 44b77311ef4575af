// Every gatehouse command, in the order `gatehouse help` lists them.
import type { Command } from '../command';
import { appExport, appImport } from './apps';
import { auditCheckpoint, auditPurge, auditSigningKey, auditVerify } from './audit';
import {
  auditDestinationCreate,
  auditDestinationDelete,
  auditDestinationList,
  auditDestinationPause,
  auditDestinationResume,
  auditDestinationTest,
  auditDestinationUpdate,
} from './audit-destinations';
import { groupAddMember, groupRemoveMember } from './groups';
import { keysGenerate, keysRotate, keysStatus } from './keys';
import { scimDirectoryCreate, scimDirectoryList, scimDirectoryPause, scimDirectoryResume, scimDirectoryRotateToken } from './scim';
import { migrateCommand, orgCreate, seedDemoCommand } from './setup';
import { tokenCreate, tokenRevoke } from './tokens';
import { sessionLimits, sessionList, sessionRevoke } from './sessions';
import { userCreate, userDisable, userEnable, userList, userResetTwoFactor } from './users';

export const commands: readonly Command[] = [
  migrateCommand,
  orgCreate,
  userList,
  userCreate,
  userDisable,
  userEnable,
  userResetTwoFactor,
  groupAddMember,
  groupRemoveMember,
  sessionList,
  sessionRevoke,
  sessionLimits,
  appExport,
  appImport,
  tokenCreate,
  tokenRevoke,
  scimDirectoryCreate,
  scimDirectoryList,
  scimDirectoryRotateToken,
  scimDirectoryPause,
  scimDirectoryResume,
  keysStatus,
  keysGenerate,
  keysRotate,
  auditPurge,
  auditVerify,
  auditCheckpoint,
  auditSigningKey,
  auditDestinationList,
  auditDestinationCreate,
  auditDestinationUpdate,
  auditDestinationTest,
  auditDestinationPause,
  auditDestinationResume,
  auditDestinationDelete,
  seedDemoCommand,
];
