export function assertLocalDatabase(url: string): void;
export function createTestDatabase(serverUrl: string, label: string): Promise<{ name: string; url: string }>;
export function dropTestDatabase(serverUrl: string, name: string): Promise<void>;
export function testSecrets(): { NEXTAUTH_SECRET: string; GATEHOUSE_ENCRYPTION_KEYS: string; GATEHOUSE_AUDIT_SIGNING_KEY: string };
export function e2eServerLogPath(port: string | number): string;
export function e2eServerInfoPath(port: string | number): string;
