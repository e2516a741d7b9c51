import { createLogger, ObservabilityModule } from '@klepaas/observability';
import { SANDBOX_DEFAULTS, sandboxOptionsFromEnv } from './config/sandbox-options';
import { startSandbox } from './start-sandbox';

/**
 * The sandbox as its own process (`node dist/apps/sandbox/main.js`; `npm start` runs it in
 * sandbox mode). Reads KLEPAAS_* variables, starts, and stops cleanly on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const options = sandboxOptionsFromEnv();
  // Health and metrics like every app; the sandbox depends on nothing, so ready means listening.
  const logger = createLogger({ app: 'sandbox', level: process.env.KLEPAAS_LOG_LEVEL ?? 'info' });
  const sandbox = await startSandbox(options, {
    imports: [ObservabilityModule.forRoot({ logger, readinessChecks: [] })],
  });
  const devKeys = !options.ncpAccessKey || options.ncpAccessKey === SANDBOX_DEFAULTS.ncpAccessKey;
  const devGit =
    !options.sourceCommitUsername || options.sourceCommitUsername === SANDBOX_DEFAULTS.sourceCommitUsername;
  console.log(
    [
      '================================================================',
      ` K-Le-PaaS SANDBOX listening on ${sandbox.url}`,
      ' Stands in for NCP (SourceCommit/Build/Deploy/Pipeline, NCR), GitHub and Slack.',
      ` NCP key pair: ${devKeys ? 'the development pair (docs/sandbox.md)' : 'from KLEPAAS_NCP_ACCESS_KEY / _SECRET_KEY'}`,
      ` SourceCommit git account: ${devGit ? 'the development account (docs/sandbox.md)' : 'from KLEPAAS_NCP_SOURCECOMMIT_USERNAME / _PASSWORD'}`,
      ` GitHub App id ${sandbox.options.githubAppId}${options.githubAppPrivateKey ? '' : ' with a key generated for this run'}; data in ${sandbox.options.dataDir}`,
      '================================================================',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`sandbox: ${signal} received, stopping`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`sandbox: failed to stop cleanly: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`sandbox: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
