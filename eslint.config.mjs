import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const layering = (patterns) => ['error', { patterns }];

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
      'no-restricted-imports': layering([
        { group: ['@/app/*', '@/components/*'], message: 'lib/ never imports from app/ or components/.' },
      ]),
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
