import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off'
    }
  },
  {
    // The engine must run in plain Node: only main/electron may import electron.
    files: ['main/engine/**', 'main/headless/**', 'shared/**', 'renderer/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/electron/ may import electron.' }] }]
    }
  },
  {
    // test-support/ is never bundled or packaged because no shipped module imports it; this keeps it so.
    // (A rule of its own: the electron rule above would otherwise replace it on the engine files.)
    files: ['main/**', 'shared/**', 'renderer/**', 'scripts/**', 'bin/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)test-support/', message: 'Only tests and bench/ may import test-support/.' }] }
      ]
    }
  }
)
