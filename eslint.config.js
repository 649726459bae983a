// One linter, zero warnings (`npm run lint` runs with --max-warnings 0).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'data',
      'models/**/*.json',
      'coverage',
      'dist',
      'notebooks/*.ipynb',
      'notebooks/.types',
      'notebooks/.jupyter',
      'artifacts',
      'src/web/vendor',
      // Generated from the API document (npm run client:generate).
      'clients/typescript/openapi.d.ts',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config.ts only.' },
      ],
    },
  },
  {
    // The bridge the tslab kernel requires (CommonJS: tslab compiles cells to CommonJS).
    files: ['notebooks/lib/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The dashboard's plain ES modules run in the browser (uPlot is a global from its IIFE build).
    files: ['src/web/public/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'localStorage',
          'location',
          'fetch',
          'URLSearchParams',
          'FormData',
          'Node',
          'ResizeObserver',
          'devicePixelRatio',
          'setInterval',
          'clearInterval',
          'uPlot',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // config.ts is the one place allowed to read the environment; scripts and tests set it up.
    files: ['src/config.ts', 'tests/**', 'bench/**', '**/*.test.ts', 'bin/**', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
