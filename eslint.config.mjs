import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'node_modules/**', '.tempered/**', 'trainer/**', 'bin/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'object-shorthand': ['error', 'always'],
    },
  },
  {
    // Workflow code (and what only it imports) is replayed deterministically in a sandbox: no Node built-ins, no zod.
    files: ['src/workflows/**/*.ts', 'src/rollout/**/*.ts', 'src/pipeline/rollout.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'zod'].map((name) => ({
            name,
            message: 'workflow code must stay deterministic: do I/O and validation in activities',
          })),
          patterns: [{ group: ['zod/*'], message: 'no zod in workflow code' }],
        },
      ],
    },
  },
);
