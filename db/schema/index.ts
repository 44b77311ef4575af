// Gatehouse's tables, one file per domain. snake_case in SQL, camelCase in TypeScript; every
// tenant-owned row carries organization_id. Migrations are generated from these files into
// drizzle/ (npm run db:generate); everything imports them from here, as `@/db/schema`.
export * from './organizations';
export * from './users';
export * from './auth';
export * from './groups';
export * from './objects';
export * from './resources';
export * from './api';
export * from './audit';
export * from './scim';
export * from './sso';
