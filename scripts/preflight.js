#!/usr/bin/env node
// `npm run preflight`: tries every external system with the configured credentials and prints
// one line each, with the fix for a failure (docs/production.md). Exit code 1 when any fails.
// The checks live in the gateway's bundle (apps/gateway/src/preflight), which has every client.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, buildIfStale } = require('./lib');
const { SANDBOX_DEFAULTS } = require('./sandbox-env');

const env = { ...process.env };
env.KLEPAAS_SANDBOX = env.KLEPAAS_SANDBOX ?? 'true';
if (/^(true|1|yes)$/i.test(env.KLEPAAS_SANDBOX)) {
  // As `npm start` does, minus the App key it makes up per start: set KLEPAAS_GITHUB_APP_PRIVATE_KEY
  // for both to check the sandbox's App too.
  for (const [name, value] of Object.entries(SANDBOX_DEFAULTS)) env[name] = env[name] ?? value;
}
buildIfStale();
const result = spawnSync(process.execPath, [path.join(ROOT, 'dist/apps/gateway/main.js'), '--preflight'], {
  cwd: ROOT,
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
