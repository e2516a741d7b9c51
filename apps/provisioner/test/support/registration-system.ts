import { createNcpClients, NcpClients } from '@klepaas/ncp';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { gatewayService } from '../../../gateway/src/gateway.service';
import { historyService } from '../../../history/src/history.service';
import { runnerService } from '../../../runner/src/runner.service';
import { provisionerService } from '../../src/provisioner.service';
import { getJson } from '../../../../test/support/http';
import { RunningSandbox, sandboxEnv, startTestSandbox } from '../../../../test/support/sandbox';
import { StartedService, startService } from '../../../../test/support/services';

/** What the registration tests run against: the sandbox, the services registering needs, NCP clients. */
export interface RegistrationSystem {
  infra: IsolatedInfra;
  sandbox: RunningSandbox;
  gateway: StartedService;
  ncp: NcpClients;
  /** A project as the REST API shows it to `token`. */
  project(id: string, token: string): ReturnType<typeof getJson>;
  /** Waits until the project shows `status` to `token`. */
  untilStatus(id: string, status: string, token: string): ReturnType<typeof getJson>;
  close(): Promise<void>;
}

export async function startRegistrationSystem(): Promise<RegistrationSystem> {
  const infra = await createIsolatedInfra();
  const sandbox = await startTestSandbox();
  const env = sandboxEnv(sandbox);
  const services = [
    await startService(gatewayService, infra, env),
    await startService(provisionerService, infra, env),
    await startService(historyService, infra, env),
    // Unregistering waits for the runner to stop the project's runs.
    await startService(runnerService, infra, env),
  ];
  const gateway = services[0];
  const ncp = createNcpClients({
    accessKey: sandbox.options.ncpAccessKey,
    secretKey: sandbox.options.ncpSecretKey,
    endpoints: services[1].config.ncp.endpoints,
  });
  const project = (id: string, token: string) => getJson(`${gateway.url}/api/v1/projects/${id}`, token);
  return {
    infra,
    sandbox,
    gateway,
    ncp,
    project,
    untilStatus: (id, status, token) =>
      pollUntil(
        () => project(id, token),
        (r) => r.body?.status === status,
        { timeoutMs: 30_000, description: `project ${status}` },
      ),
    close: async () => {
      await ncp.close();
      for (const s of services) await s.close();
      await sandbox.close();
      await infra.dispose();
    },
  };
}

/** The entries of `list` called `name`. */
export const named = <T extends { name: string }>(list: T[], name: string) => list.filter((x) => x.name === name);
