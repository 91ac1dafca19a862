// eslint.config.js — ESLint's flat config for every JavaScript file of the project: the recommended
// rules, no unused variables, and no console output from what ships to visitors (web/): the page,
// the widget and the worker report through the page, never to the console. Tools, tests, benchmarks
// and scripts print on purpose. Run by scripts/lint.sh (in .ci/run), after Prettier has its say on
// layout (so no stylistic rules here).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/**', 'node_modules/**', 'web/vendor/**', 'types/**'] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.worker, ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-console': 'error',
      // Our parsers and tests match control characters on purpose (refusing them in names and links,
      // stripping terminal colours); the rule guards against typing them by mistake.
      'no-control-regex': 'off',
    },
  },
  { files: ['tools/**', 'tests/**', 'bench/**', 'scripts/**'], rules: { 'no-console': 'off' } },
];
