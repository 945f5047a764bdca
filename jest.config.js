// @nestjs/* v12 ship ESM only; jest's CJS runtime cannot require(esm) on Node 20, so they are transpiled like our code.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const libs = ['config', 'contracts', 'messaging', 'persistence', 'observability', 'storage', 'service-kit', 'testing', 'vector-index', 'image-capabilities', 'ml-runtime', 'diversity', 'colour-science', 'creative', 'ru-en'];
const moduleNameMapper = Object.fromEntries(libs.map((l) => [`^@atelier/${l}$`, `<rootDir>/libs/${l}/src/index.ts`]));
const base = {
  rootDir: __dirname,
  // PGlite's CommonJS build still calls import('fs') etc., which jest's vm cannot run; swc turns them into require().
  transform: { '/node_modules/@electric-sql/.+\\.cjs$': swc, '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@electric-sql|file-type|uid|load-esm|strtok3|token-types|@tokenizer)/)'],
  moduleNameMapper,
  testEnvironment: '<rootDir>/test/support/node-realm-environment.js',
};
module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-setup.ts'],
    },
  ],
};
