// Every gatehouse command, in the order `gatehouse help` lists them.
import type { Command } from '../command';
import { auditCheckpoint, auditPurge, auditSigningKey, auditVerify } from './audit';
import { keysGenerate, keysRotate, keysStatus } from './keys';
import { scimDirectoryCreate, scimDirectoryList, scimDirectoryPause, scimDirectoryResume, scimDirectoryRotateToken } from './scim';
import { migrateCommand, orgCreate, seedDemoCommand } from './setup';
import { tokenCreate, tokenRevoke } from './tokens';
import { userCreate, userResetTwoFactor } from './users';

export const commands: readonly Command[] = [
  migrateCommand,
  orgCreate,
  userCreate,
  userResetTwoFactor,
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
  seedDemoCommand,
];
