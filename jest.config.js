// Two tiers, one command: unit specs (*.spec.ts) need nothing running; integration specs
// (*.int-spec.ts) talk to the real PostgreSQL, RabbitMQ, git and the sandbox over HTTP.
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }],
  },
  moduleNameMapper: { '^@klepaas/(.*)$': '<rootDir>/libs/$1/src' },
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
};

module.exports = {
  projects: [
    // Unit tests share the two cores with integration files running beside them
    // (scripts/test.js): a CPU-bound one (scrypt at its production cost) can take seconds there.
    { ...common, displayName: 'unit', testMatch: ['**/*.spec.ts'], testTimeout: 30_000 },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.int-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration-setup.ts'],
    },
    // Integration tests on a RabbitMQ cluster of their own (scripts/rabbitmq-cluster.sh): slow
    // to start, so a tier of their own (npm run test:cluster), run by CI as its own step.
    {
      ...common,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/integration-setup.ts'],
    },
  ],
};
