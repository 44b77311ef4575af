import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const layering = (patterns) => ['error', { patterns }];
const EXECUTOR = '/^(Db|Tx|DbOrTx)$/';
const LIB_IMPORTS = { group: ['@/app/*', '@/components/*'], message: 'lib/ never imports from app/ or components/.' };

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      '.data/**',
      '.e2e/**',
      'drizzle/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Data flows one way: app/ → lib/ → db/ (ARCHITECTURE.md §1).
  {
    files: ['app/**', 'components/**'],
    rules: {
      'no-restricted-imports': layering([
        {
          group: ['@/db', '@/db/*', 'drizzle-orm', 'drizzle-orm/*'],
          message: 'app/ and components/ reach the database only through lib/.',
        },
      ]),
    },
  },
  {
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': layering([LIB_IMPORTS]),
      // Decision 0002: a function that takes an executor takes it last, unless its last parameter is
      // the callback it runs in that executor (withJacksonTx(tx, fn), as db.transaction(fn)).
      'no-restricted-syntax': [
        'error',
        ...[
          `Identifier:not(:last-child)[typeAnnotation.typeAnnotation.typeName.name=${EXECUTOR}]`,
          `AssignmentPattern:not(:last-child)[left.typeAnnotation.typeAnnotation.typeName.name=${EXECUTOR}]`,
        ].map((param) => ({
          selector: `:function:not(:has(> :last-child[typeAnnotation.typeAnnotation.type='TSFunctionType'])) > ${param}`,
          message: 'The executor (Db, Tx, DbOrTx) is the last parameter (docs/decisions/0002).',
        })),
      ],
    },
  },
  // Crypto knows nothing of storage: it encrypts with the keyring it is given (lib/keys finds the
  // process's keyring and rotates stored values). The flat config replaces, not merges, a rule's
  // options, so lib/'s own restriction is repeated here.
  {
    files: ['lib/crypto/**'],
    rules: {
      'no-restricted-imports': layering([
        LIB_IMPORTS,
        {
          group: ['@/db', '@/db/*', 'drizzle-orm', 'drizzle-orm/*', '@/lib/*', '!@/lib/crypto', '../*'],
          message: 'lib/crypto imports nothing of the database, and nothing of lib/ but itself.',
        },
      ]),
    },
  },
  // Specs take `test` from e2e/fixtures.ts, whose guard fails a test on any CSP violation (0037).
  {
    files: ['e2e/**'],
    ignores: ['e2e/fixtures.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@playwright/test',
              importNames: ['test'],
              message: 'Import test from e2e/fixtures: its guard fails a test on any Content-Security-Policy violation.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['db/**'],
    rules: {
      'no-restricted-imports': layering([{ group: ['@/lib/*', '@/app/*', '@/components/*'], message: 'db/ imports nothing of ours.' }]),
    },
  },
];

export default config;
