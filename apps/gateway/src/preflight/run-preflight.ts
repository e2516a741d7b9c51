import { AppName, ConfigError, KlepaasConfig, loadConfig } from '@klepaas/config';
import { CheckResult, fail, formatResult, ok } from './check-result';
import { checkGithubApp } from './github-check';
import { checkBroker, checkDatabase } from './infrastructure-checks';
import { checkKubeconfig } from './kubeconfig-check';
import {
  checkCluster,
  checkRegistry,
  checkSourceBuild,
  checkSourceCommit,
  checkSourceDeploy,
  preflightNcpClients,
} from './ncp-checks';

/**
 * `npm run preflight` (docs/production.md): every external system tried with the configured
 * credentials, one line each, with the fix for each failure. Read-only: list calls, a HEAD, a
 * query. Checks run one after another so the report reads top down.
 */
export async function preflight(env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const checked = checkConfiguration(env);
  if ('problems' in checked)
    return [
      fail(
        'configuration',
        checked.problems.join('; '),
        'set the variables named (docs/configuration.md, .env.production.example)',
      ),
    ];
  // The runner's configuration names every external system the checks below try.
  const config = checked.runner;
  const results: CheckResult[] = [ok('configuration', 'every service accepts it')];
  results.push(await checkDatabase(config));
  results.push(await checkBroker(config));
  const ncp = preflightNcpClients(config);
  try {
    results.push(await checkSourceCommit(ncp));
    results.push(await checkSourceBuild(ncp));
    results.push(await checkSourceDeploy(ncp));
    results.push(await checkRegistry(config, ncp));
    results.push(await checkCluster(config, ncp));
  } finally {
    await ncp.close();
  }
  results.push(await checkKubeconfig(config));
  results.push(await checkGithubApp(config));
  return results;
}

const SERVICES: AppName[] = ['gateway', 'provisioner', 'mirror', 'runner', 'history'];

/** Each service's own start-up check, so one run names everything any of them would refuse. */
function checkConfiguration(env: NodeJS.ProcessEnv): { runner: KlepaasConfig } | { problems: string[] } {
  const problems: string[] = [];
  let runner: KlepaasConfig | undefined;
  for (const service of SERVICES) {
    try {
      const config = loadConfig(service, env);
      if (service === 'runner') runner = config;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((p) => `${service}: ${p}`));
    }
  }
  return runner && !problems.length ? { runner } : { problems };
}

/** Prints the report and answers the exit code: 1 when any check failed. */
export async function runPreflight(
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  write(`K-Le-PaaS preflight (${/^(true|1|yes)$/i.test(env.KLEPAAS_SANDBOX ?? '') ? 'sandbox mode' : 'production'})`);
  const results = await preflight(env);
  for (const result of results) write(formatResult(result));
  const failed = results.filter((r) => r.status === 'fail');
  write(failed.length ? `${failed.length} check(s) failed.` : 'Every check passed.');
  return failed.length ? 1 : 0;
}
