// ESLint: typescript-eslint's recommended type-checked rules over everything tsconfig.json covers.
// Formatting is Prettier's alone (eslint-config-prettier turns off the rules that would overlap).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // What .gitignore leaves out of the repository: builds, installs and local scratch.
  { ignores: ['dist/', 'build/', 'node_modules/', '.container-node/', 'coverage/', '.demo/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
  },
  {
    rules: {
      // A variable a closure reads before its one assignment (a server made after the handlers that
      // use it) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests break the REST reference's JSON answers field by field (a number where a string was, a
    // field deleted): the fixtures are `any` on purpose, and the assertions check what came of it.
    files: ['test/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
);
