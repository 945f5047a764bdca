import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'libs/contracts/src/gen/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Layer rules: apps use libs only through their public index; no app imports another app.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@atelier/*/src/*', '**/libs/*/src/*'], message: 'Import a lib through its index (@atelier/<lib>).' },
          ],
        },
      ],
    },
  },
  ...['gateway', 'billing', 'enhancer', 'generator', 'judge', 'recommender'].map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@atelier/*/src/*', '**/libs/*/src/*'], message: 'Import a lib through its index (@atelier/<lib>).' },
            {
              group: ['gateway', 'billing', 'enhancer', 'generator', 'judge', 'recommender']
                .filter((other) => other !== app)
                .flatMap((other) => [`**/apps/${other}/**`, `../../${other}/**`, `../../../${other}/**`]),
              message: 'No app imports another app: talk through events or request/reply.',
            },
          ],
        },
      ],
    },
  })),
);
