// ESM + ts-jest: tests import the sources as ES modules, as the bundle does.
import os from 'node:os'

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // End-to-end tests run a bundle of the current src/, never a stale dist/.
  globalSetup: './__fixtures__/bundle-sources.mjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  },
  // `npm test` measures (--coverage) what the in-process tests cover of src/; tests that spawn the
  // bundle add nothing, so every module with I/O has in-process tests against loopback servers.
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { lines: 90 } },
  testTimeout: 30000,
  // Two test files per core: end-to-end files spend most of their time waiting on the action's
  // child process and the simulator, so one worker per core (jest's default, less one) idles the
  // machine. `npm run stress` proves the suites hold with every core busy.
  maxWorkers: Math.max(2, os.availableParallelism() * 2),
  verbose: false
}
