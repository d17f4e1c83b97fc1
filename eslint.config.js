// Lint: typescript-eslint's recommended rules on the sources, tests and scripts, with
// formatting left to prettier (eslint-config-prettier turns off the rules it owns).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'results/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        setImmediate: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Simulation code is deterministic: no Math.random and no wall clock inside the model.
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use an RngStream: runs must be deterministic.' },
      ],
    },
  },
  {
    files: ['src/engine/**', 'src/model/**', 'src/stats/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'Date', message: 'No wall clock inside the simulation.' },
        { name: 'performance', message: 'No wall clock inside the simulation.' },
      ],
    },
  },
);
