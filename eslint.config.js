import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off'
    }
  },
  {
    // The engine must run in plain Node: only main/electron may import electron. And the layers
    // point one way: main/ and shared/ never import renderer/ or scripts/ (what both sides need
    // lives in shared/, what a build and a running daemon both need lives in main/build/).
    files: ['main/**', 'shared/**', 'renderer/**'],
    rules: { 'no-restricted-imports': ['error', restrictedImports({ electron: true, renderer: true, scripts: true })] }
  },
  {
    files: ['main/electron/**'],
    rules: { 'no-restricted-imports': ['error', restrictedImports({ renderer: true, scripts: true })] }
  },
  {
    files: ['renderer/**'],
    rules: { 'no-restricted-imports': ['error', restrictedImports({ electron: true, scripts: true })] }
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

function restrictedImports({ electron = false, renderer = false, scripts = false }) {
  const patterns = []
  if (renderer) {
    const message = 'main/ and shared/ may not import renderer/: move what both need to shared/.'
    patterns.push({ regex: '(^|/)renderer/', message })
  }
  if (scripts) {
    const message = 'Only scripts/ may import scripts/: move what runs at run time to main/.'
    patterns.push({ regex: '(^|/)scripts/', message })
  }
  return {
    paths: electron ? [{ name: 'electron', message: 'Only main/electron/ may import electron.' }] : [],
    patterns
  }
}
